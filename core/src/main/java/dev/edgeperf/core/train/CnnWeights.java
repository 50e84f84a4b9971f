package dev.edgeperf.core.train;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The eight parameter tensors of an mnist-cnn-style network, each a flat float array in ONNX
 * layout (row-major over {@link CnnShape#tensorDims()}), in the order of {@link #NAMES}, which
 * are also the zoo's initializer names.
 *
 * <p>Mutable on purpose: the trainer updates the arrays in place. {@link #copy()} before sharing.
 */
public final class CnnWeights {
    /** Initializer names, in tensor order. */
    public static final List<String> NAMES = List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    static final int CONV1_W = 0;
    static final int CONV1_B = 1;
    static final int CONV2_W = 2;
    static final int CONV2_B = 3;
    static final int FC1_W = 4;
    static final int FC1_B = 5;
    static final int FC2_W = 6;
    static final int FC2_B = 7;

    private final CnnShape shape;
    private final float[][] tensors;

    /**
     * Wraps (does not copy) the given tensors.
     *
     * @throws IllegalArgumentException if there are not eight tensors of the sizes {@code shape} needs
     */
    public CnnWeights(CnnShape shape, float[][] tensors) {
        this.shape = Objects.requireNonNull(shape, "shape is null");
        Objects.requireNonNull(tensors, "tensors is null");
        long[][] dims = shape.tensorDims();
        if (tensors.length != dims.length) {
            throw new IllegalArgumentException("expected " + dims.length + " tensors " + NAMES + ", got " + tensors.length);
        }
        for (int i = 0; i < dims.length; i++) {
            long size = size(dims[i]);
            if (tensors[i] == null || tensors[i].length != size) {
                throw new IllegalArgumentException(NAMES.get(i) + " needs " + size + " floats for " + shape
                        + ", got " + (tensors[i] == null ? "null" : tensors[i].length));
            }
        }
        this.tensors = tensors;
    }

    /**
     * Infers the shape from the tensor sizes (the biases give the widths) for a 28x28, 10-class input.
     *
     * @throws IllegalArgumentException if the sizes are not those of an mnist-cnn-style network
     */
    public static CnnWeights of(float[][] tensors) {
        if (tensors.length != NAMES.size()) {
            throw new IllegalArgumentException("expected " + NAMES.size() + " tensors " + NAMES + ", got " + tensors.length);
        }
        CnnShape shape = new CnnShape(tensors[CONV1_B].length, tensors[CONV2_B].length, tensors[FC1_B].length,
                CnnShape.MNIST_CNN.height(), CnnShape.MNIST_CNN.width(), tensors[FC2_B].length);
        return new CnnWeights(shape, tensors);
    }

    /**
     * Fresh weights: He-uniform (bound sqrt(6 / fan_in)) from a seeded generator, zero biases.
     * The same shape and seed give the same weights.
     */
    public static CnnWeights initial(CnnShape shape, long seed) {
        long[][] dims = shape.tensorDims();
        float[][] tensors = new float[dims.length][];
        SplittableRandom random = new SplittableRandom(seed);
        for (int t = 0; t < dims.length; t++) {
            tensors[t] = new float[Math.toIntExact(size(dims[t]))];
            if (dims[t].length > 1) {
                long fanIn = size(dims[t]) / dims[t][0];
                double bound = Math.sqrt(6.0 / fanIn);
                for (int i = 0; i < tensors[t].length; i++) {
                    tensors[t][i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
        }
        return new CnnWeights(shape, tensors);
    }

    public CnnShape shape() {
        return shape;
    }

    /** The tensors themselves (not copies), in {@link #NAMES} order. */
    public float[][] tensors() {
        return tensors;
    }

    /** Tensor {@code index} (not a copy). */
    public float[] tensor(int index) {
        return tensors[index];
    }

    /** A deep copy. */
    public CnnWeights copy() {
        float[][] copy = new float[tensors.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = tensors[i].clone();
        }
        return new CnnWeights(shape, copy);
    }

    /** Number of exactly-zero entries in the weight (not bias) tensors. */
    public long zeroWeights() {
        long zeros = 0;
        for (int t : new int[] {CONV1_W, CONV2_W, FC1_W, FC2_W}) {
            for (float v : tensors[t]) {
                if (v == 0f) {
                    zeros++;
                }
            }
        }
        return zeros;
    }

    static long size(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
