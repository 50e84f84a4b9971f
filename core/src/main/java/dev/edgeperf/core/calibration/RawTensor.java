package dev.edgeperf.core.calibration;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor read from a file: float32 values, or integers widened to int64.
 *
 * @param file   where it came from (for messages)
 * @param dtype  the element type as the file names it, e.g. {@code '<f4'} or {@code INT64}
 * @param shape  dimensions, row-major (C order)
 * @param floats float32 values, or null
 * @param longs  integer values widened to int64, or null
 */
public record RawTensor(String file, String dtype, long[] shape, float[] floats, long[] longs) {
    public RawTensor {
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(dtype, "dtype is null");
        shape = shape.clone();
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("exactly one of floats and longs must be set");
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != (floats != null ? floats.length : longs.length)) {
            throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " needs " + n + " values");
        }
    }

    public boolean isFloat() {
        return floats != null;
    }

    /** Number of values. */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }
}
