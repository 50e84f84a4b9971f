package dev.edgeperf.core.cost;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Analytical cost of a whole model at one batch size. FLOPs and MACs are per batch
 * (i.e. already multiplied by the batch size used for profiling).
 *
 * @param uncountedOpTypes op type -> number of nodes that have no counting rule
 * @param notes            what a reader must know about the counts (see {@link ParameterCounter.Counts#notes()});
 *                         empty when there is nothing to say
 */
public record ModelProfile(String source, long batch, CountingConvention convention, List<NodeCost> nodes,
                           long totalParams, long trainableParams, long totalMacs, long totalFlops,
                           long weightBytes, long peakActivationBytes, long fileSizeBytes,
                           Map<String, Integer> uncountedOpTypes, List<String> notes) {
    public ModelProfile {
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(convention, "convention is null");
        nodes = List.copyOf(nodes);
        uncountedOpTypes = Map.copyOf(uncountedOpTypes);
        notes = List.copyOf(notes);
    }
}
