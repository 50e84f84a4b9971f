package dev.edgeperf.coordinator.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the coordinator in order, before the JVM's shutdown begins.
 *
 * <p>Left to shutdown hooks, H2's own hook closes the database at the same time as ours stops gRPC,
 * and the agent streams gRPC cancels on the way down then write to a closed database (a WARN on
 * every clean stop). H2 cannot be told to leave the closing to us while AUTO_SERVER is on, so the
 * signal itself runs the stop: servers, then the database, then the process ends normally.
 */
public final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Runs {@code stop} (once per signal) on SIGTERM and SIGINT; where a signal is not available, hooks remain. */
    public static void install(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("SIG{} received, stopping", name);
                    stop.run();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("cannot handle SIG{}: {}", name, e.toString());
            }
        }
    }
}
