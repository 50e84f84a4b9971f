package dev.edgeperf.core.zoo;

import static dev.edgeperf.core.onnx.ProtoBuilders.batchedFloat;
import static dev.edgeperf.core.onnx.ProtoBuilders.intAttr;
import static dev.edgeperf.core.onnx.ProtoBuilders.ints;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small fluent builder for inference graphs with one float32 input named {@code input} and one
 * float32 output named {@code output}, both with a symbolic batch dimension {@code N}.
 *
 * <p>Every op method takes tensor names and returns the name of the tensor it produced; the builder
 * tracks each tensor's shape without the batch dimension (C, H, W for images, F for vectors) so it
 * can size weights and check that layers fit together. Weights are deterministic (see
 * {@link WeightInit}) and stored as little-endian {@code raw_data}, wrapped without copying.
 */
final class GraphBuilder {
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    static final String INPUT = "input";
    static final String OUTPUT = "output";

    private final String model;
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private long opset = OPSET;
    private String relu6Min;
    private String relu6Max;

    /**
     * @param model      zoo name; part of every weight's seed
     * @param inputShape input shape without the batch dimension
     */
    GraphBuilder(String model, int... inputShape) {
        this.model = model;
        shapes.put(INPUT, inputShape.clone());
    }

    /**
     * Imports another default-domain opset (from 11: ReLU6's Clip takes its bounds as inputs), as
     * exporters of older models write; the ops the builder writes mean the same from 11 to 17.
     */
    GraphBuilder opset(long version) {
        if (version < 11) {
            throw new IllegalArgumentException("opset " + version + " < 11: Clip takes attributes there");
        }
        this.opset = version;
        return this;
    }

    String input() {
        return INPUT;
    }

    /** Shape of a tensor without the batch dimension (a copy). */
    int[] shape(String tensor) {
        int[] shape = shapes.get(tensor);
        if (shape == null) {
            throw new IllegalArgumentException("unknown tensor '" + tensor + "' in model " + model);
        }
        return shape.clone();
    }

    int channels(String tensor) {
        return shape(tensor)[0];
    }

    /** Conv with the same padding on all four sides. */
    String conv(String x, String name, int outChannels, int kernel, int stride, int pad, int group, boolean bias) {
        return conv(x, name, outChannels, kernel, stride, new int[] {pad, pad, pad, pad}, group, bias);
    }

    /**
     * 2-D convolution, weights [outChannels, inChannels / group, kernel, kernel] He-initialized.
     *
     * @param pads ONNX order: top, left, bottom, right
     */
    String conv(String x, String name, int outChannels, int kernel, int stride, int[] pads, int group, boolean bias) {
        int[] in = image(x);
        if (in[0] % group != 0 || outChannels % group != 0) {
            throw new IllegalArgumentException(name + ": channels " + in[0] + " -> " + outChannels
                    + " not divisible by group " + group);
        }
        int inPerGroup = in[0] / group;
        long fanIn = (long) inPerGroup * kernel * kernel;
        String weight = name + ".weight";
        addInitializer(weight, new long[] {outChannels, inPerGroup, kernel, kernel}, 0.0, WeightInit.heHalfWidth(fanIn));
        List<String> inputs = new ArrayList<>(List.of(x, weight));
        if (bias) {
            String b = name + ".bias";
            addInitializer(b, new long[] {outChannels}, 0.0, WeightInit.biasHalfWidth(fanIn));
            inputs.add(b);
        }
        int outH = outSize(in[1], kernel, stride, pads[0], pads[2], false);
        int outW = outSize(in[2], kernel, stride, pads[1], pads[3], false);
        NodeProto.Builder node = node("Conv", name, inputs, new int[] {outChannels, outH, outW});
        node.addAttribute(ints("kernel_shape", kernel, kernel));
        node.addAttribute(ints("strides", stride, stride));
        node.addAttribute(ints("pads", pads));
        node.addAttribute(ints("dilations", 1, 1));
        node.addAttribute(intAttr("group", group));
        return node.getOutput(0);
    }

