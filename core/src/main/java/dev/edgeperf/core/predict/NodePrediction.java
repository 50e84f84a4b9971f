package dev.edgeperf.core.predict;

import java.util.Objects;

/**
 * One node's share of a per-node prediction.
 *
 * @param node    node label as in the model profile
 * @param opType  its op type
 * @param millis  predicted time of this node, ms (its bound plus its dispatch overhead)
 * @param bound   what limits it: the compute peak, memory bandwidth, or only the dispatch overhead
 */
public record NodePrediction(String node, String opType, double millis, Bound bound) {
    /** What a node's predicted time is made of. */
    public enum Bound {
        COMPUTE, MEMORY, OVERHEAD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NodePrediction {
        Objects.requireNonNull(node, "node is null");
        Objects.requireNonNull(opType, "opType is null");
        Objects.requireNonNull(bound, "bound is null");
        if (!(millis >= 0)) {
            throw new IllegalArgumentException("millis must be >= 0, got " + millis);
        }
    }
}
