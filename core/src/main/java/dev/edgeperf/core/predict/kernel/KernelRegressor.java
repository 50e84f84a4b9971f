package dev.edgeperf.core.predict.kernel;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One kernel type's latency model: a rate {@code a + b x FLOPs + c x bytes} with a, b, c >= 0 (a
 * fixed cost, a compute rate and a memory rate), fitted by weighted least squares with weights
 * 1 / ms^2, i.e. minimising the relative error, which is what "within 10 %" judges (the non-negative
 * solution is found exactly by trying every subset of the three terms; there are seven), times a
 * {@link ShapeCorrection} factor fitted on what the rate leaves unexplained (channel blocking, cache,
 * fused activations). Measured on the kernel samples of a loaded 2-core x86 box, 5-fold cross-validated:
 * the factor raised the share of 1-thread conv samples within 10 % from 21 % to 45 %.
 *
 * <p>Why not regression trees (nn-Meter uses random forests): a tree predicts the mean of a leaf, so a
 * kernel larger than every calibrated one (a batch-8 conv of a big model) gets the time of the
 * largest calibrated one, while a rate extrapolates; and a ten-minute budget on a two-core board gives
 * tens to hundreds of samples per type, where three physically meaningful coefficients are
 * estimated well and a forest is not. {@code tribuo-regression-tree} is also not among the packages
 * this build can obtain.
 */
public final class KernelRegressor {
    /** Below this a measured time is noise: weights use at least 1 microsecond. */
    private static final double FLOOR_MS = 1e-3;

    private final double fixedMs;
    private final double msPerFlop;
    private final double msPerByte;
    private final int samples;
    private final ShapeCorrection correction;

    KernelRegressor(double fixedMs, double msPerFlop, double msPerByte, int samples) {
        this(fixedMs, msPerFlop, msPerByte, samples, ShapeCorrection.NONE);
    }

    private KernelRegressor(double fixedMs, double msPerFlop, double msPerByte, int samples,
                            ShapeCorrection correction) {
        this.fixedMs = fixedMs;
        this.msPerFlop = msPerFlop;
        this.msPerByte = msPerByte;
        this.samples = samples;
        this.correction = correction;
    }

    /**
     * Fits the rate, then the shape correction on what the rate leaves.
     *
     * @throws IllegalArgumentException for no samples
     */
    public static KernelRegressor fit(List<KernelSample> data) {
        KernelRegressor rate = fitRate(data);
        double[] rateMs = data.stream().mapToDouble(s -> rate.predictMs(s.flops(), s.bytes())).toArray();
        return new KernelRegressor(rate.fixedMs, rate.msPerFlop, rate.msPerByte, rate.samples,
                ShapeCorrection.fit(data, rateMs));
    }

