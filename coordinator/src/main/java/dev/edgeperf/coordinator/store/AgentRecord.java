package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An agent the store knows, connected or not, with its hardware as last reported. */
public record AgentRecord(String id, String name, boolean connected, long lastSeenUnixMs, Hardware hardware,
                          String engineVersion, Map<String, String> labels, Optional<Calibration> calibration) {
    public AgentRecord {
        labels = Map.copyOf(labels);
        Objects.requireNonNull(calibration, "calibration is null");
    }

    /** Without a calibration. */
    public AgentRecord(String id, String name, boolean connected, long lastSeenUnixMs, Hardware hardware,
                       String engineVersion, Map<String, String> labels) {
        this(id, name, connected, lastSeenUnixMs, hardware, engineVersion, labels, Optional.empty());
    }

    /**
     * The agent's device profile as it last sent it (figures of {@code agent calibrate}); 0 = not measured,
     * "" = not recorded.
     */
    public record Calibration(double matmulGflops, double convGflops, double memoryGbPerS, double callOverheadUs,
                              double nodeOverheadUs, int threads, long measuredUnixMs, String hardwareFingerprint,
                              String engineVersion) {
        public Calibration {
            Objects.requireNonNull(hardwareFingerprint, "hardwareFingerprint is null");
            Objects.requireNonNull(engineVersion, "engineVersion is null");
        }
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
