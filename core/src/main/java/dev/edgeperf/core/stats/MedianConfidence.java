package dev.edgeperf.core.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Distribution-free confidence interval of the median from order statistics.
 *
 * <p>With the n recorded values sorted as x(1) <= ... <= x(n), the number of values below the true
 * median is Binomial(n, 1/2) whatever the distribution, so [x(l), x(n+1-l)] covers the median with
 * probability 1 - 2 P(B <= l-1). We choose the largest rank l whose coverage is at least the
 * nominal level. The binomial tail is summed exactly for n <= {@value #EXACT_LIMIT}; above that the
 * normal approximation with continuity correction is used (its error is far below the histogram's
 * 3-significant-digit resolution there). With too few samples to reach the level (n < 6 at 95 %),
 * the interval is [min, max] and reports the lower coverage it actually has.
 */
public final class MedianConfidence {
    static final int EXACT_LIMIT = 1000;

    private MedianConfidence() {
    }

    /**
     * Ranks (1-based, inclusive) of the order statistics that bound the median.
     *
     * @param lower    rank of the lower bound
     * @param upper    rank of the upper bound, n + 1 - lower
     * @param coverage probability that [x(lower), x(upper)] covers the median
     */
    public record Ranks(long lower, long upper, double coverage) {
    }

    /**
     * The order-statistic ranks for {@code n} samples at the given level.
     *
     * @throws IllegalArgumentException when n < 1 or the level is not in (0, 1)
     */
    public static Ranks ranks(long n, double level) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one sample, got " + n);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        double alphaHalf = (1 - level) / 2;
        long best = 0;
        double bestTail = 0;
        if (n <= EXACT_LIMIT) {
            // cdf(k) = P(B <= k); pmf starts at 2^-n, representable as a double for n <= 1000.
            double pmf = Math.pow(0.5, n);
            double cdf = pmf;
            for (long k = 0; k < n / 2 && cdf <= alphaHalf; k++) {
                best = k + 1;
                bestTail = cdf;
                pmf = pmf * (n - k) / (k + 1);
                cdf += pmf;
            }
        } else {
            double z = inverseNormalUpper(alphaHalf);
            best = Math.max(1, (long) Math.floor(n / 2.0 - z * Math.sqrt(n) / 2.0));
            // P(B <= best-1) with continuity correction.
            bestTail = normalCdf((best - 1 + 0.5 - n / 2.0) / (Math.sqrt(n) / 2.0));
        }
        if (best == 0) {
            return new Ranks(1, n, 1 - 2 * Math.pow(0.5, n));
        }
        return new Ranks(best, n + 1 - best, 1 - 2 * bestTail);
    }

    /**
     * Confidence interval of the median of the values recorded in {@code histogram}.
     *
     * @param unitsPerMs how many histogram units make one millisecond (1e6 for nanoseconds)
     * @throws IllegalArgumentException when the histogram is empty
     */
    public static ConfidenceInterval of(Histogram histogram, double unitsPerMs, double level) {
        long n = histogram.getTotalCount();
        Ranks ranks = ranks(n, level);
        double low = valueAtRank(histogram, ranks.lower()) / unitsPerMs;
        double high = valueAtRank(histogram, ranks.upper()) / unitsPerMs;
        return new ConfidenceInterval(low, high, level, Math.min(1, Math.max(0, ranks.coverage())));
    }

    /**
     * The rank-th smallest recorded value (1-based), as the highest value equivalent to its bucket,
     * the same convention as {@link Histogram#getValueAtPercentile(double)}.
     */
    static long valueAtRank(Histogram histogram, long rank) {
        long seen = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return histogram.highestEquivalentValue(v.getValueIteratedTo());
            }
        }
        throw new IllegalArgumentException("rank " + rank + " exceeds the " + seen + " recorded values");
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
    static double normalCdf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-x * x / 2);
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    /** z with P(Z > z) = p, by bisection on {@link #normalCdf(double)}; good to 1e-9 in z. */
    static double inverseNormalUpper(double p) {
        double lo = -10;
        double hi = 10;
        while (hi - lo > 1e-9) {
            double mid = (lo + hi) / 2;
            if (1 - normalCdf(mid) > p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
