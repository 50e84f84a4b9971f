package dev.edgeperf.core.stats;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The speedup of a candidate over a reference, {@code median(reference) / median(candidate)}, with a 95 %
 * confidence interval and the verdict "different or not", from the two stored latency histograms.
 *
 * <p><b>Method: percentile bootstrap of the ratio of medians.</b> Each replicate resamples both runs with
 * replacement, n values from a histogram of n, and takes the ratio of the two resample medians. The median of
 * n draws from an empirical distribution is its value at the k-th order statistic of n uniform draws,
 * k = ⌈n/2⌉, and that order statistic is Beta(k, n + 1 − k) distributed; so a replicate draws one Beta
 * variate per run and reads the histogram at that quantile, which is exactly the bootstrap median without
 * materialising n values. The interval is the 2.5th and 97.5th percentile of the ratio over
 * {@value #REPLICATES} replicates, widened to contain the point estimate when the discreteness of the
 * histograms leaves it just outside; the seed is fixed, so the same histograms give the same interval. The
 * runs are independent jobs, so their resamples are independent. The runs differ when the interval excludes 1.
 *
 * <p>Values are read at HdrHistogram's resolution (the highest equivalent value of a bucket, as
 * {@link MedianConfidence} reads them), so two runs of identical latencies give exactly 1.
 *
 * @param speedup   point estimate, median(reference) / median(candidate); &gt; 1 = the candidate is faster
 * @param ciLow     lower bound of the interval
 * @param ciHigh    upper bound of the interval
 * @param level     the interval's nominal level ({@link #LEVEL})
 * @param different true when the interval excludes 1: the medians differ at that level
 */
public record Speedup(double speedup, double ciLow, double ciHigh, double level, boolean different) {
    /** Bootstrap replicates per comparison. */
    public static final int REPLICATES = 4000;
    /** Nominal level of the interval. */
    public static final double LEVEL = 0.95;
    private static final long SEED = 20240601L;

    public Speedup {
        if (!(ciLow <= speedup && speedup <= ciHigh) || !(ciLow > 0)) {
            throw new IllegalArgumentException("speedup " + speedup + " must lie in its interval [" + ciLow + ", "
                    + ciHigh + "] of positive ratios");
        }
    }

    /**
     * @param reference the run compared against (e.g. the baseline), any unit
     * @param candidate the run compared (e.g. a variant), the same unit
     * @throws IllegalArgumentException when either histogram is empty or its median is 0
     */
    public static Speedup of(Histogram reference, Histogram candidate) {
        Objects.requireNonNull(reference, "reference is null");
        Objects.requireNonNull(candidate, "candidate is null");
        Quantiles ref = new Quantiles(reference);
        Quantiles cand = new Quantiles(candidate);
        double point = ref.median() / cand.median();
        SplittableRandom random = new SplittableRandom(SEED);
        double[] ratios = new double[REPLICATES];
        for (int i = 0; i < REPLICATES; i++) {
            ratios[i] = ref.bootstrapMedian(random) / cand.bootstrapMedian(random);
        }
        Arrays.sort(ratios);
        double alpha = (1 - LEVEL) / 2;
        double low = Math.min(point, ratios[(int) Math.floor(alpha * (REPLICATES - 1))]);
        double high = Math.max(point, ratios[(int) Math.ceil((1 - alpha) * (REPLICATES - 1))]);
        return new Speedup(point, low, high, LEVEL, low > 1 || high < 1);
    }

    /** A histogram as sorted distinct values with cumulative counts, for O(log n) reads at any rank. */
    private static final class Quantiles {
        private final long[] values;
        private final long[] cumulative;
        private final long n;
        private final long k;

        Quantiles(Histogram h) {
            n = h.getTotalCount();
            if (n == 0) {
                throw new IllegalArgumentException("histogram holds no values");
            }
            int buckets = 0;
            for (HistogramIterationValue ignored : h.recordedValues()) {
                buckets++;
            }
            values = new long[buckets];
            cumulative = new long[buckets];
            int i = 0;
            long seen = 0;
            for (HistogramIterationValue v : h.recordedValues()) {
                seen += v.getCountAtValueIteratedTo();
                values[i] = h.highestEquivalentValue(v.getValueIteratedTo());
                cumulative[i++] = seen;
            }
            k = (n + 1) / 2;
            if (median() <= 0) {
                throw new IllegalArgumentException("histogram median is 0; a ratio needs positive latencies");
            }
        }

        double median() {
            return atRank(k);
        }

        /** The rank-th smallest value, 1-based. */
        double atRank(long rank) {
            int at = Arrays.binarySearch(cumulative, rank);
            return values[at >= 0 ? at : -at - 1];
        }

        /** The median of a resample of n values with replacement: the value at a Beta(k, n+1-k) quantile. */
        double bootstrapMedian(SplittableRandom random) {
            double g1 = gamma(random, k);
            double g2 = gamma(random, n + 1 - k);
            double u = g1 / (g1 + g2);
            // a uniform draw u lands on rank ceil(u * n) of the empirical distribution
            long rank = Math.min(n, Math.max(1, (long) Math.ceil(u * n)));
            return atRank(rank);
        }
    }

    /** A Gamma(shape, 1) variate, shape &gt;= 1 (Marsaglia and Tsang, 2000). */
    static double gamma(SplittableRandom random, double shape) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    private static double normal(SplittableRandom random) {
        // Box-Muller; one of the pair is enough here
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
