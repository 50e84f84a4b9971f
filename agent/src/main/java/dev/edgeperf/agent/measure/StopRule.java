package dev.edgeperf.agent.measure;

import dev.edgeperf.core.measure.MeasurementDefaults;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.ConfidenceInterval;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.core.stats.MedianConfidence;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Decides when a timed loop ends (the rule of {@link MeasurementSettings}). The median's confidence
 * interval is a scan of the histogram, so it is recomputed only when the iteration count has grown
 * by {@link MeasurementDefaults#CI_CHECK_GROWTH} (at least {@link MeasurementDefaults#CI_CHECK_MIN_STEP})
 * since the last check: a run of n iterations pays O(log n) scans, none inside a timed span.
 */
final class StopRule {
    private static final double NS_PER_MS = 1e6;

    private final MeasurementSettings settings;
    private final long minNs;
    private final long maxNs;
    private long nextCheckAt;
    private double lastHalfWidth = Double.NaN;

    StopRule(MeasurementSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.minNs = TimeUnit.MILLISECONDS.toNanos(settings.minDurationMs());
        this.maxNs = TimeUnit.MILLISECONDS.toNanos(settings.maxDurationMs());
    }

    /**
     * Whether to stop after {@code iterations} runs and {@code elapsedNs} of timed phase.
     *
     * @param histogram latencies so far in nanoseconds; read only on a CI check, so the caller may
     *                  hand in a snapshot
     */
    Optional<StopReason> check(long iterations, long elapsedNs, HistogramSource histogram) {
        // min_iterations 0 means no minimum count, yet a summary needs one timed run.
        boolean minimumsMet = iterations >= Math.max(1, settings.minIterations()) && elapsedNs >= minNs;
        if (minimumsMet && !settings.hasCiTarget()) {
            return Optional.of(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
        }
        if (minimumsMet && iterations >= nextCheckAt) {
            nextCheckAt = iterations + Math.max(MeasurementDefaults.CI_CHECK_MIN_STEP,
                    (long) (iterations * MeasurementDefaults.CI_CHECK_GROWTH));
            if (targetReached(histogram.get())) {
                return Optional.of(StopReason.TARGET_CI_REACHED);
            }
        }
        if (elapsedNs >= maxNs) {
            return Optional.of(settings.hasCiTarget() ? StopReason.MAX_DURATION_BEFORE_TARGET_CI
                    : StopReason.MAX_DURATION);
        }
        return Optional.empty();
    }

    /** The relative half-width the last CI check found; NaN before the first. */
    double lastHalfWidth() {
        return lastHalfWidth;
    }

    private boolean targetReached(Histogram h) {
        if (h.getTotalCount() < 1) {
            return false;
        }
        ConfidenceInterval ci = MedianConfidence.of(h, NS_PER_MS, LatencySummary.MEDIAN_CI_LEVEL);
        double median = h.getValueAtPercentile(50) / NS_PER_MS;
        lastHalfWidth = ci.relativeHalfWidth(median);
        return ci.reachesNominalLevel() && lastHalfWidth <= settings.targetCiHalfWidth();
    }

    /** The histogram to check, fetched only when a check is due. */
    @FunctionalInterface
    interface HistogramSource {
        Histogram get();
    }
}
