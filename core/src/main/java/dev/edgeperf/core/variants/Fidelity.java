package dev.edgeperf.core.variants;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How closely a variant's outputs follow the baseline's over the same inputs.
 *
 * <p>Cosine similarity and SQNR compare every output value and mean something for any output; top-1
 * agreement and accuracy are arg-max figures, computed only for classifier-shaped outputs
 * ({@link OutputTensor#classifierShaped()}, {@code [N, classes]}) and null otherwise: an arg-max over a
 * detector's anchors or a sequence's hidden states names no class.
 *
 * @param samples            number of samples (rows) compared
 * @param top1Agreement      fraction of samples whose arg-max class is the same, in [0, 1]; null when the
 *                           output is not classifier-shaped
 * <p>Values where the baseline itself is inf/NaN are left out of the value figures below.
 *
 * @param maxAbsError        largest |baseline − variant| over all output values
 * @param meanAbsError       mean |baseline − variant| over all output values
 * @param cosineSimilarity   cosine of the angle between all baseline and all variant values (1 when both are zero)
 * @param sqnrDb             10·log10(Σ baseline² / Σ (baseline − variant)²) in dB;
 *                           {@code Double.POSITIVE_INFINITY} when the outputs are identical
 * @param baselineAccuracy   fraction of samples where the baseline's arg-max equals the label; null without
 *                           labels or when the output is not classifier-shaped
 * @param variantAccuracy    the same for the variant; null as above
 */
public record Fidelity(int samples, Double top1Agreement, double maxAbsError, double meanAbsError,
        double cosineSimilarity, double sqnrDb, Double baselineAccuracy, Double variantAccuracy) {

    public Fidelity {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
    }

    /** One line: cosine, SQNR and, for classifiers, top-1 agreement, e.g. {@code cosine 0.9998, SQNR 38.1 dB, top-1 100.00%}. */
    public String summary() {
        String s = String.format(Locale.ROOT, "cosine %.4f, SQNR %s", cosineSimilarity,
                Double.isInfinite(sqnrDb) && sqnrDb > 0 ? "inf" : String.format(Locale.ROOT, "%.1f dB", sqnrDb));
        return top1Agreement == null ? s : s + String.format(Locale.ROOT, ", top-1 %.2f%%", 100 * top1Agreement);
    }

    /**
     * Compares classifier outputs batch by batch: each batch's output is {@code [rows × classes]}.
     *
     * @param baseline one flattened [rows × classes] output per batch
     * @param variant  the variant's outputs for the same batches
     * @param rows     rows (samples) per batch, in the same order
     * @param labels   per batch the class labels (an empty array or null when unknown)
     * @throws IllegalArgumentException when the lists or array lengths do not match
     */
    public static Fidelity compare(List<float[]> baseline, List<float[]> variant, List<Integer> rows,
            List<int[]> labels) {
        Objects.requireNonNull(baseline, "baseline is null");
        Objects.requireNonNull(variant, "variant is null");
        if (baseline.size() != variant.size() || baseline.size() != rows.size()) {
            throw new IllegalArgumentException("baseline has " + baseline.size() + " batches, variant "
                    + variant.size() + ", rows " + rows.size());
        }
        List<OutputTensor> a = new ArrayList<>();
        List<OutputTensor> b = new ArrayList<>();
        for (int i = 0; i < baseline.size(); i++) {
            float[] x = baseline.get(i);
            float[] y = variant.get(i);
            int n = rows.get(i);
            if (x.length != y.length || n <= 0 || x.length % n != 0) {
                throw new IllegalArgumentException("batch " + i + ": baseline has " + x.length
                        + " values, variant " + y.length + ", rows " + n);
            }
            long[] shape = {n, x.length / n};
            a.add(new OutputTensor("output", shape, x));
            b.add(new OutputTensor("output", shape.clone(), y));
        }
        return compare(a, b, labels);
    }

    /**
     * Compares outputs batch by batch; top-1 and accuracy only where every batch's output is
     * classifier-shaped.
     *
     * @param baseline the baseline's output per batch
     * @param variant  the variant's output for the same batches (same shapes)
     * @param labels   per batch the class labels (an empty array or null when unknown)
     * @throws IllegalArgumentException when the lists or shapes do not match
     */
    public static Fidelity compare(List<OutputTensor> baseline, List<OutputTensor> variant, List<int[]> labels) {
        Objects.requireNonNull(baseline, "baseline is null");
        Objects.requireNonNull(variant, "variant is null");
        if (baseline.size() != variant.size()) {
            throw new IllegalArgumentException("baseline has " + baseline.size() + " batches, variant " + variant.size());
        }
        boolean classifier = !baseline.isEmpty() && baseline.stream().allMatch(OutputTensor::classifierShaped);
        int samples = 0;
        int agree = 0;
        int labelled = 0;
        int baseCorrect = 0;
        int varCorrect = 0;
        long count = 0;
        double maxAbs = 0;
        double sumAbs = 0;
        double dot = 0;
        double nb = 0;
        double nv = 0;
        double noise = 0;
        for (int b = 0; b < baseline.size(); b++) {
            float[] x = baseline.get(b).values();
            float[] y = variant.get(b).values();
            int n = baseline.get(b).rows();
            if (!java.util.Arrays.equals(baseline.get(b).shape(), variant.get(b).shape()) || n <= 0) {
                throw new IllegalArgumentException("batch " + b + ": baseline output shape "
                        + java.util.Arrays.toString(baseline.get(b).shape()) + ", variant "
                        + java.util.Arrays.toString(variant.get(b).shape()));
            }
            if (classifier) {
                int classes = x.length / n;
                int[] lab = labels == null || labels.size() <= b || labels.get(b) == null ? new int[0] : labels.get(b);
                for (int r = 0; r < n; r++) {
                    int bx = argmax(x, r * classes, classes);
                    int by = argmax(y, r * classes, classes);
                    if (bx == by) {
                        agree++;
                    }
                    if (lab.length > 0) {
                        labelled++;
                        baseCorrect += bx == lab[r] ? 1 : 0;
                        varCorrect += by == lab[r] ? 1 : 0;
                    }
                }
            }
            samples += n;
            for (int i = 0; i < x.length; i++) {
                if (!Float.isFinite(x[i])) {
                    // the baseline's own inf/NaN says nothing about the variant (VariantCheck fails a variant
                    // that is non-finite where the baseline is finite)
                    continue;
                }
                double e = (double) x[i] - y[i];
                double a = Math.abs(e);
                maxAbs = Math.max(maxAbs, a);
                sumAbs += a;
                dot += (double) x[i] * y[i];
                nb += (double) x[i] * x[i];
                nv += (double) y[i] * y[i];
                noise += e * e;
            }
            count += x.length;
        }
        double cosine = nb == 0 && nv == 0 ? 1.0 : (nb == 0 || nv == 0 ? 0.0 : dot / Math.sqrt(nb * nv));
        double sqnr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(nb / noise);
        Double top1 = !classifier ? null : samples == 0 ? 1.0 : (double) agree / samples;
        return new Fidelity(samples, top1, maxAbs, count == 0 ? 0 : sumAbs / count, cosine, sqnr,
                labelled == 0 ? null : (double) baseCorrect / labelled,
                labelled == 0 ? null : (double) varCorrect / labelled);
    }

    private static int argmax(float[] a, int from, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (a[from + i] > a[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
