package dev.edgeperf.coordinator.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP API and the dashboard read. Implemented by the store; the HTTP layer only
 * serializes these views to JSON (field names as in the records, camelCase).
 */
public interface DashboardData {

    List<AgentView> agents();

    List<CampaignView> campaigns();

    /** Finished results, newest campaign first; {@code campaignId} empty = all campaigns. */
    List<ResultView> results(Optional<String> campaignId);

    /**
     * The latency histogram stored with the result that completed a job.
     *
     * @return empty when the job is unknown or has no stored result
     */
    Optional<StoredHistogram> latencyHistogram(String jobId);

    /**
     * @param compressed HdrHistogram compressed encoding of the compute latencies per batch, in
     *                   nanoseconds; empty (length 0) when the agent sent none
     */
    record StoredHistogram(String jobId, int attempt, byte[] compressed) {
        public StoredHistogram {
            Objects.requireNonNull(jobId, "jobId is null");
            compressed = compressed == null ? new byte[0] : compressed.clone();
        }

        @Override
        public byte[] compressed() {
            return compressed.clone();
        }
    }

    record HardwareView(String cpuModel, int physicalCores, int logicalCores, long maxFreqHz, long memoryBytes,
                        String os, String arch, List<String> isaFeatures, double peakGflopsFp32, String peakBasis,
                        String board, String fingerprint) {
        public HardwareView {
            isaFeatures = List.copyOf(isaFeatures);
        }
    }

    record AgentView(String id, String name, boolean connected, long lastSeenUnixMs, HardwareView hardware,
                     String engineVersion, Map<String, String> labels) {
        public AgentView {
            labels = Map.copyOf(labels);
        }
    }

    record CampaignView(String id, String name, String state, long createdUnixMs, int jobsTotal, int jobsDone,
                        int jobsFailed) {
    }

    /**
     * One stored result. Latencies are per batch in ms: compute latencies ({@code session.run} only)
     * unless named end-to-end (input tensor creation included); throughput in samples/s.
     *
     * @param threads          intra-op threads the session actually used
     * @param requestedThreads what the campaign asked for; 0 = engine default
     * @param peakBasis        what the prediction divided by: "calibrated" (measured) or "theoretical" peak
     * @param p999Ms           null when the agent did not report it
     * @param endToEndP50Ms    null when the agent did not measure end-to-end latency
     * @param attempt          the attempt (1-based) whose result this is
     * @param queueWaitMs      queued -> leased, coordinator clock
     * @param measurementMs    leased -> result received, coordinator clock
     * @param stopReason       why the measurement ended, e.g. "max-duration"
     */
    record ResultView(String jobId, String campaignId, String agentName, String modelName, String variantRecipe,
                      int batchSize, int threads, int requestedThreads, long flops, double peakGflops,
                      String peakBasis, double predictedMs, double p50Ms, double p90Ms, double p99Ms, Double p999Ms,
                      double meanMs, Double endToEndP50Ms, double throughputSamplesPerS, int attempt,
                      long queueWaitMs, long measurementMs, String stopReason, long finishedUnixMs) {
    }
}
