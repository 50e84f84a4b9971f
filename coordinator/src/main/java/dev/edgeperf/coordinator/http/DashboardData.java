package dev.edgeperf.coordinator.http;

import java.util.List;
import java.util.Map;
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

    /** Latencies are compute latencies per batch in ms; throughput in samples/s. */
    record ResultView(String jobId, String campaignId, String agentName, String modelName, String variantRecipe,
                      int batchSize, int threads, long flops, double peakGflops, double predictedMs, double p50Ms,
                      double p90Ms, double p99Ms, double meanMs, double throughputSamplesPerS, long finishedUnixMs) {
    }
}
