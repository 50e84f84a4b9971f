package dev.edgeperf.coordinator.store;

import java.util.Objects;

/** A job just leased to an agent: everything the assignment message needs. */
public record LeasedJob(String jobId, int attempt, String modelName, String modelDigest, long modelSizeBytes,
                        String variantRecipe, int batchSize, int threads, Measurement measurement) {
    public LeasedJob {
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(modelDigest, "modelDigest is null");
        Objects.requireNonNull(measurement, "measurement is null");
    }
}
