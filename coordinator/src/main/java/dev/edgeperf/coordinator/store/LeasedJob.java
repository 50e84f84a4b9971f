package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.util.Map;
import java.util.Objects;

/**
 * A queued job as the scheduler holds it, and hands it out when leased: everything the
 * assignment message needs plus what matching needs.
 *
 * @param targetAgentId the only agent allowed to run it, or null for any agent matching {@code selector}
 * @param campaignCreatedMs with {@code seq}, the queue order (older campaigns first)
 * @param flops         per batch, for the prediction made at lease time
 * @param queuedMs      when this attempt was queued, coordinator clock
 * @param inputShapes   the concrete shape of every model input at {@code batchSize}; empty = none resolved
 * @param inputValues   values the user gave for integer inputs, fed instead of generated data; empty = none
 */
public record LeasedJob(String jobId, int attempt, String campaignId, long campaignCreatedMs, int seq,
                        String targetAgentId, String selector, String modelName, String modelDigest,
                        long modelSizeBytes, String variantRecipe, int batchSize, int threads,
                        MeasurementSettings measurement, long flops, long queuedMs, Map<String, long[]> inputShapes,
                        Map<String, long[]> inputValues) {
    /** A job without input values. */
    public LeasedJob(String jobId, int attempt, String campaignId, long campaignCreatedMs, int seq,
                     String targetAgentId, String selector, String modelName, String modelDigest,
                     long modelSizeBytes, String variantRecipe, int batchSize, int threads,
                     MeasurementSettings measurement, long flops, long queuedMs, Map<String, long[]> inputShapes) {
        this(jobId, attempt, campaignId, campaignCreatedMs, seq, targetAgentId, selector, modelName, modelDigest,
                modelSizeBytes, variantRecipe, batchSize, threads, measurement, flops, queuedMs, inputShapes, Map.of());
    }

    /** A job without resolved input shapes. */
    public LeasedJob(String jobId, int attempt, String campaignId, long campaignCreatedMs, int seq,
                     String targetAgentId, String selector, String modelName, String modelDigest,
                     long modelSizeBytes, String variantRecipe, int batchSize, int threads,
                     MeasurementSettings measurement, long flops, long queuedMs) {
        this(jobId, attempt, campaignId, campaignCreatedMs, seq, targetAgentId, selector, modelName, modelDigest,
                modelSizeBytes, variantRecipe, batchSize, threads, measurement, flops, queuedMs, Map.of());
    }

    public LeasedJob {
        inputShapes = InputShapesColumn.copy(inputShapes);
        inputValues = InputShapesColumn.copy(inputValues);
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(campaignId, "campaignId is null");
        Objects.requireNonNull(selector, "selector is null");
        Objects.requireNonNull(modelDigest, "modelDigest is null");
        Objects.requireNonNull(measurement, "measurement is null");
    }

    /** The same job queued again as attempt {@code next}. */
    public LeasedJob withAttempt(int next, long queuedAt) {
        return new LeasedJob(jobId, next, campaignId, campaignCreatedMs, seq, targetAgentId, selector, modelName,
                modelDigest, modelSizeBytes, variantRecipe, batchSize, threads, measurement, flops, queuedAt, inputShapes,
                inputValues);
    }
}