    /**
     * Fits the rate alone (for kernels whose time follows their size, e.g. quantize and dequantize,
     * where a quick fit is needed many times).
     *
     * @throws IllegalArgumentException for no samples
     */
    public static KernelRegressor fitRate(List<KernelSample> data) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no samples to fit");
        }
        double[][] x = new double[data.size()][];
        double[] y = new double[data.size()];
        double[] w = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            KernelSample s = data.get(i);
            x[i] = new double[] {1, s.flops(), s.bytes()};
            y[i] = s.ms();
            double floor = Math.max(s.ms(), FLOOR_MS);
            w[i] = 1 / (floor * floor);
        }
        double[] best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (int mask = 1; mask < 8; mask++) {
            double[] beta = solve(x, y, w, mask);
            if (beta == null) {
                continue;
            }
            double error = 0;
            for (int i = 0; i < y.length; i++) {
                double r = dot(beta, x[i]) - y[i];
                error += w[i] * r * r;
            }
            if (error < bestError - 1e-12 * Math.abs(bestError) || best == null) {
                best = beta;
                bestError = error;
            }
        }
        if (best == null) {
            // every subset needs a negative coefficient or is singular: the mean as a fixed cost
            double mean = data.stream().mapToDouble(KernelSample::ms).average().orElse(0);
            return new KernelRegressor(mean, 0, 0, data.size());
        }
        return new KernelRegressor(best[0], best[1], best[2], data.size());
    }

    /**
     * This regressor with every prediction multiplied by {@code factor} (a refreshed profile's drift: the
     * device now runs the type's kernels {@code factor} times as long); itself for 1.
     */
    public KernelRegressor scaled(double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("scale factor must be > 0, got " + factor);
        }
        return factor == 1 ? this
                : new KernelRegressor(fixedMs * factor, msPerFlop * factor, msPerByte * factor, samples, correction);
    }

    /** Predicted ms of the rate part alone for a kernel with these FLOPs and bytes. */
    public double predictMs(long flops, long bytes) {
        return fixedMs + msPerFlop * flops + msPerByte * bytes;
    }

    /** Predicted ms of a kernel ({@link Kernel#features()}, FLOPs, bytes): the rate times the shape correction. */
    public double predictMs(Map<String, Long> features, long flops, long bytes) {
        return predictMs(flops, bytes) * correction.factor(features, flops, bytes);
    }

    /** Whether a shape correction was fitted (it needs {@value ShapeCorrection#MIN_SAMPLES} samples with a time above zero). */
    public boolean corrected() {
        return correction.fitted();
    }

    /** Which of the three terms is largest for this kernel. */
    public Term dominantTerm(long flops, long bytes) {
        double c = msPerFlop * flops;
        double m = msPerByte * bytes;
        return fixedMs >= c && fixedMs >= m ? Term.FIXED : c >= m ? Term.COMPUTE : Term.MEMORY;
    }

    /** The parts of a prediction. */
    public enum Term { FIXED, COMPUTE, MEMORY }

    public double fixedMs() {
        return fixedMs;
    }

    /** The compute rate it implies, GFLOP/s; 0 when FLOPs do not enter the fit. */
    public double gflops() {
        return msPerFlop > 0 ? 1 / (msPerFlop * 1e6) : 0;
    }

    /** The memory rate it implies, GB/s; 0 when bytes do not enter the fit. */
    public double gbPerS() {
        return msPerByte > 0 ? 1 / (msPerByte * 1e6) : 0;
    }

    public int samples() {
        return samples;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f ms + FLOPs / %.3g GFLOP/s + bytes / %.3g GB/s%s (%d samples)",
                fixedMs, gflops(), gbPerS(), corrected() ? " x shape correction" : "", samples);
    }

    /** Weighted least squares on the columns in {@code mask}; null when singular or a coefficient is negative. */
    private static double[] solve(double[][] x, double[] y, double[] w, int mask) {
        int[] cols = java.util.stream.IntStream.range(0, 3).filter(c -> (mask & (1 << c)) != 0).toArray();
        int p = cols.length;
        if (x.length < p) {
            return null;
        }
        // normal equations on columns scaled to unit size, so FLOPs (1e9) and the constant (1) are comparable
        double[] scale = new double[p];
        for (int a = 0; a < p; a++) {
            double max = 0;
            for (double[] row : x) {
                max = Math.max(max, Math.abs(row[cols[a]]));
            }
            if (max == 0) {
                return null;
            }
            scale[a] = max;
        }
        double[][] m = new double[p][p + 1];
        for (int i = 0; i < x.length; i++) {
            for (int a = 0; a < p; a++) {
                double xa = x[i][cols[a]] / scale[a];
                for (int b = 0; b < p; b++) {
                    m[a][b] += w[i] * xa * x[i][cols[b]] / scale[b];
                }
                m[a][p] += w[i] * xa * y[i];
            }
        }
        double[] z = gauss(m, p);
        if (z == null) {
            return null;
        }
        double[] beta = new double[3];
        for (int a = 0; a < p; a++) {
            beta[cols[a]] = z[a] / scale[a];
            if (beta[cols[a]] < 0) {
                return null;
            }
        }
        return beta;
    }

    private static double[] gauss(double[][] m, int p) {
        for (int c = 0; c < p; c++) {
            int pivot = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
                    pivot = r;
                }
            }
            double[] t = m[c];
            m[c] = m[pivot];
            m[pivot] = t;
            double diag = m[c][c];
            double norm = 0;
            for (int b = 0; b < p; b++) {
                norm = Math.max(norm, Math.abs(m[c][b]));
            }
            if (Math.abs(diag) <= 1e-12 * Math.max(norm, 1e-300)) {
                return null;
            }
            for (int r = 0; r < p; r++) {
                if (r != c) {
                    double f = m[r][c] / diag;
                    for (int b = c; b <= p; b++) {
                        m[r][b] -= f * m[c][b];
                    }
                }
            }
        }
        double[] z = new double[p];
        for (int c = 0; c < p; c++) {
            z[c] = m[c][p] / m[c][c];
        }
        return z;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
}
