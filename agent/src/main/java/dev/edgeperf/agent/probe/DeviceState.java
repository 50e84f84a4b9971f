package dev.edgeperf.agent.probe;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU temperature and frequency at one moment; empty = could not be read.
 *
 * @param cpuTempC  degrees Celsius
 * @param cpuFreqHz hertz (cpu0's current scaling frequency)
 */
public record DeviceState(OptionalDouble cpuTempC, OptionalLong cpuFreqHz) {
    /** Temperature at or above which a run counts as thermally throttled, degrees Celsius. */
    public static final double THROTTLE_TEMP_C = 80.0;
    /** Relative frequency drop above which a run counts as throttled. */
    public static final double THROTTLE_FREQ_DROP = 0.10;

    public DeviceState {
        Objects.requireNonNull(cpuTempC, "cpuTempC is null");
        Objects.requireNonNull(cpuFreqHz, "cpuFreqHz is null");
    }

    public static DeviceState unknown() {
        return new DeviceState(OptionalDouble.empty(), OptionalLong.empty());
    }

    /**
     * True when, between {@code before} and {@code after}, the frequency dropped by more than 10 %
     * or the temperature reached 80 °C. Unknown readings never count as throttling.
     */
    public static boolean throttled(DeviceState before, DeviceState after) {
        boolean hot = after.cpuTempC().isPresent() && after.cpuTempC().getAsDouble() >= THROTTLE_TEMP_C;
        boolean slowed = before.cpuFreqHz().isPresent() && after.cpuFreqHz().isPresent()
                && after.cpuFreqHz().getAsLong() < before.cpuFreqHz().getAsLong() * (1 - THROTTLE_FREQ_DROP);
        return hot || slowed;
    }
}
