package dev.edgeperf.core.predict;

/**
 * Predicts how long one inference call takes on a device, before it is measured. Implementations
 * are pure and thread-safe: the coordinator calls one from every agent's stream at once.
 * {@link NaivePredictor} is the reference; per-node predictors (roofline, kernel-level) read
 * {@link PredictionInput#profile()} and the device's calibration.
 */
public interface Predictor {
    /** Short stable name, stored with each prediction, e.g. "naive-flops". */
    String name();

    /** Never throws for a valid input: an input it cannot predict from gives {@code millis} 0 and says why. */
    PredictedLatency predict(PredictionInput input);
}
