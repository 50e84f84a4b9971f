package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * One finished job of a campaign. Measured fields are 0 (strings "") for a failed job, and 0 for a
 * figure the agent did not report.
 *
 * @param agentName        the agent that produced the result (or last held the job); "" when none did
 * @param requestedThreads intra-op threads the campaign asked for; 0 = engine default
 * @param flops            per batch
 * @param predictedMs      milliseconds per batch
 * @param p50Ms            measured compute latency per batch, ms
 * @param state            "done" or "failed"
 * @param peakBasis        "calibrated" or "theoretical"; "" when the job never ran
 * @param queueWaitMs      queued -> leased for the attempt that produced the result, ms
 * @param measurementMs    leased -> result received, ms
 * @param usedThreads      intra-op threads the session actually used (the engine default resolved)
 * @param stopReason       why the measurement ended, e.g. "max-duration"
 */
public record JobOutcome(String jobId, String campaignId, String agentName, String modelName, String variantRecipe,
                         int batchSize, int requestedThreads, long flops, double peakGflops, double predictedMs,
                         double p50Ms, double p90Ms, double p99Ms, double meanMs, double throughputSamplesPerS,
                         long finishedUnixMs, String state, String failureReason, int attempt, String peakBasis,
                         long queueWaitMs, long measurementMs, String selector, int concurrency, double p999Ms,
                         double endToEndP50Ms, int usedThreads, String stopReason) {
    public JobOutcome {
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(state, "state is null");
        agentName = agentName == null ? "" : agentName;
        failureReason = failureReason == null ? "" : failureReason;
        peakBasis = peakBasis == null ? "" : peakBasis;
        selector = selector == null ? "" : selector;
        stopReason = stopReason == null ? "" : stopReason;
    }
}
