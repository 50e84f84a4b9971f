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
 */
public record LeasePrediction(Prediction injected, List<Figure> figures, String recommended, String staleReason,
                              Map<String, Long> flopsByOpType) {
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

    public LeasePrediction {
        Objects.requireNonNull(injected, "injected is null");
        figures = List.copyOf(figures);
        Objects.requireNonNull(recommended, "recommended is null");
        Objects.requireNonNull(staleReason, "staleReason is null");
        flopsByOpType = Map.copyOf(flopsByOpType);
    }

    public LeasePrediction(Prediction injected, List<Figure> figures, String recommended, String staleReason) {
        this(injected, figures, recommended, staleReason, Map.of());
    }

    /** Only the injected figure (callers that predict nothing else). */
    public static LeasePrediction of(Prediction injected) {
        return new LeasePrediction(injected, List.of(), "", "");
    }

    public boolean stale() {
        return !staleReason.isEmpty();
    }
}
