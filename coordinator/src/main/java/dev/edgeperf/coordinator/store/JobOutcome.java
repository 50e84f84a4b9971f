package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * One finished job of a campaign. Measured fields are 0 for a failed job.
 *
 * @param agentName     the agent that produced the result (or last held the job); "" when none did
 * @param flops         per batch
 * @param predictedMs   milliseconds per batch
 * @param peakBasis     "calibrated" or "theoretical"; "" when the job never ran
 * @param p50Ms         measured compute latency per batch, ms
 * @param queueWaitMs   queued -> leased for the attempt that produced the result, ms
 * @param measurementMs leased -> result received, ms
 * @param state         "done" or "failed"
 */
public record JobOutcome(String jobId, String campaignId, String agentName, String modelName, String variantRecipe,
                         int batchSize, int threads, long flops, double peakGflops, double predictedMs, double p50Ms,
                         double p90Ms, double p99Ms, double meanMs, double throughputSamplesPerS, long finishedUnixMs,
                         String state, String failureReason, int attempt, String peakBasis, long queueWaitMs,
                         long measurementMs, String selector, int concurrency, double p999Ms, double endToEndP50Ms) {
    public JobOutcome {
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(state, "state is null");
        agentName = agentName == null ? "" : agentName;
        failureReason = failureReason == null ? "" : failureReason;
        peakBasis = peakBasis == null ? "" : peakBasis;
        selector = selector == null ? "" : selector;
    }
}
