package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.measure.MeasurementDefaults;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.Fractions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How long agents measure each job (the flags of a spec's {@code measurement:} block). A flag not
 * given takes the default of {@link MeasurementDefaults}; a given value means what it says, 0
 * included, validated by {@link MeasurementSettings} as everywhere else.
 */
final class MeasurementOptions {
    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up iterations (0 = none; default " + MeasurementDefaults.WARMUP_ITERATIONS + ").")
    Integer warmup;

    @Option(names = "--warmup-until-stable",
            description = "Warm up until latency stabilizes (at least --warmup runs, at most 10x that).")
    Boolean warmupUntilStable;

    @Option(names = "--min-iterations", paramLabel = "N",
            description = "Timed iterations at least (0 = no minimum; default " + MeasurementDefaults.MIN_ITERATIONS + ").")
    Integer minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS",
            description = "Timed milliseconds at least (0 = no minimum; default " + MeasurementDefaults.MIN_DURATION_MS + ").")
    Long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS",
            description = "Timed milliseconds at most, >= 1 (default " + MeasurementDefaults.MAX_DURATION_MS + ").")
    Long maxDurationMs;

    @Option(names = "--target-ci", paramLabel = "FRACTION", converter = FractionConverter.class,
            description = "Stop once the median's 95%% CI half-width is within this fraction of the median, "
                    + "e.g. 0.01 or 1%% (0 = no target; default " + MeasurementDefaults.TARGET_CI_HALF_WIDTH + ").")
    Double targetCi;

    @Option(names = "--in-process", hidden = true,
            description = "Agents measure in their own JVM instead of a forked worker (debugging).")
    Boolean inProcess;

    /** @throws dev.edgeperf.core.EdgeperfException USER_ERROR naming the setting out of range */
    MeasurementSettings settings() {
        return MeasurementSettings.builder().warmupIterations(warmup).warmupUntilStable(warmupUntilStable)
                .minIterations(minIterations).minDurationMs(minDurationMs).maxDurationMs(maxDurationMs)
                .targetCiHalfWidth(targetCi).inProcess(inProcess).build();
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
