package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The {@code separable} variant of an mnist-cnn-style network, as the variant recipe writes it: each 3x3
 * Conv is a depthwise 3x3 Conv (group = input channels, no bias) followed by a pointwise 1x1 Conv carrying
 * the original bias, then Flatten, Gemm, Relu, Gemm, Softmax as in {@link MnistCnnOnnx}. Reads its ten
 * parameter tensors from such a model by the nodes' input names, trains them with mini-batch Adam on softmax
 * cross-entropy (forward and backward through {@link Kernels#depthwiseForward} and
 * {@link Kernels#pointwiseForward}), and writes them back into the same graph, so the fine-tuned file has
 * exactly the structure, names and attributes the converter wrote.
 *
 * <p>Mutable: training updates the tensors in place. Deterministic for a given seed, data and thread count
 * (per-worker gradient buffers summed in worker order).
 */
public final class SeparableCnn {
    /** Op types of a separable mnist-cnn, in graph order. */
    public static final List<String> OP_TYPES = List.of("Conv", "Conv", "Relu", "Conv", "Conv", "Relu", "Flatten",
            "Gemm", "Relu", "Gemm", "Softmax");
    static final int DW1 = 0;
    static final int PW1 = 1;
    static final int B1 = 2;
    static final int DW2 = 3;
    static final int PW2 = 4;
    static final int B2 = 5;
    static final int FC1_W = 6;
    static final int FC1_B = 7;
    static final int FC2_W = 8;
    static final int FC2_B = 9;

    final int conv1;
    final int conv2;
    final int hidden;
    final int height;
    final int width;
    final int classes;
    private final String[] names;
    private final long[][] dims;
    final float[][] tensors;

    SeparableCnn(int conv1, int conv2, int hidden, int height, int width, int classes, String[] names, float[][] tensors) {
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.hidden = hidden;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.names = names;
        this.tensors = tensors;
        this.dims = new long[][] {{1, 1, 3, 3}, {conv1, 1, 1, 1}, {conv1}, {conv1, 1, 3, 3}, {conv2, conv1, 1, 1},
            {conv2}, {hidden, flat()}, {hidden}, {classes, hidden}, {classes}};
        for (int t = 0; t < dims.length; t++) {
            if (tensors[t].length != CnnWeights.size(dims[t])) {
                throw EdgeperfException.userError("separable model: initializer '" + names[t] + "' holds "
                        + tensors[t].length + " floats, expected " + Arrays.toString(dims[t]));
            }
        }
    }

    int h1() {
        return height - 2;
    }

    int w1() {
        return width - 2;
    }

    int flat() {
        return conv2 * (height - 4) * (width - 4);
    }

    /** Total number of trainable parameters. */
    public long parameterCount() {
        long n = 0;
        for (float[] t : tensors) {
            n += t.length;
        }
        return n;
    }

    /**
     * Reads the parameters of a separable mnist-cnn-style model.
     *
     * @throws EdgeperfException USER_ERROR naming what does not fit (op sequence, attribute, tensor, dims)
     */
    public static SeparableCnn of(ModelProto model) {
        GraphProto g = model.getGraph();
        List<String> ops = g.getNodeList().stream().map(NodeProto::getOpType).toList();
        if (!ops.equals(OP_TYPES)) {
            throw EdgeperfException.userError("model '" + g.getName() + "' is not a separable mnist-cnn: ops " + ops
                    + ", expected " + OP_TYPES);
        }
        for (int i = 1; i < g.getNodeCount(); i++) {
            if (!g.getNode(i).getInput(0).equals(g.getNode(i - 1).getOutput(0))) {
                throw EdgeperfException.userError("model '" + g.getName() + "': node " + i + " (" + ops.get(i)
                        + ") does not take the output of node " + (i - 1) + "; expected a chain");
            }
        }
        if (g.getInputCount() < 1 || g.getInput(0).getType().getTensorType().getShape().getDimCount() != 4) {
            throw EdgeperfException.userError("model '" + g.getName() + "': expected one input [N,1,H,W]");
        }
        var shape = g.getInput(0).getType().getTensorType().getShape();
        int height = (int) shape.getDim(2).getDimValue();
        int width = (int) shape.getDim(3).getDimValue();
        if (shape.getDim(1).getDimValue() != 1 || height < 5 || width < 5) {
            throw EdgeperfException.userError("model '" + g.getName() + "': input must be [N,1,H,W] with H, W >= 5");
        }
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        NodeProto dw1 = g.getNode(0);
        NodeProto pw1 = g.getNode(1);
        NodeProto dw2 = g.getNode(3);
        NodeProto pw2 = g.getNode(4);
        checkConv(g, dw1, 3, false);
        checkConv(g, pw1, 1, true);
        checkConv(g, dw2, 3, false);
        checkConv(g, pw2, 1, true);
        checkGemm(g, g.getNode(7));
        checkGemm(g, g.getNode(9));
        String[] names = {dw1.getInput(1), pw1.getInput(1), pw1.getInput(2), dw2.getInput(1), pw2.getInput(1),
            pw2.getInput(2), g.getNode(7).getInput(1), g.getNode(7).getInput(2), g.getNode(9).getInput(1),
            g.getNode(9).getInput(2)};
        float[][] tensors = new float[names.length][];
        for (int t = 0; t < names.length; t++) {
            TensorProto tensor = inits.get(names[t]);
            if (tensor == null) {
                throw EdgeperfException.userError("model '" + g.getName() + "': '" + names[t]
                        + "' is not an initializer; expected constant weights");
            }
            tensors[t] = MnistCnnOnnx.floats(tensor);
        }
        int conv1 = tensors[B1].length;
        int conv2 = tensors[B2].length;
        int group2 = (int) intAttr(dw2, "group", 1);
        if (group2 != conv1 || (int) intAttr(dw1, "group", 1) != 1) {
            throw EdgeperfException.userError("model '" + g.getName() + "': depthwise convs must have group = input "
                    + "channels (1 and " + conv1 + "), got " + intAttr(dw1, "group", 1) + " and " + group2);
        }
        SeparableCnn net = new SeparableCnn(conv1, conv2, tensors[FC1_B].length, height, width, tensors[FC2_B].length,
                names, tensors);
        for (int t = 0; t < names.length; t++) {
            List<Long> actual = inits.get(names[t]).getDimsList();
            if (!actual.equals(Arrays.stream(net.dims[t]).boxed().toList())) {
                throw EdgeperfException.userError("model '" + g.getName() + "': initializer '" + names[t] + "' has dims "
                        + actual + ", expected " + Arrays.toString(net.dims[t]));
            }
        }
        return net;
    }

    private static void checkConv(GraphProto g, NodeProto n, int kernel, boolean bias) {
        String what = "model '" + g.getName() + "': conv '" + n.getName() + "'";
        if (bias != (n.getInputCount() > 2 && !n.getInput(2).isEmpty())) {
            throw EdgeperfException.userError(what + (bias ? " has no bias; expected the pointwise conv to carry it"
                    : " has a bias; expected the depthwise conv to have none"));
        }
        for (AttributeProto a : n.getAttributeList()) {
            boolean ok = switch (a.getName()) {
                case "kernel_shape" -> a.getIntsList().equals(List.of((long) kernel, (long) kernel));
                case "strides", "dilations" -> a.getIntsList().stream().allMatch(v -> v == 1);
                case "pads" -> a.getIntsList().stream().allMatch(v -> v == 0);
                case "group" -> true;
                case "auto_pad" -> a.getS().toStringUtf8().equals("NOTSET") || a.getS().toStringUtf8().equals("VALID");
                default -> false;
            };
            if (!ok) {
                throw EdgeperfException.userError(what + " has attribute " + a.getName() + " the trainer does not support;"
                        + " expected a " + kernel + "x" + kernel + " kernel, stride 1, no padding, dilation 1");
            }
        }
    }

    private static void checkGemm(GraphProto g, NodeProto n) {
        if (intAttr(n, "transB", 0) != 1 || intAttr(n, "transA", 0) != 0 || n.getInputCount() < 3
                || n.getAttributeList().stream().anyMatch(a -> (a.getName().equals("alpha") || a.getName().equals("beta"))
                        && a.getF() != 1f)) {
            throw EdgeperfException.userError("model '" + g.getName() + "': Gemm '" + n.getName()
                    + "' must be y = x W^T + b (transB = 1, alpha = beta = 1, with a bias)");
        }
    }

    private static long intAttr(NodeProto n, String name, long fallback) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    /** {@code model} with the ten parameter initializers replaced by this network's (same names and dims). */
    public ModelProto withWeights(ModelProto model) {
        return ChainNet.withTensors(model, names, dims, tensors);
    }

    /** Fine-tunes a serialized separable model and returns it with only its parameter initializers replaced. */
    public static byte[] finetuneModel(byte[] model, LabeledImages data, TrainingOptions options,
                                       Consumer<EpochStats> listener) {
        ModelProto proto = MnistCnnOnnx.parse(model);
        SeparableCnn net = of(proto);
        net.train(data, options, listener);
        return net.withWeights(proto).toByteArray();
    }

    /** Fraction of {@code data} this network classifies correctly (argmax of the logits). */
    public double accuracy(LabeledImages data) {
        checkFits(data);
        Net net = new Net();
        net.prepare();
        int correct = 0;
        for (int n = 0; n < data.count(); n++) {
            net.forwardPrepared(data.images(), n * data.imageSize());
            correct += net.predicted() == data.labels()[n] ? 1 : 0;
        }
        return data.count() == 0 ? 0 : (double) correct / data.count();
    }

    /** Trains in place for {@code options.epochs()} epochs; returns the per-epoch statistics. */
    public List<EpochStats> train(LabeledImages data, TrainingOptions options, Consumer<EpochStats> listener) {
        Objects.requireNonNull(options, "options is null");
        Objects.requireNonNull(listener, "listener is null");
        checkFits(data);
        if (data.count() == 0) {
            throw EdgeperfException.userError("training set is empty");
        }
        int threads = Math.min(options.threads(), options.batchSize());
        Worker[] workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker();
        }
        Adam adam = new Adam(tensors);
        List<EpochStats> history = new ArrayList<>();
        ExecutorService pool = CnnTrainer.pool(threads, "edgeperf-train-separable");
        try {
            double rate = options.learningRate();
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long start = System.nanoTime();
                int[] order = CnnTrainer.shuffled(data.count(), new SplittableRandom(options.seed() * 31 + epoch));
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += options.batchSize()) {
                    int to = Math.min(order.length, from + options.batchSize());
                    float scale = 1f / (to - from);
                    CnnTrainer.runSlices(pool, threads, from, to, (w, a, b) -> workers[w].run(data, order, a, b, scale));
                    for (int i = 1; i < threads; i++) {
                        workers[0].add(workers[i]);
                    }
                    for (Worker w : workers) {
                        lossSum += w.loss;
                        correct += w.correct;
                    }
                    adam.step(tensors, workers[0].grads, null, rate);
                }
                EpochStats stats = new EpochStats(epoch, order.length, rate, lossSum / order.length,
                        (double) correct / order.length, (System.nanoTime() - start) / 1e9);
                history.add(stats);
                listener.accept(stats);
                rate *= options.learningRateDecay();
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return history;
    }

    private void checkFits(LabeledImages data) {
        Objects.requireNonNull(data, "data is null");
        if (data.channels() != 1 || data.height() != height || data.width() != width || data.classes() != classes) {
            throw EdgeperfException.userError("images [" + data.channels() + "," + data.height() + "," + data.width()
                    + "] with " + data.classes() + " classes do not fit the separable network, expected [1," + height
                    + "," + width + "] with " + classes + " classes");
        }
    }

    /** One sample's forward and backward pass with its activation buffers; one per worker thread. */
    final class Net {
        final float[] d1 = new float[h1() * w1()];
        final float[] a1 = new float[conv1 * h1() * w1()];
        final float[] d2 = new float[conv1 * (height - 4) * (width - 4)];
        final float[] a2 = new float[flat()];
        final float[] h = new float[hidden];
        final float[] logits = new float[classes];
        private final float[] fc1T = new float[hidden * flat()];
        private final float[] dLogits = new float[classes];
        private final float[] dH = new float[hidden];
        private final float[] dA2 = new float[flat()];
        private final float[] dD2 = new float[d2.length];
        private final float[] dA1 = new float[a1.length];
        private final float[] dD1 = new float[d1.length];

        /** Call before a batch of forwards: the dense kernel wants fc1 transposed. */
        void prepare() {
            Kernels.transpose(tensors[FC1_W], hidden, flat(), fc1T);
        }

        void forward(float[] images, int offset) {
            prepare();
            forwardPrepared(images, offset);
        }

        void forwardPrepared(float[] images, int offset) {
            int p1 = h1() * w1();
            int p2 = (height - 4) * (width - 4);
            Kernels.depthwiseForward(images, offset, 1, height, width, tensors[DW1], d1);
            Kernels.pointwiseForward(d1, 1, p1, tensors[PW1], tensors[B1], conv1, a1);
            Kernels.relu(a1, a1.length);
            Kernels.depthwiseForward(a1, 0, conv1, h1(), w1(), tensors[DW2], d2);
            Kernels.pointwiseForward(d2, conv1, p2, tensors[PW2], tensors[B2], conv2, a2);
            Kernels.relu(a2, a2.length);
            Kernels.denseForward(a2, flat(), fc1T, tensors[FC1_B], hidden, h);
            Kernels.relu(h, h.length);
            float[] fc2 = tensors[FC2_W];
            float[] b2 = tensors[FC2_B];
            for (int c = 0; c < classes; c++) {
                float z = b2[c];
                for (int i = 0; i < hidden; i++) {
                    z += fc2[c * hidden + i] * h[i];
                }
                logits[c] = z;
            }
        }

        /** After a forward of the same image: accumulates scale x the cross-entropy gradient; returns the loss. */
        float backward(float[] images, int offset, int label, float scale, float[][] grads) {
            int p1 = h1() * w1();
            int p2 = (height - 4) * (width - 4);
            float loss = Kernels.softmaxCrossEntropy(logits, classes, label, scale, dLogits);
            Kernels.denseBackward(h, hidden, tensors[FC2_W], classes, dLogits, grads[FC2_W], grads[FC2_B], dH);
            Kernels.reluBackward(h, dH, dH.length);
            Kernels.denseBackward(a2, flat(), tensors[FC1_W], hidden, dH, grads[FC1_W], grads[FC1_B], dA2);
            Kernels.reluBackward(a2, dA2, dA2.length);
            Kernels.pointwiseBackward(d2, conv1, p2, tensors[PW2], conv2, dA2, grads[PW2], grads[B2], dD2);
            Kernels.depthwiseBackward(a1, 0, conv1, h1(), w1(), tensors[DW2], dD2, grads[DW2], dA1);
            Kernels.reluBackward(a1, dA1, dA1.length);
            Kernels.pointwiseBackward(d1, 1, p1, tensors[PW1], conv1, dA1, grads[PW1], grads[B1], dD1);
            Kernels.depthwiseBackward(images, offset, 1, height, width, tensors[DW1], dD1, grads[DW1], null);
            return loss;
        }

        int predicted() {
            return Kernels.argmax(logits);
        }
    }

    /** Fresh zeroed gradient buffers shaped like the tensors. */
    float[][] newGradients() {
        float[][] grads = new float[tensors.length][];
        for (int t = 0; t < tensors.length; t++) {
            grads[t] = new float[tensors[t].length];
        }
        return grads;
    }

    private final class Worker {
        final Net net = new Net();
        final float[][] grads = newGradients();
        double loss;
        int correct;

        void run(LabeledImages data, int[] order, int from, int to, float scale) {
            for (float[] g : grads) {
                Arrays.fill(g, 0f);
            }
            loss = 0;
            correct = 0;
            net.prepare();
            int size = data.imageSize();
            for (int k = from; k < to; k++) {
                int n = order[k];
                net.forwardPrepared(data.images(), n * size);
                correct += net.predicted() == data.labels()[n] ? 1 : 0;
                loss += net.backward(data.images(), n * size, data.labels()[n], scale, grads);
            }
        }

        void add(Worker other) {
            for (int t = 0; t < grads.length; t++) {
                for (int i = 0; i < grads[t].length; i++) {
                    grads[t][i] += other.grads[t][i];
                }
            }
        }
    }
}
