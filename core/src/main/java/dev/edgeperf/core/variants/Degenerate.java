package dev.edgeperf.core.variants;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a baseline's output on the calibration inputs says anything: an output that is all zero, or the
 * same for every sample, makes fidelity (and int8 calibration ranges) meaningless — usually inputs that do
 * not match what the model was trained on (wrong preprocessing, random noise into a detector).
 */
final class Degenerate {
    private Degenerate() {
    }

    /** @param batches the first output, per calibration batch */
    static Optional<String> warning(String modelName, List<OutputTensor> batches) {
        long values = 0;
        long zeros = 0;
        int samples = 0;
        boolean constant = true;
        float[] firstRow = null;
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
                        // exact comparison: identical outputs, not near-identical ones, mean the input does not matter
                        constant = i < firstRow.length && Float.compare(v[r * each + i], firstRow[i]) == 0;
                    }
                }
                samples++;
            }
            for (float x : v) {
                zeros += x == 0f ? 1 : 0;
            }
            values += v.length;
        }
        if (values > 0 && zeros == values) {
            return Optional.of(String.format(Locale.ROOT, "WARN baseline %s output '%s' is all zero on the %d calibration"
                    + " samples; fidelity on this data means nothing (check the calibration data and --preprocess)",
                    modelName, name, samples));
        }
        if (samples > 1 && constant) {
            return Optional.of(String.format(Locale.ROOT, "WARN baseline %s output '%s' is the same for all %d calibration"
                    + " samples; fidelity on this data means little (check the calibration data and --preprocess)",
                    modelName, name, samples));
        }
        return Optional.empty();
    }
}
