package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * A job as planned, before it is queued.
 *
 * @param flops       FLOPs of one inference call at {@code batchSize} (per batch)
 * @param peakGflops  the target agent's peak fp32 GFLOP/s used for {@code predictedMs}
 * @param predictedMs naive prediction, milliseconds per batch
 */
public record NewJob(String id, String targetAgentId, String modelName, String modelDigest, long modelSizeBytes,
                     String variantRecipe, int batchSize, int threads, Measurement measurement, long flops,
                     double peakGflops, double predictedMs) {
    public NewJob {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(targetAgentId, "targetAgentId is null");
        Objects.requireNonNull(modelName, "modelName is null");
        Objects.requireNonNull(modelDigest, "modelDigest is null");
        Objects.requireNonNull(variantRecipe, "variantRecipe is null");
        Objects.requireNonNull(measurement, "measurement is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
    }
}
