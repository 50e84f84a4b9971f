package dev.edgeperf.coordinator.spec;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Tries per fuzz property: a few hundred in the normal build, as many as {@code -Dedgeperf.fuzz.tries=N}
 * asks for in a benchmark-mode run.
 */
public final class FuzzTries implements AroundPropertyHook {
    static final String PROPERTY = "edgeperf.fuzz.tries";
    static final int DEFAULT_TRIES = 300;

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        context.attributes().setTries(Integer.getInteger(PROPERTY, DEFAULT_TRIES));
        return property.execute();
    }

    @Override
    public int aroundPropertyProximity() {
        return -100; // outside jqwik's own hooks, so the tries are set before they are read
    }
}
