package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Objects;

/**
 * The per-node times stored with a job's latest result (the agent's profiled pass after its timed runs).
 *
 * @param layers in profile order; empty when the agent sent none
 */
public record StoredLayers(String jobId, int attempt, List<Layer> layers) {
    /**
     * One node.
     *
     * @param opType      the kernel's op type as ONNX Runtime reported it, e.g. FusedConv
     * @param graphOpType the node's op type in the submitted graph; "" when ONNX Runtime inserted it
     * @param meanUs      mean time per profiled run, µs
     */
    public record Layer(String node, String opType, String graphOpType, boolean inGraph, double meanUs, int runs) {
        public Layer {
            Objects.requireNonNull(node, "node is null");
            Objects.requireNonNull(opType, "opType is null");
            Objects.requireNonNull(graphOpType, "graphOpType is null");
        }
    }

    public StoredLayers {
        Objects.requireNonNull(jobId, "jobId is null");
        layers = List.copyOf(layers);
    }
}
