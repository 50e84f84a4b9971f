package dev.edgeperf.core.train;

import static dev.edgeperf.core.onnx.ProtoBuilders.batchedFloat;
import static dev.edgeperf.core.onnx.ProtoBuilders.intAttr;
import static dev.edgeperf.core.onnx.ProtoBuilders.ints;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgeperf.core.EdgeperfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts {@link CnnWeights} to and from ONNX models with exactly the graph of the zoo's
 * {@code mnist-cnn} (IR 8, opset 17; input {@code input} [N,1,H,W] float, output {@code output}
 * [N,classes]; nodes conv1, relu_1, conv2, relu_2, flatten_1, fc1, relu_3, fc2, softmax_1 with the
 * zoo's attributes, tensor names and initializer order), so a trained model is a drop-in
 * replacement for the zoo's and every variant recipe applies to it unchanged.
 */
public final class MnistCnnOnnx {
    /** Op types of the nodes, in graph order; {@link #weightsOf} accepts only models with this sequence. */
    public static final List<String> OP_TYPES = List.of("Conv", "Relu", "Conv", "Relu", "Flatten", "Gemm", "Relu",
            "Gemm", "Softmax");
    private static final List<String> NODE_NAMES = List.of("conv1", "relu_1", "conv2", "relu_2", "flatten_1", "fc1",
            "relu_3", "fc2", "softmax_1");
    private static final long IR_VERSION = 8;
    private static final long OPSET = 17;

    private MnistCnnOnnx() {
    }

    /**
     * The zoo's mnist-cnn graph carrying {@code weights} (raw little-endian float32 initializers).
     *
     * @param description doc string of the model and graph (e.g. where the weights came from)
     */
    public static ModelProto export(CnnWeights weights, String description) {
        CnnShape s = weights.shape();
        GraphProto.Builder g = GraphProto.newBuilder().setName("mnist-cnn").setDocString(description);
        g.addNode(conv("conv1", "input", "conv1"));
        g.addNode(node("Relu", "relu_1", List.of("conv1_out")));
        g.addNode(conv("conv2", "relu_1_out", "conv2"));
        g.addNode(node("Relu", "relu_2", List.of("conv2_out")));
        g.addNode(node("Flatten", "flatten_1", List.of("relu_2_out")).addAttribute(intAttr("axis", 1)));
        g.addNode(node("Gemm", "fc1", List.of("flatten_1_out", "fc1.weight", "fc1.bias")).addAttribute(intAttr("transB", 1)));
        g.addNode(node("Relu", "relu_3", List.of("fc1_out")));
        g.addNode(node("Gemm", "fc2", List.of("relu_3_out", "fc2.weight", "fc2.bias")).addAttribute(intAttr("transB", 1)));
        g.addNode(node("Softmax", "softmax_1", List.of("fc2_out")).addAttribute(intAttr("axis", -1)).setOutput(0, "output"));
        long[][] dims = s.tensorDims();
        for (int t = 0; t < dims.length; t++) {
            g.addInitializer(floatTensor(CnnWeights.NAMES.get(t), dims[t], weights.tensor(t)));
        }
        g.addInput(batchedFloat("input", 1, s.height(), s.width()));
        g.addOutput(batchedFloat("output", s.classes()));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("edgeperf-train")
                .setProducerVersion("1")
                .setModelVersion(1)
                .setDocString(description)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
    }

    /**
     * As {@link #export(CnnWeights, String)} with the graph input and output named {@code inputName} and
     * {@code outputName} (e.g. a teacher's, so a distilled student feeds the same way).
     */
    public static ModelProto export(CnnWeights weights, String description, String inputName, String outputName) {
        ModelProto model = export(weights, description);
        GraphProto.Builder g = model.getGraph().toBuilder();
        g.setNode(0, g.getNode(0).toBuilder().setInput(0, inputName));
        int last = g.getNodeCount() - 1;
        g.setNode(last, g.getNode(last).toBuilder().setOutput(0, outputName));
        g.setInput(0, g.getInput(0).toBuilder().setName(inputName));
        g.setOutput(0, g.getOutput(0).toBuilder().setName(outputName));
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Reads the eight parameter tensors of an mnist-cnn-shaped model (the zoo's, a trained one, or
     * a pruned variant with fewer channels or zeroed weights) by their initializer names.
     *
     * @throws EdgeperfException USER_ERROR if the graph does not have the mnist-cnn op sequence, a
     *                           tensor is missing or not float32, or the sizes do not fit together
     */
    public static CnnWeights weightsOf(ModelProto model) {
        GraphProto graph = model.getGraph();
        List<String> ops = graph.getNodeList().stream().map(NodeProto::getOpType).toList();
        if (!ops.equals(OP_TYPES)) {
            throw EdgeperfException.userError("model '" + graph.getName() + "' is not mnist-cnn shaped: ops " + ops
                    + ", expected " + OP_TYPES);
        }
        Map<String, TensorProto> byName = new HashMap<>();
        graph.getInitializerList().forEach(t -> byName.put(t.getName(), t));
        float[][] tensors = new float[CnnWeights.NAMES.size()][];
        for (int t = 0; t < tensors.length; t++) {
            String name = CnnWeights.NAMES.get(t);
            TensorProto tensor = byName.get(name);
            if (tensor == null) {
                throw EdgeperfException.userError("model '" + graph.getName() + "' has no initializer '" + name
                        + "' (expected the zoo's mnist-cnn tensor names " + CnnWeights.NAMES + ")");
            }
            tensors[t] = floats(tensor);
        }
        try {
            CnnWeights weights = CnnWeights.of(tensors);
            long[][] expected = weights.shape().tensorDims();
            for (int t = 0; t < expected.length; t++) {
                List<Long> dims = byName.get(CnnWeights.NAMES.get(t)).getDimsList();
                if (!dims.equals(java.util.Arrays.stream(expected[t]).boxed().toList())) {
                    throw EdgeperfException.userError("initializer '" + CnnWeights.NAMES.get(t) + "' has dims " + dims
                            + ", expected " + java.util.Arrays.toString(expected[t]));
                }
            }
            return weights;
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("model '" + graph.getName() + "' tensor sizes do not fit an mnist-cnn: "
                    + e.getMessage());
        }
    }

    /** As {@link #weightsOf(ModelProto)} for serialized bytes. */
    public static CnnWeights weightsOf(byte[] model) {
        return weightsOf(parse(model));
    }

    /**
     * Returns {@code model} with its eight parameter initializers replaced by {@code weights}
     * (same names and dims, raw float32); every node, attribute and other initializer is kept.
     *
     * @throws EdgeperfException USER_ERROR if the model is not mnist-cnn shaped or the shapes differ
     */
    public static ModelProto withWeights(ModelProto model, CnnWeights weights) {
        CnnShape current = weightsOf(model).shape();
        if (!current.equals(weights.shape())) {
            throw EdgeperfException.userError("weights of shape " + weights.shape() + " do not fit model of shape " + current);
        }
        GraphProto.Builder graph = model.getGraph().toBuilder();
        long[][] dims = current.tensorDims();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            int t = CnnWeights.NAMES.indexOf(graph.getInitializer(i).getName());
            if (t >= 0) {
                graph.setInitializer(i, floatTensor(CnnWeights.NAMES.get(t), dims[t], weights.tensor(t)));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw EdgeperfException.userError("not a valid ONNX model (" + model.length + " bytes): " + e.getMessage());
        }
    }

    static float[] floats(TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw EdgeperfException.userError("initializer '" + tensor.getName() + "' has data type " + tensor.getDataType()
                    + ", expected FLOAT (1); quantized variants cannot be fine-tuned");
        }
        if (!tensor.getRawData().isEmpty()) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[raw.remaining() / Float.BYTES];
            raw.asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getFloatData(i);
        }
        return values;
    }

    static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(UnsafeByteOperations.unsafeWrap(raw.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static NodeProto.Builder conv(String name, String input, String prefix) {
        return node("Conv", name, List.of(input, prefix + ".weight", prefix + ".bias"))
                .addAttribute(ints("kernel_shape", 3, 3))
                .addAttribute(ints("strides", 1, 1))
                .addAttribute(ints("pads", 0, 0, 0, 0))
                .addAttribute(ints("dilations", 1, 1))
                .addAttribute(intAttr("group", 1));
    }

    private static NodeProto.Builder node(String op, String name, List<String> inputs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(name + "_out");
    }
}
