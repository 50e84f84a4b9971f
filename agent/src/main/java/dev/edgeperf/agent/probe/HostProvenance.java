package dev.edgeperf.agent.probe;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Facts about the host at the start of a measurement that can move its result.
 *
 * @param cpuGovernor                 cpu0's cpufreq scaling governor ("performance", "ondemand", ...); empty = unknown
 * @param loadAverage1m               the 1-minute load average from {@code /proc/loadavg}; empty = unknown
 * @param executionProvidersAvailable engine execution providers this build offers, e.g. ["CPU"]
 */
public record HostProvenance(Optional<String> cpuGovernor, OptionalDouble loadAverage1m,
                             List<String> executionProvidersAvailable) {
    public HostProvenance {
        Objects.requireNonNull(cpuGovernor, "cpuGovernor is null");
        Objects.requireNonNull(loadAverage1m, "loadAverage1m is null");
        executionProvidersAvailable = List.copyOf(executionProvidersAvailable);
    }

    public static HostProvenance unknown() {
        return new HostProvenance(Optional.empty(), OptionalDouble.empty(), List.of());
    }
}
