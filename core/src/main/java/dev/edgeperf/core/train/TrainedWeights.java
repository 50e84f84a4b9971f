package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Trained weights committed with edgeperf, read from the class path
 * ({@code /dev/edgeperf/core/zoo/weights/mnist-cnn.weights.bin} + {@code .properties}, see
 * {@link WeightsFile} for the format). Produced by {@link MnistCnnTraining}; the header records the
 * command, epochs and the ONNX Runtime test accuracy.
 */
public final class TrainedWeights {
    /** Class-path folder of the committed weights. */
    public static final String RESOURCE_DIR = "/dev/edgeperf/core/zoo/weights/";
    /** File name of the mnist-cnn weights in {@link #RESOURCE_DIR}. */
    public static final String MNIST_CNN_FILE = "mnist-cnn.weights.bin";
    private static final String MNIST_CNN_HEADER = "mnist-cnn.weights.properties";

    private TrainedWeights() {
    }

    /**
     * The trained mnist-cnn tensors in {@link CnnWeights#NAMES} order (conv1.weight [5,1,3,3],
     * conv1.bias [5], conv2.weight [5,5,3,3], conv2.bias [5], fc1.weight [128,2880], fc1.bias [128],
     * fc2.weight [10,128], fc2.bias [10]; ONNX row-major layout), a fresh copy on every call;
     * empty when no trained weights are on the class path.
     *
     * @throws EdgeperfException INTERNAL if the resource is present but does not match its header
     */
    public static Optional<float[][]> mnistCnn() {
        return mnistCnnWeights().map(CnnWeights::tensors);
    }

    /** As {@link #mnistCnn()} wrapped with its shape. */
    public static Optional<CnnWeights> mnistCnnWeights() {
        Optional<byte[]> bytes = resource(MNIST_CNN_FILE);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> header = mnistCnnHeader().orElseThrow(() -> EdgeperfException.internal(
                "resource " + MNIST_CNN_FILE + " has no header " + MNIST_CNN_HEADER, null));
        String digest = Digests.sha256Hex(bytes.get());
        if (!digest.equals(header.get("sha256"))) {
            throw EdgeperfException.internal("resource " + MNIST_CNN_FILE + " has SHA-256 " + digest + " but its header says "
                    + header.get("sha256"), null);
        }
        return Optional.of(WeightsFile.decode(bytes.get(), CnnShape.MNIST_CNN, RESOURCE_DIR + MNIST_CNN_FILE));
    }

    /**
     * The header of the committed mnist-cnn weights (keys such as {@code test_accuracy},
     * {@code epochs}, {@code command}, {@code sha256}); empty when none is on the class path.
     */
    public static Optional<Map<String, String>> mnistCnnHeader() {
        return resource(MNIST_CNN_HEADER).map(b -> WeightsFile.parseHeader(new String(b, StandardCharsets.UTF_8)));
    }

    /** The zoo's mnist-cnn graph with the trained weights, serialized; empty when there are none. */
    public static Optional<byte[]> mnistCnnModel() {
        return mnistCnnWeights().map(w -> MnistCnnOnnx.export(w, "mnist-cnn trained on MNIST (edgeperf "
                + MnistCnnTraining.class.getSimpleName() + ", test accuracy "
                + mnistCnnHeader().map(h -> h.get("test_accuracy")).orElse("unknown") + ")")).map(ModelProto::toByteArray);
    }

    private static Optional<byte[]> resource(String name) {
        InputStream in = TrainedWeights.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(WeightsFile.readAll(in));
        } catch (IOException e) {
            throw EdgeperfException.internal("cannot read resource " + RESOURCE_DIR + name + ": " + e.getMessage(), e);
        }
    }
}
