package dev.edgeperf.core.data;

import java.util.Objects;

/**
 * The content of one IDX file of unsigned bytes (type code 0x08): its dimensions and its data in
 * row-major order. The data array is shared, not copied.
 *
 * @param dims dimension sizes, outermost first (e.g. [60000, 28, 28] for MNIST training images)
 * @param data {@code product(dims)} bytes, to be read as unsigned
 */
public record IdxTensor(int[] dims, byte[] data) {
    public IdxTensor {
        Objects.requireNonNull(dims, "dims is null");
        Objects.requireNonNull(data, "data is null");
        dims = dims.clone();
        long product = 1;
        for (int d : dims) {
            product *= d;
        }
        if (product != data.length) {
            throw new IllegalArgumentException("dims need " + product + " bytes, got " + data.length);
        }
    }

    /** The dimensions (a copy). */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Size of the first dimension (the number of items). */
    public int count() {
        return dims[0];
    }

    /** Byte {@code i} as an unsigned value in [0, 255]. */
    public int unsigned(int i) {
        return data[i] & 0xFF;
    }
}
