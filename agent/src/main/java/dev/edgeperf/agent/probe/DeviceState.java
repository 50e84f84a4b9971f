package dev.edgeperf.agent.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU temperature, frequency and throttling signals at one moment; empty = could not be read.
 *
 * @param cpuTempC          degrees Celsius
 * @param cpuFreqHz         hertz (cpu0's current scaling frequency)
 * @param vcgencmdThrottled the bit field of Raspberry Pi {@code vcgencmd get_throttled}; empty where
 *                          the tool is absent (see {@link VcgencmdProbe})
 * @param zonesAtTrip       thermal zones at or above one of their passive/hot/critical trip points,
 *                          each as "type temp°C >= trip°C"
 */
public record DeviceState(OptionalDouble cpuTempC, OptionalLong cpuFreqHz, OptionalLong vcgencmdThrottled,
                          List<String> zonesAtTrip) {
    /** Temperature at or above which a run counts as thermally throttled, degrees Celsius. */
    public static final double THROTTLE_TEMP_C = 80.0;
    /** Relative frequency drop above which a run counts as throttled. */
    public static final double THROTTLE_FREQ_DROP = 0.10;

    public DeviceState {
        Objects.requireNonNull(cpuTempC, "cpuTempC is null");
        Objects.requireNonNull(cpuFreqHz, "cpuFreqHz is null");
        Objects.requireNonNull(vcgencmdThrottled, "vcgencmdThrottled is null");
        zonesAtTrip = List.copyOf(zonesAtTrip);
    }

    /** Temperature and frequency only (no throttling signals read). */
    public DeviceState(OptionalDouble cpuTempC, OptionalLong cpuFreqHz) {
        this(cpuTempC, cpuFreqHz, OptionalLong.empty(), List.of());
    }

    public static DeviceState unknown() {
        return new DeviceState(OptionalDouble.empty(), OptionalLong.empty());
    }

    /** True when {@link #throttleEvidence(DeviceState, DeviceState)} finds anything. */
    public static boolean throttled(DeviceState before, DeviceState after) {
        return !throttleEvidence(before, after).isEmpty();
    }

    /**
     * Why a run between {@code before} and {@code after} counts as throttled; empty when it does
     * not. Evidence: the frequency dropped by more than 10 %; the temperature reached 80 °C; a
     * thermal zone reached a trip point; {@code vcgencmd get_throttled} reports throttling, capping,
     * a soft temperature limit or under-voltage now, or a sticky "has occurred" bit that was not set
     * before. Unknown readings never count as throttling.
     */
    public static List<String> throttleEvidence(DeviceState before, DeviceState after) {
        List<String> evidence = new ArrayList<>();
        if (after.cpuFreqHz.isPresent() && before.cpuFreqHz.isPresent()
                && after.cpuFreqHz.getAsLong() < before.cpuFreqHz.getAsLong() * (1 - THROTTLE_FREQ_DROP)) {
            evidence.add(String.format(Locale.ROOT, "cpu0 frequency dropped %.0f -> %.0f MHz",
                    before.cpuFreqHz.getAsLong() / 1e6, after.cpuFreqHz.getAsLong() / 1e6));
        }
        if (after.cpuTempC.isPresent() && after.cpuTempC.getAsDouble() >= THROTTLE_TEMP_C) {
            evidence.add(String.format(Locale.ROOT, "cpu temperature %.1f °C >= %.0f °C", after.cpuTempC.getAsDouble(),
                    THROTTLE_TEMP_C));
        }
        for (String zone : after.zonesAtTrip) {
            evidence.add("thermal zone " + zone);
        }
        if (after.vcgencmdThrottled.isPresent()) {
            long now = after.vcgencmdThrottled.getAsLong();
            long was = before.vcgencmdThrottled.orElse(0);
            long fresh = now & ~was & VcgencmdProbe.OCCURRED_MASK;
            if ((now & VcgencmdProbe.NOW_MASK) != 0 || fresh != 0) {
                evidence.add("vcgencmd get_throttled=0x" + Long.toHexString(now) + " ("
                        + String.join(", ", VcgencmdProbe.describe(now & VcgencmdProbe.NOW_MASK | fresh)) + ")");
            }
        }
        return List.copyOf(evidence);
    }
}
