package dev.edgeperf.core.predict.kernel;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ShapeInference;
import dev.edgeperf.core.onnx.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The kernels ONNX Runtime runs for a model: the model is optimized by ONNX Runtime at the
 * {@code EXTENDED} level and the graph it writes ({@code SessionOptions.setOptimizedModelFilePath})
 * is read back; each node is one kernel (Conv + BatchNormalization + activation already appear as
 * one {@code FusedConv}, MatMul + Add as {@code Gemm}, decomposed layer-norm as
 * {@code LayerNormalization}). {@code EXTENDED} rather than {@code ALL}: the {@code ALL} level adds
 * the x86 NCHWc layout, whose graph ONNX Runtime itself calls non-portable and whose tensors lose the
 * original names. The one fusion of the {@code ALL} level that changes the kernel count is applied
 * here: a Conv whose only consumer is the residual Add (then optionally a Relu) is one
 * {@link KernelType#CONV_ADD} kernel, as the NCHWc transformer runs it. The layout nodes the
 * {@code ALL} level adds (NCHWc reorders, NHWC Transposes) are read from a second, {@code ALL}-level
 * graph ({@link LayoutKernels}); that graph is the coordinator's machine's, so for a device of another
 * instruction set (an ARM board has no NCHWc) they are an estimate. Shapes come from the core
 * shape inference of the original model (ONNX Runtime keeps tensor names) and from the optimized
 * graph's own initializers (folded weights).
 *
 * <p>Features and FLOPs per type (N batch, C channels, H x W spatial, k kernel, s stride, g groups):
 * convolutions {@code n cin h w cout hout wout kh kw stride groups}, FLOPs 2 N Cout Hout Wout (Cin/g)
 * kh kw (+ N Cout Hout Wout for the residual Add); gemm {@code m k n} (m includes every leading batch
 * dim), FLOPs 2 m k n; pooling {@code n c h w hout wout kh kw stride}, FLOPs = outputs x kh kw (a
 * global pool: its inputs); elementwise, softmax, layer-norm and concat {@code elements inputs}, FLOPs
 * = output elements (0 for concat); quantize and dequantize {@code elements}, FLOPs = elements, bytes =
 * 5 x elements (fp32 on one side, 8-bit on the other: ONNX Runtime often renames the 8-bit side, whose
 * shape is then unknown here; dynamic quantize likewise, its min/max pass not counted). Int8 kernels have the
 * features of their fp32 kind (QLinearConv's weights are its fourth input, its scales and zero points
 * count in its bytes). Bytes = every input (weights included) + every output, at their element types.
 */
public final class KernelDetector {
    private static final Set<String> CONV = Set.of("Conv", "FusedConv");
    /** Convs of any element type; QLinearConv's weights are its fourth input. */
    private static final Set<String> ANY_CONV = Set.of("Conv", "FusedConv", "QLinearConv", "ConvInteger");
    /**
     * MatMulInteger (the QOperator form's, or one ONNX Runtime did not fuse) and MatMulIntegerToFloat
     * (MatMulInteger + Cast + Mul fused; the dynamic form's when several share one DynamicQuantizeLinear)
     * read a uint8 tensor quantized elsewhere: the u8s8 gemm of QGemm, "gemm/uint8".
     */
    private static final Set<String> GEMM = Set.of("Gemm", "MatMul", "FusedMatMul", "FusedGemm", "QGemm",
            "QLinearMatMul", "MatMulInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul");
    /**
     * Kernels of dynamic int8 quantization, {@link Kernel#DYNAMIC_INT8}: ConvInteger (im2col + u8s8 gemm
     * to int32, no NCHWc kernel) and DynamicQuantizeMatMul (quantizes its fp32 input itself).
     */
    private static final Set<String> DYNAMIC_INT8 = Set.of("ConvInteger", "DynamicQuantizeMatMul");
    private static final Set<String> POOL = Set.of("MaxPool", "AveragePool", "QLinearAveragePool");
    private static final Set<String> GLOBAL_POOL = Set.of("GlobalAveragePool", "GlobalMaxPool",
            "QLinearGlobalAveragePool");
    /** Elementwise int8 kernels (com.microsoft domain) that requantize their output. */
    private static final Set<String> QLINEAR_ELEMENTWISE = Set.of("QLinearAdd", "QLinearMul", "QLinearSigmoid",
            "QLinearLeakyRelu");
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Clip",
            "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Erf", "Exp", "Log", "Sqrt", "Pow", "Neg", "Abs", "Max",
            "Min", "BatchNormalization", "Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Softplus", "PRelu", "Elu",
            "Selu", "Cast", "Reciprocal", "Floor", "Ceil", "Where", "Equal", "Greater", "Less", "Not");
    private static final Set<String> SOFTMAX = Set.of("Softmax", "LogSoftmax");
    private static final Set<String> LAYERNORM = Set.of("LayerNormalization", "SimplifiedLayerNormalization");
    private static final Set<String> VIEW = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity",
            "Dropout");

    private KernelDetector() {
    }

    /**
     * The kernels of a model at one set of input shapes: those of its {@code EXTENDED} graph, then the
     * {@link LayoutKernels layout nodes} its {@code ALL} graph adds.
     *
     * @param file        the ONNX file (external data beside it is found by ONNX Runtime)
     * @param batch       value of an open leading input dim
     * @param inputShapes full shapes per input name
     * @param dims        values of named symbolic dims
     * @throws EdgeperfException USER_ERROR for shapes that do not fit the model, EXTERNAL when ONNX
     *                           Runtime cannot optimize it
     */
    public static List<Kernel> detect(Path file, long batch, Map<String, long[]> inputShapes, Map<String, Long> dims) {
        ModelProto original = OnnxModels.read(file);
        InferredShapes shapes = ShapeInference.infer(OnnxGraph.of(original, file.getFileName().toString()), batch,
                inputShapes, dims, true);
        String source = file.getFileName().toString();
        ModelProto extended = optimize(file.toString(), null, source, OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        ModelProto all = optimize(file.toString(), null, source, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return withLayout(extended, all, shapes);
    }

    /** As {@link #detect(Path, long, Map, Map)} for a model held in memory (a zoo model). */
    public static List<Kernel> detect(ModelProto model, String source, long batch, Map<String, long[]> inputShapes,
                                      Map<String, Long> dims) {
        InferredShapes shapes = ShapeInference.infer(OnnxGraph.of(model, source), batch, inputShapes, dims, true);
        byte[] bytes = model.toByteArray();
        ModelProto extended = optimize(null, bytes, source, OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        ModelProto all = optimize(null, bytes, source, OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return withLayout(extended, all, shapes);
    }

    /**
     * The kernels of the {@code EXTENDED} graph alone, without layout nodes: calibration's view of a
     * generated single-kernel model, whose layout nodes it measures itself (a lone kernel has them on
     * both sides, a network only at the edges of a layout region).
     */
    public static List<Kernel> detectFused(ModelProto model, String source, long batch,
                                           Map<String, long[]> inputShapes, Map<String, Long> dims) {
        InferredShapes shapes = ShapeInference.infer(OnnxGraph.of(model, source), batch, inputShapes, dims, true);
        return kernels(optimize(model.toByteArray(), source), shapes);
    }

    /** The graph ONNX Runtime writes after {@code EXTENDED} optimization of the file. */
    public static ModelProto optimize(Path file) {
        return optimize(file.toString(), null, file.getFileName().toString(),
                OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
    }

    /** The graph ONNX Runtime writes after {@code EXTENDED} optimization of the model bytes. */
    public static ModelProto optimize(byte[] model, String source) {
        return optimize(null, model, source, OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
    }

    private static List<Kernel> withLayout(ModelProto extended, ModelProto all, InferredShapes shapes) {
        List<Kernel> kernels = new ArrayList<>(kernels(extended, shapes));
        kernels.addAll(LayoutKernels.of(all, extended, shapes(folded(extended), shapes)));
        return kernels;
    }

    private static ModelProto optimize(String path, byte[] bytes, String source,
                                       OrtSession.SessionOptions.OptLevel level) {
        Path out = null;
        try {
            out = Files.createTempFile("edgeperf-optimized-", ".onnx");
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(level);
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
                options.setIntraOpNumThreads(1);
                options.setOptimizedModelFilePath(out.toString());
                try (OrtSession session = path != null ? env.createSession(path, options)
                        : env.createSession(bytes, options)) {
                    // the optimized graph is written while the session is created
                }
            }
            return OnnxModels.read(out);
        } catch (OrtException e) {
            throw EdgeperfException.external("ONNX Runtime cannot optimize model " + source + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("no message"), e);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write the optimized graph of " + source + ": " + e.getMessage(),
                    e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind changes no result
                }
            }
        }
    }

    /**
     * The kernels of an optimized graph.
     *
     * @param optimized the graph {@link #optimize} returned
     * @param shapes    shapes of the original model (its tensor names survive optimization)
     */
    public static List<Kernel> kernels(ModelProto optimized, InferredShapes shapes) {
        Map<String, TensorInfo> folded = folded(optimized);
        Shapes s = shapes(folded, shapes);
        List<NodeProto> nodes = optimized.getGraph().getNodeList();
        Map<String, List<Integer>> consumers = new HashMap<>();
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                producers.put(out, i);
            }
            for (String in : nodes.get(i).getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        optimized.getGraph().getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        Set<Integer> absorbed = new HashSet<>();
        List<Kernel> kernels = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (absorbed.contains(i)) {
                continue;
            }
            NodeProto node = nodes.get(i);
            String label = OnnxGraph.nodeLabel(node, i);
            if (CONV.contains(node.getOpType()) && !hasActivation(node)) {
                int add = soleConsumer(node.getOutput(0), "Add", nodes, consumers, graphOutputs);
                if (add >= 0 && isResidual(nodes.get(add), node.getOutput(0), folded, shapes, s)
                        && !laterConvTakes(i, nodes.get(add), node.getOutput(0), nodes, producers, consumers,
                        graphOutputs)) {
                    absorbed.add(add);
                    NodeProto addNode = nodes.get(add);
                    int relu = soleConsumer(addNode.getOutput(0), "Relu", nodes, consumers, graphOutputs);
                    if (relu >= 0) {
                        absorbed.add(relu);
                    }
                    String residual = addNode.getInput(addNode.getInput(0).equals(node.getOutput(0)) ? 1 : 0);
                    kernels.add(KernelFeatures.convAdd(label, node, residual, relu >= 0, s));
                    continue;
                }
            }
            kernels.add(kernel(label, node, s));
        }
        return kernels;
    }

    /** The optimized graph's own initializers (folded weights) by name. */
    private static Map<String, TensorInfo> folded(ModelProto optimized) {
        Map<String, TensorInfo> folded = new HashMap<>();
        for (TensorProto t : optimized.getGraph().getInitializerList()) {
            folded.put(t.getName(), TensorInfo.of(t.getDimsList().stream().mapToLong(Long::longValue).toArray(),
                    t.getDataType()));
        }
        return folded;
    }

    /**
     * Shapes by tensor name: the original model's, else the optimized graph's initializers', else, for a
     * tensor ONNX Runtime's QDQ propagation made ({@link #PROPAGATED}), the original tensor's shape on uint8.
     */
    private static Shapes shapes(Map<String, TensorInfo> folded, InferredShapes shapes) {
        return name -> {
            TensorInfo known = shapes.get(name);
            if (known.known()) {
                return known;
            }
            if (folded.containsKey(name)) {
                return folded.get(name);
            }
            java.util.regex.Matcher m = PROPAGATED.matcher(name);
            if (m.matches() && shapes.get(m.group(1)).known()) {
                return TensorInfo.of(shapes.get(m.group(1)).shape(), TensorProto.DataType.UINT8_VALUE);
            }
            return known;
        };
    }

    /**
     * The name ONNX Runtime gives a quantized tensor it carries past a pass-through op that the quantizer
     * left in fp32 (a MaxPool, Reshape or Transpose between a QuantizeLinear and a DequantizeLinear it
     * inserts): the fp32 tensor's name plus {@code _q_to_dq}, made unique with {@code _token_N}. Its shape
     * is the fp32 tensor's: squeezenet's int8 MaxPools write such tensors.
     */
    private static final java.util.regex.Pattern PROPAGATED = java.util.regex.Pattern.compile(
            "(.+)_q_to_dq(?:_token_\\d+)?");

    static Kernel kernel(String label, NodeProto node, Shapes s) {
        Kernel k = byOpType(label, node, s);
        return DYNAMIC_INT8.contains(node.getOpType()) && k.type().isPresent()
                ? new Kernel(k.node(), k.opType(), k.type(), Kernel.DYNAMIC_INT8, k.features(), k.flops(), k.bytes())
                : k;
    }

    private static Kernel byOpType(String label, NodeProto node, Shapes s) {
        String op = node.getOpType();
        if (ANY_CONV.contains(op)) {
            return KernelFeatures.conv(label, node, s);
        }
        if (GEMM.contains(op)) {
            return KernelFeatures.gemm(label, node, s);
        }
        if (POOL.contains(op)) {
            return KernelFeatures.pool(label, node, s, KernelType.POOL);
        }
        if (GLOBAL_POOL.contains(op)) {
            return KernelFeatures.pool(label, node, s, KernelType.GLOBAL_POOL);
        }
        if (ELEMENTWISE.contains(op) || QLINEAR_ELEMENTWISE.contains(op)) {
            return KernelFeatures.elementwise(label, node, s, KernelType.ELEMENTWISE);
        }
        if (op.equals("QuantizeLinear")) {
            return KernelFeatures.quantize(label, node, s, KernelType.QUANTIZE);
        }
        if (op.equals("DequantizeLinear")) {
            return KernelFeatures.quantize(label, node, s, KernelType.DEQUANTIZE);
        }
        if (op.equals("DynamicQuantizeLinear")) {
            return KernelFeatures.quantize(label, node, s, KernelType.DYNAMIC_QUANTIZE);
        }
        if (SOFTMAX.contains(op)) {
            return KernelFeatures.elementwise(label, node, s, KernelType.SOFTMAX);
        }
        if (LAYERNORM.contains(op)) {
            return KernelFeatures.elementwise(label, node, s, KernelType.LAYERNORM);
        }
        if (op.equals("Concat")) {
            return KernelFeatures.elementwise(label, node, s, KernelType.CONCAT);
        }
        if (op.equals("QLinearConcat")) {
            return KernelFeatures.qlinearConcat(label, node, s);
        }
        if (VIEW.contains(op)) {
            return KernelFeatures.view(label, node, s);
        }
        return KernelFeatures.uncovered(label, node, s);
    }

    /**
     * When both inputs of the Add are convs that could absorb it, the one that runs later does (its
     * kernel reads the other's finished output), as ONNX Runtime's NCHWc transformer chooses.
     */
    private static boolean laterConvTakes(int conv, NodeProto add, String convOut, List<NodeProto> nodes,
                                          Map<String, Integer> producers, Map<String, List<Integer>> consumers,
                                          Set<String> graphOutputs) {
        String other = add.getInput(add.getInput(0).equals(convOut) ? 1 : 0);
        Integer j = producers.get(other);
        return j != null && j > conv && CONV.contains(nodes.get(j).getOpType()) && !hasActivation(nodes.get(j))
                && soleConsumer(other, "Add", nodes, consumers, graphOutputs) >= 0;
    }

    private static boolean hasActivation(NodeProto node) {
        return node.getAttributeList().stream().anyMatch(a -> a.getName().equals("activation"));
    }

    /** Index of the one node reading {@code tensor} if it has op type {@code opType}; -1 otherwise. */
    private static int soleConsumer(String tensor, String opType, List<NodeProto> nodes,
                                    Map<String, List<Integer>> consumers, Set<String> graphOutputs) {
        List<Integer> readers = consumers.getOrDefault(tensor, List.of());
        if (readers.size() != 1 || graphOutputs.contains(tensor)) {
            return -1;
        }
        int j = readers.get(0);
        return nodes.get(j).getOpType().equals(opType) && nodes.get(j).getDomain().isEmpty() ? j : -1;
    }

    /** An Add of the conv output and another computed tensor of the same shape (not a bias constant). */
    private static boolean isResidual(NodeProto add, String convOut, Map<String, TensorInfo> folded,
                                      InferredShapes shapes, Shapes s) {
        if (add.getInputCount() != 2) {
            return false;
        }
        String other = add.getInput(add.getInput(0).equals(convOut) ? 1 : 0);
        if (folded.containsKey(other) || shapes.graph().isInitializer(other)) {
            return false;
        }
        TensorInfo a = s.info(convOut);
        TensorInfo b = s.info(other);
        return a.known() && b.known() && java.util.Arrays.equals(a.shape(), b.shape());
    }

    /** Shape lookup by tensor name. */
    @FunctionalInterface
    interface Shapes {
        TensorInfo info(String name);

        default String dtype(String name) {
            int t = info(name).elemType();
            if (t == 0) {
                return "?";
            }
            TensorProto.DataType type = TensorProto.DataType.forNumber(t);
            return type == null ? "?" : type.name().toLowerCase(Locale.ROOT);
        }
    }
}
