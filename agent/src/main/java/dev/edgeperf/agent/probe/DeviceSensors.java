package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * Reads CPU temperature and current frequency from sysfs under a root path, falling back to an
 * optional OSHI reading for the temperature. Every failure gives an empty value, never an exception.
 */
public final class DeviceSensors {
    /** Thermal zone types that measure the CPU, most specific first. */
    private static final List<String> CPU_ZONE_TYPES = List.of("x86_pkg_temp", "cpu-thermal", "cpu_thermal", "cpu", "soc");

    /** Trip point types that mean the kernel is (about to be) limiting the CPU; "active" only starts a fan. */
    private static final List<String> LIMITING_TRIP_TYPES = List.of("passive", "hot", "critical");

    private final Path root;
    private final DoubleSupplier fallbackTempC;
    private final VcgencmdProbe vcgencmd;

    /** Sensors under {@code root} with no fallback (for tests and fake trees). */
    public DeviceSensors(Path root) {
        this(root, () -> Double.NaN);
    }

    /**
     * @param fallbackTempC consulted when no thermal zone is readable; NaN or <= 0 means unknown
     */
    public DeviceSensors(Path root, DoubleSupplier fallbackTempC) {
        this(root, fallbackTempC, new VcgencmdProbe(List.of()));
    }

    /**
     * @param fallbackTempC consulted when no thermal zone is readable; NaN or <= 0 means unknown
     * @param vcgencmd      Raspberry Pi throttling flags (a probe that finds nothing elsewhere)
     */
    public DeviceSensors(Path root, DoubleSupplier fallbackTempC, VcgencmdProbe vcgencmd) {
        this.root = Objects.requireNonNull(root, "root is null");
        this.fallbackTempC = Objects.requireNonNull(fallbackTempC, "fallbackTempC is null");
        this.vcgencmd = Objects.requireNonNull(vcgencmd, "vcgencmd is null");
    }

    /** Sensors of this machine: root "/", the given temperature fallback, vcgencmd from the PATH. */
    public static DeviceSensors forThisMachine(DoubleSupplier fallbackTempC) {
        return new DeviceSensors(Path.of("/"), fallbackTempC, VcgencmdProbe.fromEnvironment());
    }

    /** Temperature, frequency and throttling signals now. */
    public DeviceState read() {
        return new DeviceState(cpuTempC(), cpuFreqHz(), vcgencmd.throttled(), zonesAtTrip());
    }

    /**
     * Thermal zones whose temperature is at or above one of their passive, hot or critical trip
     * points, as "type 85.0°C >= 85.0°C (passive)"; empty when none is or nothing is readable.
     */
    public List<String> zonesAtTrip() {
        List<String> out = new ArrayList<>();
        for (Path zone : zones()) {
            OptionalDouble t = zoneTemp(zone);
            if (t.isEmpty()) {
                continue;
            }
            for (int i = 0; i < 32; i++) {
                String type = readLine(zone.resolve("trip_point_" + i + "_type")).toLowerCase(Locale.ROOT);
                String temp = readLine(zone.resolve("trip_point_" + i + "_temp"));
                if (type.isEmpty() && temp.isEmpty()) {
                    break;
                }
                if (!LIMITING_TRIP_TYPES.contains(type)) {
                    continue;
                }
                try {
                    double trip = Long.parseLong(temp) / 1000.0;
                    if (trip > 0 && t.getAsDouble() >= trip) {
                        String name = readLine(zone.resolve("type"));
                        out.add(String.format(Locale.ROOT, "%s %.1f°C >= %.1f°C (%s)",
                                name.isEmpty() ? zone.getFileName().toString() : name, t.getAsDouble(), trip, type));
                        break;
                    }
                } catch (NumberFormatException e) {
                    // an unreadable trip point says nothing
                }
            }
        }
        return out;
    }

    private List<Path> zones() {
        List<Path> zones = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("sys/class/thermal"), "thermal_zone*")) {
            ds.forEach(zones::add);
        } catch (IOException | RuntimeException e) {
            zones.clear();
        }
        zones.sort(null);
        return zones;
    }

    /** CPU temperature in °C from the CPU's thermal zone (or the first readable zone). */
    public OptionalDouble cpuTempC() {
        List<Path> zones = zones();
        OptionalDouble firstReadable = OptionalDouble.empty();
        for (String wanted : CPU_ZONE_TYPES) {
            for (Path zone : zones) {
                String type = readLine(zone.resolve("type")).toLowerCase(Locale.ROOT);
                if (type.startsWith(wanted)) {
                    OptionalDouble t = zoneTemp(zone);
                    if (t.isPresent()) {
                        return t;
                    }
                }
            }
        }
        for (Path zone : zones) {
            firstReadable = zoneTemp(zone);
            if (firstReadable.isPresent()) {
                return firstReadable;
            }
        }
        try {
            double t = fallbackTempC.getAsDouble();
            return plausible(t) ? OptionalDouble.of(t) : OptionalDouble.empty();
        } catch (RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** cpu0's current frequency in Hz ({@code scaling_cur_freq} is in kHz). */
    public OptionalLong cpuFreqHz() {
        return readKhz("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
    }

    /** The highest {@code cpuinfo_max_freq} over all CPUs, in Hz; empty when none is readable. */
    public OptionalLong maxFreqHz() {
        long best = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("sys/devices/system/cpu"), "cpu[0-9]*")) {
            for (Path cpu : ds) {
                OptionalLong f = readKhz(root.relativize(cpu.resolve("cpufreq/cpuinfo_max_freq")).toString());
                if (f.isPresent()) {
                    best = Math.max(best, f.getAsLong());
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return best > 0 ? OptionalLong.of(best) : OptionalLong.empty();
    }

    private OptionalLong readKhz(String relative) {
        String s = readLine(root.resolve(relative));
        try {
            long khz = Long.parseLong(s);
            return khz > 0 ? OptionalLong.of(khz * 1000) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalDouble zoneTemp(Path zone) {
        String s = readLine(zone.resolve("temp"));
        try {
            double t = Long.parseLong(s) / 1000.0; // sysfs reports millidegrees
            return plausible(t) ? OptionalDouble.of(t) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private static boolean plausible(double celsius) {
        // 0 and negative values are what absent sensors report through OSHI and some zones
        return !Double.isNaN(celsius) && celsius > 0 && celsius < 150;
    }

    private static String readLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