    /**
     * Inference-mode BatchNormalization kept as its own node (not folded) so that it carries the
     * scale, B, mean and var initializers that published parameter counts include.
     *
     * @param gammaCenter centre of the scale values; below 1 on the last BN of a residual branch
     *                    keeps the residual sum from doubling its variance at every block
     */
    String batchNorm(String x, String name, double epsilon, double gammaCenter) {
        int[] shape = image(x);
        long[] dims = {shape[0]};
        addInitializer(name + ".weight", dims, gammaCenter, 0.1 * gammaCenter);
        addInitializer(name + ".bias", dims, 0.0, 0.05);
        addInitializer(name + ".running_mean", dims, 0.0, 0.05);
        addInitializer(name + ".running_var", dims, 1.0, 0.1);
        NodeProto.Builder node = node("BatchNormalization", name, List.of(x, name + ".weight", name + ".bias",
                name + ".running_mean", name + ".running_var"), shape);
        node.addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) epsilon));
        return node.getOutput(0);
    }

    String relu(String x) {
        return unary("Relu", x);
    }

    String tanh(String x) {
        return unary("Tanh", x);
    }

    /** Softmax over the last axis (the class axis of a [N, classes] tensor). */
    String softmax(String x) {
        NodeProto.Builder node = node("Softmax", null, List.of(x), shape(x));
        node.addAttribute(intAttr("axis", -1));
        return node.getOutput(0);
    }

    /** ReLU6 as Clip(x, 0, 6); the bounds are Constant nodes, not initializers, so they are not parameters. */
    String relu6(String x) {
        if (relu6Min == null) {
            relu6Min = constantScalar("relu6_min", 0.0f);
            relu6Max = constantScalar("relu6_max", 6.0f);
        }
        return node("Clip", null, List.of(x, relu6Min, relu6Max), shape(x)).getOutput(0);
    }

    String maxPool(String x, int kernel, int stride, int pad, boolean ceilMode) {
        return pool("MaxPool", x, kernel, stride, pad, ceilMode);
    }

    String averagePool(String x, int kernel, int stride, int pad) {
        return pool("AveragePool", x, kernel, stride, pad, false);
    }

    String globalAveragePool(String x) {
        int[] in = image(x);
        return node("GlobalAveragePool", null, List.of(x), new int[] {in[0], 1, 1}).getOutput(0);
    }

    /** Flatten to [N, C*H*W] (axis 1). */
    String flatten(String x) {
        int features = Arrays.stream(shape(x)).reduce(1, Math::multiplyExact);
        NodeProto.Builder node = node("Flatten", null, List.of(x), new int[] {features});
        node.addAttribute(intAttr("axis", 1));
        return node.getOutput(0);
    }

    /** Fully connected layer y = x W^T + b with W stored [out, in] as in PyTorch (transB = 1). */
    String gemm(String x, String name, int outFeatures) {
        int[] in = shape(x);
        if (in.length != 1) {
            throw new IllegalArgumentException(name + ": Gemm needs a [N, F] input, got rank " + (in.length + 1));
        }
        addInitializer(name + ".weight", new long[] {outFeatures, in[0]}, 0.0, WeightInit.heHalfWidth(in[0]));
        addInitializer(name + ".bias", new long[] {outFeatures}, 0.0, WeightInit.biasHalfWidth(in[0]));
        NodeProto.Builder node = node("Gemm", name, List.of(x, name + ".weight", name + ".bias"), new int[] {outFeatures});
        node.addAttribute(intAttr("transB", 1));
        return node.getOutput(0);
    }

    String add(String a, String b) {
        if (!Arrays.equals(shape(a), shape(b))) {
            throw new IllegalArgumentException("Add of " + a + Arrays.toString(shape(a)) + " and " + b
                    + Arrays.toString(shape(b)));
        }
        return node("Add", null, List.of(a, b), shape(a)).getOutput(0);
    }

    /** Concatenation along the channel axis. */
    String concat(String... xs) {
        int[] out = image(xs[0]);
        out[0] = 0;
        for (String x : xs) {
            out[0] += image(x)[0];
        }
        NodeProto.Builder node = node("Concat", null, List.of(xs), out);
        node.addAttribute(intAttr("axis", 1));
        return node.getOutput(0);
    }

    /**
     * Finishes the graph: the producer of {@code last} is renamed to write {@code output}.
     *
     * @return the model; its graph name is the zoo name and its doc string the description
     */
    ModelProto build(String last, String description) {
        Integer index = producer.get(last);
        if (index == null) {
            throw new IllegalArgumentException("output tensor '" + last + "' is not produced by any node");
        }
        nodes.get(index).setOutput(0, OUTPUT);
        GraphProto.Builder graph = GraphProto.newBuilder().setName(model).setDocString(description);
        nodes.forEach(n -> graph.addNode(n.build()));
        graph.addAllInitializer(initializers);
        graph.addInput(batchedFloat(INPUT, shape(INPUT)));
        graph.addOutput(batchedFloat(OUTPUT, shape(last)));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("edgeperf-zoo")
                .setProducerVersion("1")
                .setModelVersion(1)
                .setDocString(description)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    private String pool(String op, String x, int kernel, int stride, int pad, boolean ceilMode) {
        int[] in = image(x);
        int[] out = {in[0], outSize(in[1], kernel, stride, pad, pad, ceilMode), outSize(in[2], kernel, stride, pad, pad, ceilMode)};
        NodeProto.Builder node = node(op, null, List.of(x), out);
        node.addAttribute(ints("kernel_shape", kernel, kernel));
        node.addAttribute(ints("strides", stride, stride));
        node.addAttribute(ints("pads", pad, pad, pad, pad));
        if (ceilMode) {
            node.addAttribute(intAttr("ceil_mode", 1));
        }
        return node.getOutput(0);
    }

    private String unary(String op, String x) {
        return node(op, null, List.of(x), shape(x)).getOutput(0);
    }

    /** Output length of a window op; ceil mode follows ONNX (a window may not start inside the end padding). */
    private static int outSize(int in, int kernel, int stride, int padBegin, int padEnd, boolean ceil) {
        int span = in + padBegin + padEnd - kernel;
        if (span < 0) {
            throw new IllegalArgumentException("kernel " + kernel + " larger than padded input " + (in + padBegin + padEnd));
        }
        int out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    private int[] image(String x) {
        int[] shape = shape(x);
        if (shape.length != 3) {
            throw new IllegalArgumentException("tensor '" + x + "' must be [N, C, H, W], got rank " + (shape.length + 1));
        }
        return shape;
    }

    private NodeProto.Builder node(String op, String name, List<String> inputs, int[] outShape) {
        String nodeName = name != null ? name : op.toLowerCase() + "_" + counters.merge(op, 1, Integer::sum);
        String out = nodeName + "_out";
        if (shapes.containsKey(out)) {
            throw new IllegalArgumentException("duplicate node name " + nodeName);
        }
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(nodeName).addAllInput(inputs).addOutput(out);
        shapes.put(out, outShape);
        producer.put(out, nodes.size());
        nodes.add(node);
        return node;
    }

    private String constantScalar(String name, float value) {
        TensorProto tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value).array()))
                .build();
        NodeProto.Builder node = node("Constant", name, List.of(), new int[0]);
        node.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(tensor));
        return node.getOutput(0);
    }

    private void addInitializer(String name, long[] dims, double center, double halfWidth) {
        int count = Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact));
        ByteBuffer data = WeightInit.uniform(WeightInit.seed(model, name), count, center, halfWidth);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(data.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        initializers.add(tensor.build());
    }
}
