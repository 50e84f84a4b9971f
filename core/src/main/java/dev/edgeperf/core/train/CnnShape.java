package dev.edgeperf.core.train;

/**
 * Layer widths of an mnist-cnn-style network: input [1, H, W] -> Conv {@code conv1}@3x3 valid ->
 * Relu -> Conv {@code conv2}@3x3 valid -> Relu -> Flatten -> Dense {@code hidden} -> Relu ->
 * Dense {@code classes} -> Softmax. The zoo's mnist-cnn is {@link #MNIST_CNN}; a structurally
 * pruned variant has smaller widths but the same layout, so it trains with the same code.
 *
 * @param conv1   output channels of the first conv
 * @param conv2   output channels of the second conv
 * @param hidden  width of the hidden dense layer
 * @param height  input height in pixels (at least 5)
 * @param width   input width in pixels (at least 5)
 * @param classes number of classes
 */
public record CnnShape(int conv1, int conv2, int hidden, int height, int width, int classes) {
    /** The zoo's mnist-cnn: 5 and 5 channels, 128 hidden units, 28x28 input, 10 classes. */
    public static final CnnShape MNIST_CNN = new CnnShape(5, 5, 128, 28, 28, 10);

    public CnnShape {
        if (conv1 <= 0 || conv2 <= 0 || hidden <= 0 || classes <= 0) {
            throw new IllegalArgumentException("layer widths must be positive, got conv1=" + conv1 + " conv2=" + conv2
                    + " hidden=" + hidden + " classes=" + classes);
        }
        if (height < 5 || width < 5) {
            throw new IllegalArgumentException("input must be at least 5x5 for two valid 3x3 convs, got " + height + "x" + width);
        }
    }

    /** Pixels per input image (one channel). */
    int inputSize() {
        return height * width;
    }

    int h1() {
        return height - 2;
    }

    int w1() {
        return width - 2;
    }

    int h2() {
        return height - 4;
    }

    int w2() {
        return width - 4;
    }

    /** Inputs of the hidden dense layer: conv2 * (H-4) * (W-4); 2,880 for mnist-cnn. */
    public int flat() {
        return conv2 * h2() * w2();
    }

    /**
     * ONNX dimensions of the eight parameter tensors, in {@link CnnWeights#NAMES} order: conv
     * weights [out, in, 3, 3], conv biases [out], dense weights [out, in] (Gemm transB = 1), dense biases [out].
     */
    public long[][] tensorDims() {
        return new long[][] {{conv1, 1, 3, 3}, {conv1}, {conv2, conv1, 3, 3}, {conv2},
            {hidden, flat()}, {hidden}, {classes, hidden}, {classes}};
    }

    /** Total number of parameters; 370,338 for mnist-cnn. */
    public long parameterCount() {
        long total = 0;
        for (long[] dims : tensorDims()) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            total += n;
        }
        return total;
    }
}
