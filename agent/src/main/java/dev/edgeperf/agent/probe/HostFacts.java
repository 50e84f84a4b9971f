package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads the cpufreq governor, the load average and process memory (RSS, peak RSS) under a root
 * path. Every unreadable value is empty, never an exception.
 */
public final class HostFacts {
    private final Path root;

    /** @param root the file-system root, "/" on a real machine */
    public HostFacts(Path root) {
        this.root = Objects.requireNonNull(root, "root is null");
    }

    /** cpu0's scaling governor, e.g. "performance". */
    public Optional<String> cpuGovernor() {
        String g = readLine(root.resolve("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
        return g.isEmpty() || !g.matches("[A-Za-z0-9_.-]{1,64}") ? Optional.empty() : Optional.of(g);
    }

    /** The first field of {@code /proc/loadavg}. */
    public OptionalDouble loadAverage1m() {
        String s = readLine(root.resolve("proc/loadavg"));
        String[] f = s.split("\\s+");
        try {
            double v = Double.parseDouble(f[0]);
            return v >= 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** Governor and load average now, with the engine's available providers. */
    public HostProvenance provenance(List<String> executionProvidersAvailable) {
        return new HostProvenance(cpuGovernor(), loadAverage1m(), executionProvidersAvailable);
    }

    /** This process's resident set size now, bytes ({@code VmRSS} of {@code proc/self/status}). */
    public OptionalLong residentBytes() {
        return statusKb("VmRSS");
    }

    /** This process's peak resident set size so far, bytes ({@code VmHWM}). */
    public OptionalLong peakResidentBytes() {
        return statusKb("VmHWM");
    }

    private OptionalLong statusKb(String key) {
        return parseStatusKb(readAll(root.resolve("proc/self/status")), key);
    }

    /** The value of {@code key} ("VmHWM:   123456 kB") in bytes; empty when absent or malformed. */
    static OptionalLong parseStatusKb(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                try {
                    long kb = Long.parseLong(f[0]);
                    return kb >= 0 && f.length > 1 && f[1].equalsIgnoreCase("kB")
                            ? OptionalLong.of(kb * 1024) : OptionalLong.empty();
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private static String readLine(Path file) {
        String s = readAll(file);
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).trim();
    }

    private static String readAll(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
