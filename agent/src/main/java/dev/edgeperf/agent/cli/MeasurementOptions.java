package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.measure.MeasurementSettings;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.Fractions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The measurement flags shared by {@code bench} and {@code bench-harness}; unset flags take the defaults. */
final class MeasurementOptions {
    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up iterations (default 10).")
    Integer warmup;

    @Option(names = "--warmup-until-stable", negatable = true,
            description = "Warm up until latency stabilizes (at least --warmup runs, at most 10x that).")
    Boolean warmupUntilStable;

    @Option(names = "--min-iterations", paramLabel = "N", description = "Minimum timed iterations (default 50).")
    Integer minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS", description = "Minimum timed duration (default 1000).")
    Long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS", description = "Maximum timed duration (default 10000).")
    Long maxDurationMs;

    @Option(names = "--target-ci", paramLabel = "FRACTION", converter = FractionConverter.class,
            description = "Stop once the median's 95%% CI half-width is within this fraction of the median, "
                    + "e.g. 0.01 or 1%% (default 1%%; 0 = no target).")
    Double targetCi;

    /** The settings these flags describe. */
    MeasurementSettings settings() {
        try {
            return MeasurementSettings.of(warmup, minIterations, minDurationMs, maxDurationMs, targetCi,
                    warmupUntilStable);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("invalid measurement options: " + e.getMessage());
        }
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
