package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.Fractions;
import dev.edgeperf.proto.MeasurementSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How long agents measure each job (the flags of a spec's {@code measurement:} block); an unset flag
 * (0 / false) leaves the agent's default, which lives in one place: the agent's MeasurementDefaults.
 */
final class MeasurementOptions {
    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0", description = "Warm-up iterations.")
    int warmup;

    @Option(names = "--warmup-until-stable",
            description = "Warm up until latency stabilizes (at least --warmup runs, at most 10x that).")
    boolean warmupUntilStable;

    @Option(names = "--min-iterations", paramLabel = "N", defaultValue = "0", description = "Timed iterations at least.")
    int minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS", defaultValue = "0", description = "Timed milliseconds at least.")
    long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS", defaultValue = "0", description = "Timed milliseconds at most.")
    long maxDurationMs;

    @Option(names = "--target-ci", paramLabel = "FRACTION", defaultValue = "0", converter = FractionConverter.class,
            description = "Stop once the median's 95%% CI half-width is within this fraction of the median, "
                    + "e.g. 0.01 or 1%% (0 = the agent's default).")
    double targetCi;

    @Option(names = "--in-process", description = "Agents measure in their own JVM instead of a forked worker (debugging).")
    boolean inProcess;

    MeasurementSettings toProto() {
        for (long value : new long[] {warmup, minIterations, minDurationMs, maxDurationMs}) {
            if (value < 0) {
                throw EdgeperfException.userError("measurement flags must be >= 0, got " + value);
            }
        }
        if (maxDurationMs > 0 && minDurationMs > maxDurationMs) {
            throw EdgeperfException.userError("--min-duration-ms " + minDurationMs + " exceeds --max-duration-ms "
                    + maxDurationMs);
        }
        return MeasurementSettings.newBuilder().setWarmupIterations(warmup).setMinIterations(minIterations)
                .setMinDurationMs(minDurationMs).setMaxDurationMs(maxDurationMs).setTargetCiHalfWidth(targetCi)
                .setWarmupUntilStable(warmupUntilStable).setInProcess(inProcess).build();
    }

    /** "1%" or "0.01" to 0.01. */
    static final class FractionConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return Fractions.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException("'" + value
                    + "' is not a fraction in [0, 1); expected e.g. 0.01 or 1%"));
        }
    }
}
