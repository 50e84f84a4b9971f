package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A classifier whose ONNX graph is one chain of Conv (stride 1, any square kernel, zero padding, any group:
 * plain, depthwise or pointwise), Relu, Tanh, MaxPool / AveragePool (no padding), Flatten and Gemm
 * (y = x W^T + b) nodes, optionally ending in Softmax, over one image input [N, C, H, W]: the zoo's
 * {@code mnist-cnn}, {@code mnist-cnn-pool} and {@code lenet5}, and their pruned and separable variants.
 * The logits are the input of the final Softmax. Parameters are the Conv and Gemm initializers, read and
 * written back by name, so a trained file keeps the graph, names and attributes it came with.
 *
 * <p>Mutable: training updates {@link #tensors} in place.
 */
public final class ChainNet {
    final List<ChainLayer> layers;
    final String[] names;
    final long[][] dims;
    final float[][] tensors;
    final int channels;
    final int height;
    final int width;
    final int classes;

    private ChainNet(List<ChainLayer> layers, String[] names, long[][] dims, float[][] tensors, int[] input) {
        this.layers = List.copyOf(layers);
        this.names = names;
        this.dims = dims;
        this.tensors = tensors;
        this.channels = input[0];
        this.height = input[1];
        this.width = input[2];
        this.classes = layers.get(layers.size() - 1).outSize();
    }

    /**
     * Reads the layers and parameters of a chain model.
     *
     * @throws EdgeperfException USER_ERROR naming the node, attribute or tensor that does not fit
     */
    public static ChainNet of(ModelProto model) {
        return parse(model, null);
    }

    /**
     * The layers of a chain model with fresh parameters: He-uniform (bound sqrt(6 / fan_in)) for a layer a Relu
     * follows, LeCun-uniform (sqrt(3 / fan_in)) otherwise, zero biases, from a generator seeded with
     * {@code seed}. Only the output width (dim 0) of each weight initializer is read; every other dim follows
     * from the input shape, so a template can be resized by changing its input and dim 0s.
     */
    static ChainNet fresh(ModelProto model, long seed) {
        return parse(model, new SplittableRandom(seed));
    }

    private static ChainNet parse(ModelProto model, SplittableRandom init) {
        GraphProto g = model.getGraph();
        String what = "model '" + g.getName() + "'";
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        List<TensorShapeProto.Dimension> in = g.getInputList().stream().filter(v -> !inits.containsKey(v.getName()))
                .findFirst().map(v -> v.getType().getTensorType().getShape().getDimList()).orElse(List.of());
        if (in.size() != 4 || in.stream().skip(1).anyMatch(d -> !d.hasDimValue() || d.getDimValue() < 1)) {
            throw EdgeperfException.userError(what + ": the trainer needs one image input [N,C,H,W] with fixed C, H, W");
        }
        int[] input = {(int) in.get(1).getDimValue(), (int) in.get(2).getDimValue(), (int) in.get(3).getDimValue()};
        int c = input[0];
        int h = input[1];
        int w = input[2];
        boolean flat = false;
        List<ChainLayer> layers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<long[]> dims = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        String previous = null;
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            String at = what + ": node " + n + " '" + node.getName() + "' (" + node.getOpType() + ")";
            if (previous != null && !node.getInput(0).equals(previous)) {
                throw EdgeperfException.userError(at + " does not take the previous node's output; the trainer needs a chain");
            }
            previous = node.getOutput(0);
            boolean reluNext = n + 1 < g.getNodeCount() && g.getNode(n + 1).getOpType().equals("Relu");
            int size = flat ? c : c * h * w;
            ChainLayer layer;
            switch (node.getOpType()) {
                case "Conv" -> {
                    int k = square(node, at);
                    long[] pads = ints(node, "pads", 0, 0, 0, 0);
                    int group = (int) ints(node, "group", 1)[0];
                    onlyOnes(node, at, "strides", "dilations");
                    TensorProto wt = initializer(inits, node, 1, at);
                    int cout = (int) wt.getDims(0);
                    if (flat || group < 1 || c % group != 0 || cout % group != 0) {
                        throw EdgeperfException.userError(at + ": " + c + " -> " + cout + " channels do not fit group "
                                + group + (flat ? " after Flatten" : ""));
                    }
                    int oh = h + (int) (pads[0] + pads[2]) - k + 1;
                    int ow = w + (int) (pads[1] + pads[3]) - k + 1;
                    int wi = add(names, dims, tensors, inits, wt.getName(), new long[] {cout, c / group, k, k}, init,
                            reluNext, at);
                    int bi = node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                            ? add(names, dims, tensors, inits, initializer(inits, node, 2, at).getName(), new long[] {cout},
                                    init, false, at) : -1;
                    layer = new ChainLayer.Conv(c, h, w, cout, oh, ow, k, (int) pads[0], (int) pads[1], group, wi, bi);
                    c = cout;
                    h = oh;
                    w = ow;
                }
                case "Relu", "Tanh" -> layer = new ChainLayer.Activation(node.getOpType().equals("Tanh"), size);
                case "MaxPool", "AveragePool" -> {
                    int k = square(node, at);
                    long s = ints(node, "strides", k, k)[0];
                    if (flat || Arrays.stream(ints(node, "pads", 0, 0, 0, 0)).anyMatch(p -> p != 0)
                            || ints(node, "ceil_mode", 0)[0] != 0 || ints(node, "strides", s, s)[1] != s) {
                        throw EdgeperfException.userError(at + ": the trainer needs an unpadded image pool with equal"
                                + " strides and ceil_mode 0");
                    }
                    int oh = h < k ? 0 : (h - k) / (int) s + 1;
                    int ow = w < k ? 0 : (w - k) / (int) s + 1;
                    layer = new ChainLayer.Pool(node.getOpType().equals("MaxPool"), c, h, w, k, (int) s, oh, ow);
                    h = oh;
                    w = ow;
                }
                case "Flatten" -> {
                    if (ints(node, "axis", 1)[0] != 1) {
                        throw EdgeperfException.userError(at + ": the trainer needs Flatten axis 1");
                    }
                    c = size;
                    flat = true;
                    continue;
                }
                case "Gemm" -> {
                    if (!flat || ints(node, "transB", 0)[0] != 1 || ints(node, "transA", 0)[0] != 0
                            || node.getInputCount() < 3 || node.getAttributeList().stream().anyMatch(a ->
                            (a.getName().equals("alpha") || a.getName().equals("beta")) && a.getF() != 1f)) {
                        throw EdgeperfException.userError(at + ": the trainer needs y = x W^T + b after Flatten"
                                + " (transB = 1, alpha = beta = 1, with a bias)");
                    }
                    TensorProto wt = initializer(inits, node, 1, at);
                    int out = (int) wt.getDims(0);
                    int wi = add(names, dims, tensors, inits, wt.getName(), new long[] {out, c}, init, reluNext, at);
                    int bi = add(names, dims, tensors, inits, initializer(inits, node, 2, at).getName(), new long[] {out},
                            init, false, at);
                    layer = new ChainLayer.Dense(c, out, wi, bi);
                    c = out;
                }
                case "Softmax" -> {
                    if (n != g.getNodeCount() - 1) {
                        throw EdgeperfException.userError(at + ": Softmax must be the last node");
                    }
                    continue;
                }
                default -> throw EdgeperfException.userError(at + ": op the trainer does not know; it trains chains of"
                        + " Conv, Relu, Tanh, MaxPool, AveragePool, Flatten, Gemm and a final Softmax");
            }
            if (layer.outSize() < 1) {
                throw EdgeperfException.userError(at + ": the input [" + input[0] + "," + input[1] + "," + input[2]
                        + "] is too small, the " + node.getOpType() + " output would be empty");
            }
            layers.add(layer);
        }
        if (layers.isEmpty() || !flat || !(layers.get(layers.size() - 1) instanceof ChainLayer.Dense)) {
            throw EdgeperfException.userError(what + ": the trainer needs a classifier ending in Gemm (then Softmax)");
        }
        return new ChainNet(layers, names.toArray(String[]::new), dims.toArray(long[][]::new),
                tensors.toArray(float[][]::new), input);
    }

    private static int add(List<String> names, List<long[]> dims, List<float[]> tensors, Map<String, TensorProto> inits,
                           String name, long[] shape, SplittableRandom init, boolean reluNext, String at) {
        int size = Math.toIntExact(CnnWeights.size(shape));
        float[] values;
        if (init != null) {
            values = new float[size];
            if (shape.length > 1) {
                double bound = Math.sqrt((reluNext ? 6.0 : 3.0) / (size / shape[0]));
                for (int i = 0; i < size; i++) {
                    values[i] = (float) ((init.nextDouble() * 2 - 1) * bound);
                }
            }
        } else {
            TensorProto t = inits.get(name);
            if (!t.getDimsList().equals(Arrays.stream(shape).boxed().toList())) {
                throw EdgeperfException.userError(at + ": initializer '" + name + "' has dims " + t.getDimsList()
                        + ", expected " + Arrays.toString(shape));
            }
            values = MnistCnnOnnx.floats(t);
        }
        names.add(name);
        dims.add(shape);
        tensors.add(values);
        return names.size() - 1;
    }

    private static TensorProto initializer(Map<String, TensorProto> inits, NodeProto node, int input, String at) {
        TensorProto t = node.getInputCount() > input ? inits.get(node.getInput(input)) : null;
        if (t == null || t.getDimsCount() < 1) {
            throw EdgeperfException.userError(at + ": input " + input + " is not a constant initializer");
        }
        return t;
    }

    private static int square(NodeProto node, String at) {
        long[] k = ints(node, "kernel_shape");
        if (k.length != 2 || k[0] != k[1]) {
            throw EdgeperfException.userError(at + ": the trainer needs a square 2-D kernel, got " + Arrays.toString(k));
        }
        return (int) k[0];
    }

    private static void onlyOnes(NodeProto node, String at, String... attributes) {
        for (String a : attributes) {
            if (Arrays.stream(ints(node, a, 1, 1)).anyMatch(v -> v != 1)) {
                throw EdgeperfException.userError(at + ": the trainer needs " + a + " 1");
            }
        }
        String pad = node.getAttributeList().stream().filter(a -> a.getName().equals("auto_pad"))
                .map(a -> a.getS().toStringUtf8()).findFirst().orElse("NOTSET");
        if (!pad.equals("NOTSET") && !pad.equals("VALID")) {
            throw EdgeperfException.userError(at + ": the trainer needs explicit pads, got auto_pad " + pad);
        }
    }

    private static long[] ints(NodeProto node, String name, long... fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getType() == AttributeProto.AttributeType.INT ? new long[] {a.getI()}
                        : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return fallback;
    }

    /**
     * {@code model} with its parameter initializers replaced by this network's (same names, this network's
     * dims, raw float32); nodes, attributes and other initializers are kept.
     */
    public ModelProto withWeights(ModelProto model) {
        return withTensors(model, names, dims, tensors);
    }

    /** {@code model} with the initializers named {@code names} replaced by raw float32 {@code tensors} of {@code dims}. */
    static ModelProto withTensors(ModelProto model, String[] names, long[][] dims, float[][] tensors) {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        List<String> list = Arrays.asList(names);
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            int t = list.indexOf(graph.getInitializer(i).getName());
            if (t >= 0) {
                graph.setInitializer(i, MnistCnnOnnx.floatTensor(names[t], dims[t], tensors[t]));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    /** Number of parameters. */
    public long parameterCount() {
        return Arrays.stream(tensors).mapToLong(t -> t.length).sum();
    }

    /** Fresh zeroed buffers shaped like the parameter tensors. */
    float[][] newGradients() {
        float[][] grads = new float[tensors.length][];
        for (int t = 0; t < tensors.length; t++) {
            grads[t] = new float[tensors[t].length];
        }
        return grads;
    }

    /** One sample's activations and gradients; one per worker thread. */
    final class Pass {
        private final float[][] acts = new float[layers.size()][];
        private final float[][] deltas = new float[layers.size()][];

        Pass() {
            for (int i = 0; i < acts.length; i++) {
                acts[i] = new float[layers.get(i).outSize()];
                deltas[i] = new float[acts[i].length];
            }
        }

        float[] logits() {
            return acts[acts.length - 1];
        }

        void forward(float[] images, int offset) {
            for (int i = 0; i < acts.length; i++) {
                layers.get(i).forward(i == 0 ? images : acts[i - 1], i == 0 ? offset : 0, acts[i], tensors);
            }
        }

        /**
         * After {@link #forward} of the same image: accumulates scale x the gradient of the cross-entropy (or,
         * with {@code soft}, of the distillation loss against the teacher logits at {@code teacherOff}) and returns
         * the unscaled loss.
         */
        float backward(float[] images, int offset, int label, SoftTargets soft, int teacherOff, float scale,
                       float[][] grads) {
            int last = acts.length - 1;
            float loss = soft == null ? Kernels.softmaxCrossEntropy(acts[last], classes, label, scale, deltas[last])
                    : Kernels.distillationLoss(acts[last], classes, label, soft.logits(), teacherOff, soft.temperature(),
                            soft.alpha(), scale, deltas[last]);
            for (int i = last; i >= 0; i--) {
                layers.get(i).backward(i == 0 ? images : acts[i - 1], i == 0 ? offset : 0, acts[i], deltas[i],
                        i == 0 ? null : deltas[i - 1], tensors, grads);
            }
            return loss;
        }

        int predicted() {
            return Kernels.argmax(logits());
        }
    }
}
