package dev.edgeperf.core.variants;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a baseline's output on the calibration inputs says anything: an output that is all zero, or the
 * same for every sample, makes fidelity (and int8 calibration ranges) meaningless — usually inputs that do
 * not match what the model was trained on (wrong preprocessing, random noise into a detector).
 *
 * <p>"The same" allows a spread of {@value #NEAR_CONSTANT} of the output's largest magnitude: silero-vad-op15
 * answers 0.0005887 ± 0.0000003 on every chunk of synthetic or random audio, where an int8 variant's 0.002 is a
 * relative error of 300% that says nothing about speech.
 */
final class Degenerate {
    /** Largest spread across samples, relative to the output's largest |value|, that still counts as constant. */
    static final double NEAR_CONSTANT = 1e-3;

    private Degenerate() {
    }

    /** @param batches the first output, per calibration batch */
    static Optional<String> warning(String modelName, List<OutputTensor> batches) {
        long values = 0;
        long zeros = 0;
        int samples = 0;
        boolean constant = true;
        float[] firstRow = null;
        double spread = 0;
        double scale = 0;
        String name = batches.isEmpty() ? "?" : batches.get(0).name();
        for (OutputTensor t : batches) {
            float[] v = t.values();
            int rows = t.rows();
            int each = rows == 0 ? 0 : v.length / rows;
            for (int r = 0; r < rows; r++) {
                if (firstRow == null) {
                    firstRow = java.util.Arrays.copyOfRange(v, 0, each);
                } else if (constant) {
                    for (int i = 0; i < each && constant; i++) {
                        constant = i < firstRow.length;
                        spread = constant ? Math.max(spread, Math.abs((double) v[r * each + i] - firstRow[i])) : spread;
                    }
                }
                samples++;
            }
            for (float x : v) {
                zeros += x == 0f ? 1 : 0;
                scale = Float.isFinite(x) ? Math.max(scale, Math.abs(x)) : scale;
            }
            values += v.length;
        }
        if (values > 0 && zeros == values) {
            return Optional.of(String.format(Locale.ROOT, "WARN baseline %s output '%s' is all zero on the %d calibration"
                    + " samples; fidelity on this data means nothing (check the calibration data and --preprocess)",
                    modelName, name, samples));
        }
        if (samples > 1 && constant && spread <= NEAR_CONSTANT * scale) {
            return Optional.of(String.format(Locale.ROOT, "WARN baseline %s output '%s' is the same for all %d calibration"
                    + " samples; fidelity on this data means little (check the calibration data and --preprocess)",
                    modelName, name, samples));
        }
        return Optional.empty();
    }
}
