package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.spec.Mode;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.onnx.ModelInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A checked campaign: what must be built before its jobs exist, and what each built variant is
 * crossed with. Jobs = builds x batches x threads x modes x targets, in that nesting order.
 *
 * @param builds  distinct (model, recipe) pairs in submission order
 * @param targets one per selector; {@code all} already expanded to the agents connected at submit time
 * @param inputs  model name -> the input sizes given for it (checked: every input has a shape at every batch)
 */
public record CampaignPlan(String name, List<VariantBuild> builds, List<Integer> batches, List<Integer> threads,
                           List<Mode> modes, List<Target> targets, MeasurementSettings measurement,
                           Map<String, ModelInputs> inputs) {
    /** One variant file to build: {@code recipe} applied to {@code model}. */
    public record VariantBuild(String model, String recipe) {
        public VariantBuild {
            Objects.requireNonNull(model, "model is null");
            Objects.requireNonNull(recipe, "recipe is null");
        }

        @Override
        public String toString() {
            return model + " " + recipe;
        }
    }

    /**
     * Where a selector's jobs may run.
     *
     * @param agentId  the one agent that must run them ({@code all}), or null for any agent matching
     * @param selector canonical selector text ("name=x" for agent-bound jobs)
     */
    public record Target(String agentId, String selector) {
        public Target {
            Objects.requireNonNull(selector, "selector is null");
        }
    }

    public CampaignPlan {
        Objects.requireNonNull(name, "name is null");
        builds = List.copyOf(builds);
        batches = List.copyOf(batches);
        threads = List.copyOf(threads);
        modes = List.copyOf(modes);
        targets = List.copyOf(targets);
        Objects.requireNonNull(measurement, "measurement is null");
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(inputs, "inputs is null")));
    }

    /** How many jobs the campaign will have once its variants are built. */
    public int jobCount() {
        return builds.size() * batches.size() * threads.size() * modes.size() * targets.size();
    }
}
