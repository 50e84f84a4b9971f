package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Objects;

/**
 * The per-node times stored with a job's latest result (the agent's profiled pass after its timed runs), each
 * with the MACs and predicted time its lease stored for the same graph node.
 *
 * @param layers    in profile order; empty when the agent sent none
 * @param predictor whose per-node breakdown {@link Layer#predictedMs()} is; "" when the lease stored none
 */
public record StoredLayers(String jobId, int attempt, List<Layer> layers, String predictor) {
    /**
     * One node.
     *
     * @param opType      the kernel's op type as ONNX Runtime reported it, e.g. FusedConv
     * @param graphOpType the node's op type in the submitted graph; "" when ONNX Runtime inserted it
     * @param meanUs      mean time per profiled run, µs
     * @param macs        the graph node's multiply-accumulates per batch from the cost model; null when the lease
     *                    stored none for this node (an inserted kernel, or a job leased before V15)
     * @param predictedMs the predictor's time for the graph node, ms per batch; null as above, or when its
     *                    breakdown has no entry for the node
     */
    public record Layer(String node, String opType, String graphOpType, boolean inGraph, double meanUs, int runs,
                        Long macs, Double predictedMs) {
        public Layer {
            Objects.requireNonNull(node, "node is null");
            Objects.requireNonNull(opType, "opType is null");
            Objects.requireNonNull(graphOpType, "graphOpType is null");
        }

        /** A measured layer without a stored estimate. */
        public Layer(String node, String opType, String graphOpType, boolean inGraph, double meanUs, int runs) {
            this(node, opType, graphOpType, inGraph, meanUs, runs, null, null);
        }
    }

    public StoredLayers {
        Objects.requireNonNull(jobId, "jobId is null");
        layers = List.copyOf(layers);
        Objects.requireNonNull(predictor, "predictor is null");
    }
}
