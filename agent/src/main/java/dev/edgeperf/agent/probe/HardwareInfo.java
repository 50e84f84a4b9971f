package dev.edgeperf.agent.probe;

import java.util.List;
import java.util.Objects;

/**
 * The agent's hardware as sent in the hello; mirrors the proto {@code Hardware} message.
 *
 * @param maxFreqHz       maximum CPU frequency in hertz, 0 = unknown
 * @param memoryBytes     physical memory in bytes
 * @param arch            normalized: x86_64, aarch64 or armv7l (others pass through lower-cased)
 * @param isaFeatures     normalized features, see {@link CpuInfoParser}
 * @param peakGflopsFp32  theoretical FP32 peak in GFLOPS, 0 = unknown
 * @param peakBasis       how the peak was derived
 * @param fingerprint     first 16 hex chars of SHA-256 over cpu model, cores, max frequency, memory, arch, board
 */
public record HardwareInfo(String cpuModel, int physicalCores, int logicalCores, long maxFreqHz,
                           long memoryBytes, String os, String arch, List<String> isaFeatures,
                           double peakGflopsFp32, String peakBasis, String board, String fingerprint,
                           String hostname, String jvm) {
    public HardwareInfo {
        Objects.requireNonNull(cpuModel, "cpuModel is null");
        Objects.requireNonNull(os, "os is null");
        Objects.requireNonNull(arch, "arch is null");
        isaFeatures = List.copyOf(isaFeatures);
        Objects.requireNonNull(peakBasis, "peakBasis is null");
        Objects.requireNonNull(board, "board is null");
        Objects.requireNonNull(fingerprint, "fingerprint is null");
        Objects.requireNonNull(hostname, "hostname is null");
        Objects.requireNonNull(jvm, "jvm is null");
    }
}
