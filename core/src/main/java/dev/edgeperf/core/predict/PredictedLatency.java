package dev.edgeperf.core.predict;

import java.util.List;
import java.util.Objects;

/**
 * One predictor's answer.
 *
 * @param predictor      the {@link Predictor#name()} that made it
 * @param millis         predicted compute latency of one call (per batch), ms; 0 = no prediction
 *                       (e.g. the device's peak is unknown)
 * @param peakGflops     the peak the prediction used, GFLOP/s; 0 = none
 * @param calibratedPeak true when {@code peakGflops} was measured on the device, false when it
 *                       comes from the hardware table
 * @param basis          one line saying what it was computed from, e.g.
 *                       "FLOPs / calibrated peak 40 GFLOP/s"
 * @param nodes          per-node breakdown in graph order, for predictors that work per node; empty otherwise
 */
public record PredictedLatency(String predictor, double millis, double peakGflops, boolean calibratedPeak,
                               String basis, List<NodePrediction> nodes) {
    public PredictedLatency {
        Objects.requireNonNull(predictor, "predictor is null");
        Objects.requireNonNull(basis, "basis is null");
        if (!(millis >= 0)) {
            throw new IllegalArgumentException("millis must be >= 0, got " + millis);
        }
        nodes = List.copyOf(nodes);
    }

    /** A whole-model prediction without a per-node breakdown. */
    public PredictedLatency(String predictor, double millis, double peakGflops, boolean calibratedPeak,
                            String basis) {
        this(predictor, millis, peakGflops, calibratedPeak, basis, List.of());
    }

    /** No prediction, with the reason. */
    public static PredictedLatency none(String predictor, String why) {
        return new PredictedLatency(predictor, 0, 0, false, "no prediction: " + why);
    }

    /** True when a figure was predicted. */
    public boolean known() {
        return millis > 0;
    }
}
