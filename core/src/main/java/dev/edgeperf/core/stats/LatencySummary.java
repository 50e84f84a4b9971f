package dev.edgeperf.core.stats;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Summary of a latency distribution, every value in milliseconds.
 *
 * <p>Percentiles are nearest-rank (the value at rank ceil(p/100 x n)), as
 * {@link Histogram#getValueAtPercentile(double)} computes them, so they are recorded values up to the
 * histogram's resolution (3 significant digits for {@link #newHistogram()}). {@code stdevMs} is the
 * population standard deviation. {@code medianCi95} is the distribution-free 95 % confidence
 * interval of the median ({@link MedianConfidence}).
 *
 * @param count number of recorded latencies
 */
public record LatencySummary(long count, double meanMs, double stdevMs, double minMs, double p50Ms,
                             double p90Ms, double p95Ms, double p99Ms, double p999Ms, double maxMs,
                             ConfidenceInterval medianCi95) {
    /** Confidence level of {@link #medianCi95()}. */
    public static final double MEDIAN_CI_LEVEL = 0.95;

    public LatencySummary {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (!(minMs <= p50Ms && p50Ms <= p90Ms && p90Ms <= p95Ms && p95Ms <= p99Ms && p99Ms <= p999Ms
                && p999Ms <= maxMs)) {
            throw new IllegalArgumentException("percentiles must be ordered min <= p50 <= ... <= max, got "
                    + minMs + ", " + p50Ms + ", " + p90Ms + ", " + p95Ms + ", " + p99Ms + ", " + p999Ms + ", " + maxMs);
        }
        Objects.requireNonNull(medianCi95, "medianCi95 is null");
    }

    /**
     * A histogram for recording latencies in nanoseconds: auto-resizing, 3 significant digits
     * (0.1 % resolution), the form timed measurement loops record into.
     */
    public static Histogram newHistogram() {
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        return histogram;
    }

    /**
     * Summarizes the values recorded in {@code histogram}.
     *
     * @param unit the unit the values were recorded in (nanoseconds for {@link #newHistogram()}
     *             loops; microseconds also work)
     * @throws IllegalArgumentException when the histogram is empty
     */
    public static LatencySummary from(Histogram histogram, TimeUnit unit) {
        Objects.requireNonNull(histogram, "histogram is null");
        Objects.requireNonNull(unit, "unit is null");
        long n = histogram.getTotalCount();
        if (n < 1) {
            throw new IllegalArgumentException("cannot summarize an empty latency histogram");
        }
        double perMs = unit.convert(1, TimeUnit.MILLISECONDS) >= 1
                ? unit.convert(1, TimeUnit.MILLISECONDS)
                : 1.0 / TimeUnit.MILLISECONDS.convert(1, unit);
        return new LatencySummary(n,
                histogram.getMean() / perMs,
                histogram.getStdDeviation() / perMs,
                histogram.getMinValue() / perMs,
                histogram.getValueAtPercentile(50) / perMs,
                histogram.getValueAtPercentile(90) / perMs,
                histogram.getValueAtPercentile(95) / perMs,
                histogram.getValueAtPercentile(99) / perMs,
                histogram.getValueAtPercentile(99.9) / perMs,
                histogram.getMaxValue() / perMs,
                MedianConfidence.of(histogram, perMs, MEDIAN_CI_LEVEL));
    }
}
