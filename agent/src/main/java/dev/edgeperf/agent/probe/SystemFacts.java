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

    /** Reads this machine through OSHI; a failing OSHI call leaves only its own fact unknown. */
    public static SystemFacts ofThisMachine(SystemInfo si) {
        return of(new OshiSource(si), System.getProperty("os.arch", ""));
    }

    /**
     * Reads every fact from {@code source} on its own, so one failing call (OSHI without libudev,
     * an unsupported board) makes that fact unknown and the others are still read.
     */
    public static SystemFacts of(Source source, String osArch) {
        String host = read(source::hostname, "");
        if (host == null || host.isBlank()) {
            host = hostnameFromEnvironment();
        }
        return new SystemFacts(nonNull(read(source::cpuName, "")).trim(), Math.max(0, read(source::physicalCores, 0)),
                Math.max(0, read(source::logicalCores, 0)), Math.max(0, read(source::maxFreqHz, 0L)),
                Math.max(0, read(source::memoryBytes, 0L)), nonNull(read(source::os, "")), host, osArch,
                jvmDescription());
    }

    /** One fact, or {@code unknown} when reading it fails in any way short of a VM error. */
    private static <T> T read(java.util.function.Supplier<T> fact, T unknown) {
        try {
            T v = fact.get();
            return v == null ? unknown : v;
        } catch (RuntimeException | LinkageError e) {
            // OSHI lacks support on some boards (or its native helpers); HardwareProbe falls back to /proc
            return unknown;
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Where the facts come from: OSHI on a real machine, a hand-written source in tests. Any call may throw. */
    public interface Source {
        String cpuName();

        int physicalCores();

        int logicalCores();

        long maxFreqHz();

        long memoryBytes();

        String os();

        String hostname();
    }

    /** OSHI, one call per fact. */
    static final class OshiSource implements Source {
        private final SystemInfo si;

        OshiSource(SystemInfo si) {
            this.si = Objects.requireNonNull(si, "si is null");
        }

        private CentralProcessor cpu() {
            return si.getHardware().getProcessor();
        }

        @Override
        public String cpuName() {
            return cpu().getProcessorIdentifier().getName();
        }

        @Override
        public int physicalCores() {
            return cpu().getPhysicalProcessorCount();
        }

        @Override
        public int logicalCores() {
            return cpu().getLogicalProcessorCount();
        }

        @Override
        public long maxFreqHz() {
            return cpu().getMaxFreq();
        }

        @Override
        public long memoryBytes() {
            HardwareAbstractionLayer hal = si.getHardware();
            return hal.getMemory().getTotal();
        }

        @Override
        public String os() {
            return si.getOperatingSystem().toString();
        }

        @Override
        public String hostname() {
            return si.getOperatingSystem().getNetworkParams().getHostName();
        }
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
