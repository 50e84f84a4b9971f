package dev.edgeperf.core.variants;

/**
 * The MSE-optimal uint8 range of a tensor ({@link CalibrationMethod#MSE}): among clipping ranges
 * [lo, hi] with lo on a grid between the smallest value and 0, hi between 0 and the largest value, the one whose
 * expected squared quantization error over the observed values is least. Inside the range a value's error is
 * rounding noise, step²/12 with step = (hi − lo)/255 (the range widened to include 0, as
 * {@link ActivationRanges#uint8Params} does); outside it, the distance to the nearer end, squared. A tensor with a
 * long thin tail (the rare large activations min-max keeps) gets a clipped range that spends its 256 levels on
 * where the values are; one with none keeps its min-max range.
 */
final class MseRange {
    /** Candidate ends per side: fractions k/GRID of the largest (smallest) value, k = 1 … GRID. */
    static final int GRID = 128;

    private MseRange() {
    }

    /** {lo, hi} for values sorted ascending (at least one). */
    static float[] of(float[] sorted) {
        int n = sorted.length;
        double[] sum = new double[n + 1];
        double[] sq = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sum[i + 1] = sum[i] + sorted[i];
            sq[i + 1] = sq[i] + (double) sorted[i] * sorted[i];
        }
        double min = Math.min(0, sorted[0]);
        double max = Math.max(0, sorted[n - 1]);
        if (!(max > min)) {
            return new float[] {sorted[0], sorted[n - 1]};
        }
        double best = Double.POSITIVE_INFINITY;
        double bestLo = min;
        double bestHi = max;
        for (int a = min < 0 ? 1 : GRID; a <= GRID; a++) {
            double lo = min * a / GRID;
            int below = SortedFloats.lowerBound(sorted, lo); // values < lo: [0, below)
            // Σ (lo − x)² over them
            double loErr = below * lo * lo - 2 * lo * sum[below] + sq[below];
            for (int b = max > 0 ? 1 : GRID; b <= GRID; b++) {
                double hi = max * b / GRID;
                int above = SortedFloats.upperBound(sorted, hi); // values > hi: [above, n)
                double hiErr = (n - above) * hi * hi - 2 * hi * (sum[n] - sum[above]) + (sq[n] - sq[above]);
                double step = (hi - lo) / 255;
                double err = loErr + hiErr + (above - below) * step * step / 12;
                if (err < best) {
                    best = err;
                    bestLo = lo;
                    bestHi = hi;
                }
            }
        }
        return new float[] {(float) bestLo, (float) bestHi};
    }
}
