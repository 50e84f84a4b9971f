package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything predicted for one (job, attempt) when it is leased: the injected predictor's figure as
 * before ({@code predictedMs}), every registered predictor's figure, which one is recommended, and
 * whether the device profile they came from is stale.
 *
 * @param injected    the scheduler's predictor (kept in {@code predicted_ms})
 * @param figures     one per registered predictor, in registry order
 * @param recommended name of the predictor to believe; "" when none could predict
 * @param staleReason why the device profile is stale; "" when it is not
 * @param flopsByOpType FLOPs per call by op type of the profile the predictions used; empty without one
 * @param nodes       per graph node: MACs and one predictor's time ({@link NodeEstimate}); empty without a profile
 */
public record LeasePrediction(Prediction injected, List<Figure> figures, String recommended, String staleReason,
                              Map<String, Long> flopsByOpType, List<NodeEstimate> nodes) {
    /**
     * One predictor's figure.
     *
     * @param millis ms per batch; 0 = it could not predict ({@code basis} says why)
     */
    public record Figure(String predictor, double millis, String basis) {
        public Figure {
            Objects.requireNonNull(predictor, "predictor is null");
            Objects.requireNonNull(basis, "basis is null");
            if (!(millis >= 0)) {
                throw new IllegalArgumentException("millis must be >= 0, got " + millis);
            }
        }
    }

    /**
     * One node of the profile the predictions used, by its graph node name (the name result_layers uses).
     *
     * @param macs        multiply-accumulates per batch from the cost model; null = a kernel the predictor
     *                    named that the profile does not have
     * @param predictedMs {@code predictor}'s time for the node, ms per batch; null = its breakdown has no entry
     *                    for the node (e.g. fused into another kernel)
     * @param predictor   whose breakdown {@code predictedMs} comes from; "" = no predictor gave one
     */
    public record NodeEstimate(String node, String opType, Long macs, Double predictedMs, String predictor) {
        public NodeEstimate {
            Objects.requireNonNull(node, "node is null");
            Objects.requireNonNull(opType, "opType is null");
            Objects.requireNonNull(predictor, "predictor is null");
            if (predictedMs != null && !(predictedMs >= 0)) {
                throw new IllegalArgumentException("predictedMs must be >= 0, got " + predictedMs);
            }
        }
    }

    public LeasePrediction {
        Objects.requireNonNull(injected, "injected is null");
        figures = List.copyOf(figures);
        Objects.requireNonNull(recommended, "recommended is null");
        Objects.requireNonNull(staleReason, "staleReason is null");
        flopsByOpType = Map.copyOf(flopsByOpType);
        nodes = List.copyOf(nodes);
    }

    public LeasePrediction(Prediction injected, List<Figure> figures, String recommended, String staleReason,
                           Map<String, Long> flopsByOpType) {
        this(injected, figures, recommended, staleReason, flopsByOpType, List.of());
    }

    public LeasePrediction(Prediction injected, List<Figure> figures, String recommended, String staleReason) {
        this(injected, figures, recommended, staleReason, Map.of());
    }

    /** MACs per batch summed over {@link #nodes()}; null without a profile. */
    public Long totalMacs() {
        if (nodes.isEmpty()) {
            return null;
        }
        return nodes.stream().map(NodeEstimate::macs).filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    }

    /** Only the injected figure (callers that predict nothing else). */
    public static LeasePrediction of(Prediction injected) {
        return new LeasePrediction(injected, List.of(), "", "");
    }

    public boolean stale() {
        return !staleReason.isEmpty();
    }
}
