package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * One finished job of a campaign. Measured fields are 0 for a failed job.
 *
 * @param flops       per batch
 * @param predictedMs milliseconds per batch
 * @param p50Ms       measured compute latency per batch, ms
 * @param state       "done" or "failed"
 */
public record JobOutcome(String jobId, String campaignId, String agentName, String modelName, String variantRecipe,
                         int batchSize, int threads, long flops, double peakGflops, double predictedMs, double p50Ms,
                         double p90Ms, double p99Ms, double meanMs, double throughputSamplesPerS, long finishedUnixMs,
                         String state, String failureReason) {
    public JobOutcome {
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(state, "state is null");
        failureReason = failureReason == null ? "" : failureReason;
    }
}
