package dev.edgeperf.core.predict;

import dev.edgeperf.core.cost.ModelProfile;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a predictor may use for one (model variant, batch, threads, device).
 *
 * @param flopsPerBatch     FLOPs of one inference call at {@code batchSize}
 * @param batchSize         samples per call, >= 1
 * @param threads           intra-op threads requested; 0 = the engine's default
 * @param executionProvider e.g. "CPU"; empty when the agent did not say
 * @param device            the device's peaks and calibration
 * @param profile           the per-node cost profile at {@code batchSize}, when the caller has it
 *                          (per-node predictors need it; the naive one does not)
 */
public record PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                              DevicePeaks device, Optional<ModelProfile> profile) {
    public PredictionInput {
        if (flopsPerBatch < 0) {
            throw new IllegalArgumentException("flopsPerBatch must be >= 0, got " + flopsPerBatch);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(device, "device is null");
        Objects.requireNonNull(profile, "profile is null");
    }

    /** Without a model profile. */
    public PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                           DevicePeaks device) {
        this(flopsPerBatch, batchSize, threads, executionProvider, device, Optional.empty());
    }
}
