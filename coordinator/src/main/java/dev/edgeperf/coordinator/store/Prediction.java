package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * The naive FLOPs prediction for one (job, agent).
 *
 * @param peakGflops  the agent's peak fp32 GFLOP/s used; 0 = unknown (then predictedMs is 0)
 * @param basis       "calibrated" (measured by {@code agent calibrate}) or "theoretical" (hardware table)
 * @param predictedMs milliseconds per batch
 */
public record Prediction(double peakGflops, String basis, double predictedMs) {
    public static final String CALIBRATED = "calibrated";
    public static final String THEORETICAL = "theoretical";

    public Prediction {
        Objects.requireNonNull(basis, "basis is null");
        if (!basis.equals(CALIBRATED) && !basis.equals(THEORETICAL)) {
            throw new IllegalArgumentException("basis must be calibrated or theoretical, got '" + basis + "'");
        }
    }
}
