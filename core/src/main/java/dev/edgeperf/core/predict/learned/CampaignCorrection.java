package dev.edgeperf.core.predict.learned;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A correction of one base predictor's figure fitted on a device's measured cells of other models:
 * ridge regression of log(measured / base) on log FLOPs, log batch, log threads, log(base / naive)
 * (how far the base predictor already departs from FLOPs ÷ peak: memory-bound and dispatch-heavy
 * models) and the int8 and fp16 variant flags. Features are standardised on the training cells, the
 * intercept is not penalised, and a constant feature drops out. The correction never extrapolates
 * past the log-ratios it was fitted on: a query far from every training cell gets at most the
 * largest correction seen, not an exponential of a linear extrapolation.
 */
public final class CampaignCorrection {
    /** Fewer cells of other models than this and there is no fit: a handful of cells fits noise. */
    public static final int MIN_CELLS = 6;
    /** Ridge penalty on the standardised coefficients; 1 shrinks visibly with ~10 cells and vanishes with hundreds. */
    public static final double RIDGE = 1.0;
    static final int FEATURES = 6;

    private final String basePredictor;
    private final int cells;
    private final int models;
    private final double[] mean;
    private final double[] scale;
    private final double[] beta;
    private final double minLogRatio;
    private final double maxLogRatio;

    private CampaignCorrection(String basePredictor, int cells, int models, double[] mean, double[] scale,
                               double[] beta, double minLogRatio, double maxLogRatio) {
        this.basePredictor = basePredictor;
        this.cells = cells;
        this.models = models;
        this.mean = mean;
        this.scale = scale;
        this.beta = beta;
        this.minLogRatio = minLogRatio;
        this.maxLogRatio = maxLogRatio;
    }

    /**
     * A fit, or why there is none.
     *
     * @param correction empty when there were too few cells
     * @param reason     "" with a correction, else one line, e.g. "only 3 cells of other models on this device"
     */
    public record Fit(Optional<CampaignCorrection> correction, String reason) {
        public Fit {
            Objects.requireNonNull(correction, "correction is null");
            Objects.requireNonNull(reason, "reason is null");
        }
    }

    /**
     * Fits on the measured cells of {@code history} whose base predictor is {@code basePredictor} and
     * whose model is not {@code model} ({@link CampaignCell#sameModel}): a model's own cells never
     * enter its fit.
     */
    public static Fit fit(List<CampaignCell> history, String model, String basePredictor) {
        List<CampaignCell> train = training(history, model, basePredictor);
        if (train.size() < MIN_CELLS) {
            return new Fit(Optional.empty(), "only " + train.size() + " measured cell(s) of other models with a "
                    + basePredictor + " prediction on this device (needs " + MIN_CELLS + ")");
        }
        int n = train.size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = features(train.get(i));
            y[i] = Math.log(train.get(i).measuredMs() / train.get(i).baseMs());
        }
        double[] mean = new double[FEATURES];
        double[] scale = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            double sum = 0;
            for (double[] row : x) {
                sum += row[j];
            }
            mean[j] = sum / n;
            double ss = 0;
            for (double[] row : x) {
                ss += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
            scale[j] = Math.sqrt(ss / n);
        }
        int p = FEATURES + 1;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int i = 0; i < n; i++) {
            double[] z = standardised(x[i], mean, scale);
            for (int r = 0; r < p; r++) {
                b[r] += z[r] * y[i];
                for (int c = 0; c < p; c++) {
                    a[r][c] += z[r] * z[c];
                }
            }
        }
        for (int j = 1; j < p; j++) {
            a[j][j] += RIDGE;
        }
        double[] beta = solve(a, b);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int models = (int) train.stream().map(c -> CampaignCell.modelKey(c.model())).distinct().count();
        return new Fit(Optional.of(new CampaignCorrection(basePredictor, n, models, mean, scale, beta, min, max)), "");
    }

    /** The cells a fit for {@code model} may use. */
    static List<CampaignCell> training(List<CampaignCell> history, String model, String basePredictor) {
        return history.stream().filter(c -> c.measuredMs() > 0 && c.basePredictor().equals(basePredictor)
                && !c.sameModel(model)).toList();
    }

    /** The factor the base figure of {@code cell} is multiplied by, > 0. */
    public double factor(CampaignCell cell) {
        double[] z = standardised(features(cell), mean, scale);
        double logRatio = 0;
        for (int j = 0; j < z.length; j++) {
            logRatio += beta[j] * z[j];
        }
        return Math.exp(Math.min(maxLogRatio, Math.max(minLogRatio, logRatio)));
    }

    /** The corrected figure for {@code cell}, ms per batch. */
    public double predictMs(CampaignCell cell) {
        return cell.baseMs() * factor(cell);
    }

    public String basePredictor() {
        return basePredictor;
    }

    /** Cells it was fitted on. */
    public int cells() {
        return cells;
    }

    /** Distinct models among them. */
    public int models() {
        return models;
    }

    /** One line for a prediction's basis. */
    public String describe(double factor) {
        return String.format(Locale.ROOT, "%s x %.3f: ridge fit of log(measured / %s) on %d cell(s) of %d other"
                + " model(s) measured on this device", basePredictor, factor, basePredictor, cells, models);
    }

    static double[] features(CampaignCell c) {
        String recipe = c.variantRecipe().toLowerCase(Locale.ROOT);
        double int8 = recipe.contains("int8") || CampaignCell.variantKind(recipe).equals("quantized") ? 1 : 0;
        return new double[] {
            Math.log(Math.max(1, c.flops())),
            Math.log(c.batch()),
            Math.log(Math.max(1, c.threads())),
            c.naiveMs() > 0 ? Math.log(c.baseMs() / c.naiveMs()) : 0,
            int8,
            recipe.contains("fp16") ? 1 : 0,
        };
    }

    /** [1, z1 … zp]; a feature constant over the training cells (scale 0) contributes nothing. */
    private static double[] standardised(double[] x, double[] mean, double[] scale) {
        double[] z = new double[x.length + 1];
        z[0] = 1;
        for (int j = 0; j < x.length; j++) {
            z[j + 1] = scale[j] > 1e-12 ? (x[j] - mean[j]) / scale[j] : 0;
        }
        return z;
    }

    /** Gaussian elimination with partial pivoting; the ridge term keeps the matrix positive definite. */
    static double[] solve(double[][] a, double[] b) {
        int p = b.length;
        double[][] m = new double[p][];
        double[] v = b.clone();
        for (int i = 0; i < p; i++) {
            m[i] = a[i].clone();
        }
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            double tv = v[col];
            v[col] = v[pivot];
            v[pivot] = tv;
            for (int r = col + 1; r < p; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c < p; c++) {
                    m[r][c] -= f * m[col][c];
                }
                v[r] -= f * v[col];
            }
        }
        double[] x = new double[p];
        for (int r = p - 1; r >= 0; r--) {
            double s = v[r];
            for (int c = r + 1; c < p; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
