package dev.edgeperf.agent.cli;

import dev.edgeperf.core.measure.MeasurementDefaults;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.Fractions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The measurement flags of {@code bench}; an unset flag takes {@link MeasurementDefaults}, a given
 * one means what it says (0 included) and is checked by {@link MeasurementSettings}.
 */
final class BenchMeasurementOptions {
    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up iterations; 0 = none (default 10).")
    Integer warmup;

    @Option(names = "--warmup-until-stable", negatable = true,
            description = "Warm up until latency stabilizes (at least --warmup runs, at most 10x that).")
    Boolean warmupUntilStable;

    @Option(names = "--min-iterations", paramLabel = "N", description = "Minimum timed iterations; 0 = no minimum count (default 50).")
    Integer minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS", description = "Minimum timed duration; 0 = no minimum (default 1000).")
    Long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS", description = "Maximum timed duration, >= 1 (default 10000).")
    Long maxDurationMs;

    @Option(names = "--target-ci", paramLabel = "FRACTION", converter = FractionConverter.class,
            description = "Stop once the median's 95%% CI half-width is within this fraction of the median, "
                    + "e.g. 0.01 or 1%% (default 1%%; 0 = no target).")
    Double targetCi;

    /** The settings these flags describe. */
    MeasurementSettings settings() {
        return MeasurementSettings.builder().warmupIterations(warmup).minIterations(minIterations)
                .minDurationMs(minDurationMs).maxDurationMs(maxDurationMs).targetCiHalfWidth(targetCi)
                .warmupUntilStable(warmupUntilStable).build();
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
