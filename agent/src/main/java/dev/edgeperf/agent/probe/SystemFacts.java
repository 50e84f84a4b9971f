package dev.edgeperf.agent.probe;

import java.util.Objects;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * What OSHI and the JVM report, gathered in one value so {@link HardwareProbe} can be tested with
 * hand-written facts. Unknown numbers are 0, unknown strings empty.
 *
 * @param osArch the JVM's {@code os.arch}, before normalization
 */
public record SystemFacts(String cpuName, int physicalCores, int logicalCores, long maxFreqHz,
                          long memoryBytes, String os, String hostname, String osArch, String jvm) {
    public SystemFacts {
        Objects.requireNonNull(cpuName, "cpuName is null");
        Objects.requireNonNull(os, "os is null");
        Objects.requireNonNull(hostname, "hostname is null");
        Objects.requireNonNull(osArch, "osArch is null");
        Objects.requireNonNull(jvm, "jvm is null");
    }

    /** The JVM as "vm name + java version", e.g. "OpenJDK 64-Bit Server VM 17.0.15". */
    public static String jvmDescription() {
        return System.getProperty("java.vm.name", "java") + " " + System.getProperty("java.version", "");
    }

    /** Reads this machine through OSHI; any OSHI failure leaves that fact unknown. */
    public static SystemFacts ofThisMachine(SystemInfo si) {
        String cpuName = "";
        int physical = 0;
        int logical = 0;
        long maxFreq = 0;
        long memory = 0;
        String os = "";
        String host = "";
        try {
            HardwareAbstractionLayer hal = si.getHardware();
            CentralProcessor cpu = hal.getProcessor();
            cpuName = cpu.getProcessorIdentifier().getName().trim();
            physical = cpu.getPhysicalProcessorCount();
            logical = cpu.getLogicalProcessorCount();
            maxFreq = Math.max(0, cpu.getMaxFreq());
            memory = hal.getMemory().getTotal();
        } catch (RuntimeException | LinkageError e) {
            // OSHI lacks support on some boards; HardwareProbe falls back to /proc and the JVM
        }
        try {
            os = si.getOperatingSystem().toString();
            host = si.getOperatingSystem().getNetworkParams().getHostName();
        } catch (RuntimeException | LinkageError e) {
            // as above
        }
        if (host == null || host.isBlank()) {
            host = hostnameFromEnvironment();
        }
        return new SystemFacts(cpuName, physical, logical, maxFreq, memory, os, host,
                System.getProperty("os.arch", ""), jvmDescription());
    }

    private static String hostnameFromEnvironment() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }
}
