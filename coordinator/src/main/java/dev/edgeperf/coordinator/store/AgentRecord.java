package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Map;

/** An agent the store knows, connected or not, with its hardware as last reported. */
public record AgentRecord(String id, String name, boolean connected, long lastSeenUnixMs, Hardware hardware,
                          String engineVersion, Map<String, String> labels) {
    public AgentRecord {
        labels = Map.copyOf(labels);
    }

    /** @param peakGflopsFp32 theoretical fp32 peak, GFLOP/s; @param maxFreqHz 0 = unknown */
    public record Hardware(String cpuModel, int physicalCores, int logicalCores, long maxFreqHz, long memoryBytes,
                           String os, String arch, List<String> isaFeatures, double peakGflopsFp32,
                           String peakBasis, String board, String fingerprint) {
        public Hardware {
            isaFeatures = List.copyOf(isaFeatures);
        }
    }
}
