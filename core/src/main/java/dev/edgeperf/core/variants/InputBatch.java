package dev.edgeperf.core.variants;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One batch of model input, with optional class labels. Single-input models (images) take one
 * unnamed float {@link Feed}; models with several inputs (a transformer's {@code input_ids},
 * {@code attention_mask} …) take one named feed per graph input.
 *
 * @param inputs at least one feed; an unnamed feed goes to the model's first graph input
 * @param labels one class index per sample, or an empty array when labels are unknown
 */
public record InputBatch(List<Feed> inputs, int[] labels) {
    /**
     * The values of one graph input, row-major: exactly one of {@code floats} and {@code longs} is set.
     *
     * @param name   graph input name, or null for the model's first graph input
     * @param shape  full shape including the batch dimension
     * @param floats float32 values, or null
     * @param longs  int64 values, or null
     */
    public record Feed(String name, long[] shape, float[] floats, long[] longs) {
        public Feed {
            Objects.requireNonNull(shape, "shape is null");
            if ((floats == null) == (longs == null)) {
                throw new IllegalArgumentException("feed " + name + " needs exactly one of float and int64 values");
            }
            long n = 1;
            for (long d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("input batch shape " + Arrays.toString(shape)
                            + " has a non-positive dimension");
                }
                n *= d;
            }
            int have = floats != null ? floats.length : longs.length;
            if (n != have) {
                throw new IllegalArgumentException("input batch shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + have);
            }
        }
    }

    public InputBatch {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("input batch has no feeds");
        }
        labels = labels == null ? new int[0] : labels;
        long rows = inputs.get(0).shape().length == 0 ? 1 : inputs.get(0).shape()[0];
        if (labels.length != 0 && labels.length != rows) {
            throw new IllegalArgumentException("input batch has " + rows + " samples but " + labels.length
                    + " labels");
        }
    }

    /** A float batch for the model's first input, e.g. images of shape [8, 1, 28, 28]. */
    public InputBatch(long[] shape, float[] values, int[] labels) {
        this(List.of(new Feed(null, shape, values, null)), labels);
    }

    /** A float batch without labels. */
    public InputBatch(long[] shape, float[] values) {
        this(shape, values, new int[0]);
    }

    /** Shape of the first feed; its first dimension is the number of samples. */
    public long[] shape() {
        return inputs.get(0).shape();
    }

    /**
     * Values of the first feed.
     *
     * @throws IllegalStateException when the first feed holds int64 values
     */
    public float[] values() {
        float[] v = inputs.get(0).floats();
        if (v == null) {
            throw new IllegalStateException("first feed " + inputs.get(0).name() + " holds int64 values");
        }
        return v;
    }

    public boolean hasLabels() {
        return labels.length > 0;
    }
}
