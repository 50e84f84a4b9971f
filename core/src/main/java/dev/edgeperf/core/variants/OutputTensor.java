package dev.edgeperf.core.variants;

import java.util.Arrays;
import java.util.Objects;

/**
 * One model output for one batch, as ONNX Runtime returned it.
 *
 * @param name   graph output name
 * @param shape  the shape ORT reported (the first dimension is the batch's rows)
 * @param values the values, flattened row-major
 */
public record OutputTensor(String name, long[] shape, float[] values) {
    public OutputTensor {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(shape, "shape is null");
        Objects.requireNonNull(values, "values is null");
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("output '" + name + "' shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    /** Rows (samples) of this batch: the first dimension, or 1 for a scalar. */
    public int rows() {
        return shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
    }

    /**
     * True for a classifier's output, {@code [N, classes]} with at least 2 classes (trailing 1-sized
     * dimensions, as a conv head's {@code [N, classes, 1, 1]}, allowed): only there does an arg-max per
     * row name a class. A detector's {@code [N, anchors, 85]} or a sequence's {@code [N, T, H]} is not.
     */
    public boolean classifierShaped() {
        if (shape.length < 2 || shape[1] < 2) {
            return false;
        }
        for (int i = 2; i < shape.length; i++) {
            if (shape[i] != 1) {
                return false;
            }
        }
        return true;
    }
}
