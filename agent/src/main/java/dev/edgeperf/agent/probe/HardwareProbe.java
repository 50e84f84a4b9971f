package dev.edgeperf.agent.probe;

import dev.edgeperf.core.io.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import oshi.SystemInfo;

/**
 * Detects the machine: OSHI for cores, memory, OS and host name; {@code /proc/cpuinfo}, the device
 * tree and cpufreq (under a root path) for ISA features, board and frequencies.
 */
public final class HardwareProbe {
    private final Path root;

    /** @param root the file-system root, "/" on a real machine */
    public HardwareProbe(Path root) {
        this.root = Objects.requireNonNull(root, "root is null");
    }

    /** Probes this machine (root "/", OSHI facts). */
    public static HardwareInfo detectThisMachine() {
        return new HardwareProbe(Path.of("/")).assemble(SystemFacts.ofThisMachine(new SystemInfo()));
    }

    /** Combines OSHI/JVM facts with what the files under the root say. */
    public HardwareInfo assemble(SystemFacts facts) {
        String arch = normalizeArch(facts.osArch());
        CpuInfo cpu = new CpuInfoParser(root).parse().forArch(arch);
        DeviceSensors sensors = new DeviceSensors(root);
        String board = new BoardDetector(root).detect(arch);

        String model = firstNonEmpty(facts.cpuName(), cpu.modelName(), "unknown CPU");
        if (cpu.armCore().isPresent() && !model.contains(cpu.armCore().get())) {
            model = model + " (" + cpu.armCore().get() + ")";
        }
        int logical = facts.logicalCores() > 0 ? facts.logicalCores() : Math.max(1, cpu.logicalProcessors());
        int physical = facts.physicalCores() > 0 ? facts.physicalCores() : logical;
        OptionalLong sysMax = sensors.maxFreqHz();
        long maxHz = facts.maxFreqHz() > 0 ? facts.maxFreqHz() : sysMax.orElse(0);
        long currentHz = sensors.cpuFreqHz().orElse(0);

        PeakFlops.Estimate peak = PeakFlops.estimate(arch, cpu, physical, maxHz, currentHz);
        long memory = facts.memoryBytes() > 0 ? facts.memoryBytes() : memTotal(root).orElse(0);
        String fingerprint = fingerprint(model, physical, logical, maxHz, memory, arch, board);
        return new HardwareInfo(model, physical, logical, maxHz, memory, facts.os(), arch,
                cpu.isaFeatures(), peak.gflops(), peak.basis(), board, fingerprint, facts.hostname(), facts.jvm());
    }

    /** {@code MemTotal} of {@code <root>/proc/meminfo} in bytes, when OSHI could not say. */
    static OptionalLong memTotal(Path root) {
        try {
            for (String line : java.nio.file.Files.readAllLines(root.resolve("proc/meminfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("MemTotal:")) {
                    String[] f = line.substring("MemTotal:".length()).trim().split("\\s+");
                    long kb = Long.parseLong(f[0]);
                    return kb > 0 ? OptionalLong.of(kb * 1024) : OptionalLong.empty();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown, like any unreadable sensor
        }
        return OptionalLong.empty();
    }

    /** Maps JVM/uname architecture names to x86_64, aarch64 or armv7l. */
    public static String normalizeArch(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT).trim();
        return switch (a) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64", "armv8", "armv8l" -> "aarch64";
            case "arm", "armv7", "armv7l", "armv7a", "armhf", "aarch32" -> "armv7l";
            default -> a.isEmpty() ? "unknown" : a;
        };
    }

    /** First 16 hex chars of SHA-256 over the identifying fields, separated by '|'. */
    static String fingerprint(String model, int physical, int logical, long maxHz, long memory, String arch,
                              String board) {
        String key = String.join("|", model, Integer.toString(physical), Integer.toString(logical),
                Long.toString(maxHz), Long.toString(memory), arch, board);
        return Digests.sha256Hex(key).substring(0, 16);
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
