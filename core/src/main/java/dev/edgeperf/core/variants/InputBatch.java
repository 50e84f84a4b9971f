package dev.edgeperf.core.variants;

import java.util.Arrays;
import java.util.Objects;

/**
 * One batch of float model input, row-major, with optional class labels.
 *
 * @param shape  full input shape including the batch dimension, e.g. [8, 1, 28, 28]
 * @param values shape's product of values
 * @param labels one class index per sample, or an empty array when labels are unknown
 */
public record InputBatch(long[] shape, float[] values, int[] labels) {
    public InputBatch {
        Objects.requireNonNull(shape, "shape is null");
        Objects.requireNonNull(values, "values is null");
        labels = labels == null ? new int[0] : labels;
        long n = 1;
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input batch shape " + Arrays.toString(shape)
                        + " has a non-positive dimension");
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("input batch shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        if (labels.length != 0 && labels.length != shape[0]) {
            throw new IllegalArgumentException("input batch has " + shape[0] + " samples but " + labels.length
                    + " labels");
        }
    }

    /** A batch without labels. */
    public InputBatch(long[] shape, float[] values) {
        this(shape, values, new int[0]);
    }

    public boolean hasLabels() {
        return labels.length > 0;
    }
}
