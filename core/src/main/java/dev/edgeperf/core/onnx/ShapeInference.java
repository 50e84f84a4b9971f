package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Static shape inference over a graph in topological order.
 *
 * <p>Input dims that the model leaves open ({@code dim_param}, 0, -1 or missing) are resolved
 * first by {@link InputDims}: a full shape given for the input wins; a named symbol set by a given
 * shape or by name (e.g. {@code sequence} from {@code input_ids=1x128}) takes that value in every
 * input; {@code ?} and empty dims are each their own unknown; otherwise the leading dim takes
 * {@code batch} and any other open dim is a user error. Then every node's outputs are computed by the rules in
 * {@link ComputeShapes} and {@link DataShapes}, carrying small integer constants along so shape
 * subgraphs resolve. Values that stay unknown (unsupported or data-dependent ops) are measured
 * once with ONNX Runtime ({@link RuntimeShapeProbe}) when {@code runtimeFallback} is set and no
 * static rule rejected a node as malformed (ONNX Runtime can abort the process on such nodes);
 * attributes no valid model has (zero strides, negative pads …) are user errors up front
 * ({@link AttributeChecks}).
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    /**
     * Infers the shape of every value of the model's main graph.
     *
     * @param batch           value for an open leading dim of each input, >= 1
     * @param inputShapes     full shapes per input name (override {@code batch} for that input)
     * @param runtimeFallback whether to ask ONNX Runtime for shapes static rules cannot find
     * @throws EdgeperfException USER_ERROR for an unknown input name, a shape that contradicts
     *         the model, or an open non-batch dim with no shape given
     */
    public static InferredShapes infer(OnnxGraph graph, long batch, Map<String, long[]> inputShapes,
                                       boolean runtimeFallback) {
        return infer(graph, batch, inputShapes, Map.of(), runtimeFallback);
    }

    /**
     * Infers the shape of every value of the model's main graph, input dims resolved by
     * {@link InputDims#resolve}.
     *
     * @param dims values of named symbolic dims ({@code --dim sequence=128})
     * @throws EdgeperfException USER_ERROR as {@link InputDims#resolve} and for malformed attributes
     */
    public static InferredShapes infer(OnnxGraph graph, long batch, Map<String, long[]> inputShapes,
                                       Map<String, Long> dims, boolean runtimeFallback) {
        return infer(graph, batch, inputShapes, dims, Map.of(), runtimeFallback);
    }

    /**
     * As {@link #infer(OnnxGraph, long, Map, Map, boolean)}, with the values of some integer inputs
     * known (e.g. a sample-rate scalar), so that what depends on them folds to constants, such as
     * the condition of an {@code If} node.
     *
     * @param inputValues input name -> its values in row-major order; a value whose element count
     *                    does not match the input's resolved shape is a USER_ERROR
     */
    public static InferredShapes infer(OnnxGraph graph, long batch, Map<String, long[]> inputShapes,
                                       Map<String, Long> dims, Map<String, long[]> inputValues,
                                       boolean runtimeFallback) {
        Objects.requireNonNull(graph, "graph is null");
        Objects.requireNonNull(inputValues, "inputValues is null");
        for (NodeProto node : graph.nodes()) {
            AttributeChecks.check(node, graph.source());
        }
        Map<String, long[]> resolvedInputs = resolveInputs(graph, batch, inputShapes, dims);
        checkValues(graph, resolvedInputs, inputValues);
        Set<String> rejected = new HashSet<>();
        Map<String, TensorInfo> values = staticPass(graph, resolvedInputs, inputValues, Map.of(), rejected);
        List<String> unknown = unknownValues(graph, values);
        boolean probed = false;
        // A node a static rule rejected is malformed; ONNX Runtime 1.19 aborts the JVM on some such
        // nodes (failed asserts in its shape inference) instead of refusing them, so it never sees them.
        if (!unknown.isEmpty() && runtimeFallback && rejected.isEmpty()) {
            Map<String, TensorInfo> measured = RuntimeShapeProbe.measure(graph, resolvedInputs, unknown);
            values = staticPass(graph, resolvedInputs, inputValues, measured, new HashSet<>());
            unknown = unknownValues(graph, values);
            probed = true;
        }
        return new InferredShapes(graph, values, resolvedInputs, unknown, probed);
    }

    private static Map<String, long[]> resolveInputs(OnnxGraph graph, long batch, Map<String, long[]> given,
                                                     Map<String, Long> dims) {
        List<InputDims.Declared> declared = graph.inputs().stream().map(InputDims.Declared::of).toList();
        Map<String, long[]> resolved = InputDims.resolve(graph.source(), declared, batch, given, dims, 0);
        for (Map.Entry<String, long[]> e : resolved.entrySet()) {
            try {
                CheckedMath.elements(e.getValue());
            } catch (EdgeperfException overflow) {
                throw CheckedMath.overflow("the element count of input '" + e.getKey() + "' of " + graph.source()
                        + " at shape " + format(e.getValue()));
            }
        }
        return resolved;
    }

    private static void checkValues(OnnxGraph graph, Map<String, long[]> resolved, Map<String, long[]> inputValues) {
        for (Map.Entry<String, long[]> e : inputValues.entrySet()) {
            long[] shape = resolved.get(e.getKey());
            if (shape == null) {
                throw EdgeperfException.userError(graph.source() + " has no input '" + e.getKey()
                        + "' to give a value to; its inputs are " + resolved.keySet());
            }
            if (Tensors.elementCount(shape) != e.getValue().length) {
                throw EdgeperfException.userError("the value of input '" + e.getKey() + "' of " + graph.source()
                        + " has " + e.getValue().length + " elements; its shape " + format(shape) + " holds "
                        + Tensors.elementCount(shape));
            }
        }
    }

    /** Values of all nodes by the static rules; names of nodes whose rule rejected them go to {@code rejected}. */
    private static Map<String, TensorInfo> staticPass(OnnxGraph graph, Map<String, long[]> inputs,
                                                      Map<String, long[]> inputValues,
                                                      Map<String, TensorInfo> measured, Set<String> rejected) {
        Map<String, TensorInfo> values = new HashMap<>();
        Map<String, Integer> declaredTypes = graph.declaredTypes();
        for (ValueInfoProto in : graph.inputs()) {
            values.put(in.getName(), TensorInfo.ofInts(inputs.get(in.getName()),
                    in.getType().getTensorType().getElemType(), inputValues.get(in.getName())));
        }
        for (TensorProto t : graph.model().getGraph().getInitializerList()) {
            values.put(t.getName(), constantInfo(t));
        }
        List<NodeProto> nodes = graph.nodes();
        for (NodeProto node : nodes) {
            if (node.getOpType().equals("Constant") && graph.constant(node.getOutput(0)) != null) {
                values.put(node.getOutput(0), constantInfo(graph.constant(node.getOutput(0))));
                continue;
            }
            TensorInfo[] in = new TensorInfo[node.getInputCount()];
            for (int i = 0; i < in.length; i++) {
                in[i] = node.getInput(i).isEmpty() ? null : values.get(node.getInput(i));
            }
            TensorInfo[] out = null;
            if (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")) {
                NodeContext c = new NodeContext(node, in, graph.opset(""));
                try {
                    out = ComputeShapes.infer(c);
                    if (out == null) {
                        out = DataShapes.infer(c);
                    }
                    TensorInfo[] valid = checked(out);
                    if (valid != out) {
                        rejected.add(node.getName());
                    }
                    out = valid;
                } catch (EdgeperfException e) {
                    rejected.add(node.getName());
                    if (CheckedMath.isOverflow(e)) {
                        throw CheckedMath.overflow("the output shape of " + node.getOpType() + " node '"
                                + node.getName() + "': " + e.getMessage().replace(" exceeds " + CheckedMath.LIMIT, ""));
                    }
                    out = null;
                } catch (RuntimeException e) {
                    // Inconsistent attributes or inputs: the outputs stay unknown and are listed.
                    rejected.add(node.getName());
                    out = null;
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                String name = node.getOutput(i);
                if (name.isEmpty()) {
                    continue;
                }
                TensorInfo info = out != null && i < out.length ? out[i] : null;
                if ((info == null || !info.known()) && measured.containsKey(name)) {
                    info = measured.get(name);
                }
                if (info == null) {
                    info = TensorInfo.of(null, 0);
                }
                if (info.elemType() == 0 && declaredTypes.containsKey(name)) {
                    info = new TensorInfo(info.shape(), declaredTypes.get(name), info.intValue(), info.floatValue());
                }
                values.put(name, info);
            }
        }
        return values;
    }

    /**
     * The rules' outputs with impossible shapes (a negative dim, from inconsistent attributes) made
     * unknown (a new array then; the same one when all are possible); a shape whose element or byte
     * count overflows is a USER_ERROR.
     */
    private static TensorInfo[] checked(TensorInfo[] out) {
        if (out == null) {
            return null;
        }
        TensorInfo[] result = out;
        for (int i = 0; i < out.length; i++) {
            TensorInfo t = out[i];
            if (t == null || !t.known()) {
                continue;
            }
            if (Arrays.stream(t.shape()).anyMatch(d -> d < 0)) {
                if (result == out) {
                    result = out.clone();
                }
                result[i] = null;
                continue;
            }
            t.bytes();
        }
        return result;
    }

    static TensorInfo constantInfo(TensorProto t) {
        if (t.getDimsList().stream().anyMatch(d -> d < 0)) {
            throw EdgeperfException.userError("not a valid ONNX model: constant tensor '" + t.getName() + "' has dims "
                    + t.getDimsList() + "; expected non-negative dims");
        }
        return new TensorInfo(Tensors.dims(t), t.getDataType(), Tensors.intValues(t), Tensors.floatValues(t));
    }

    private static List<String> unknownValues(OnnxGraph graph, Map<String, TensorInfo> values) {
        List<String> unknown = new ArrayList<>();
        for (NodeProto node : graph.nodes()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && !values.get(out).known()) {
                    unknown.add(out);
                }
            }
        }
        return unknown;
    }

    static String describe(TensorShapeProto shape) {
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : shape.getDimList()) {
            dims.add(d.getDimValue() > 0 ? Long.toString(d.getDimValue())
                    : d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?");
        }
        return "[" + String.join(", ", dims) + "]";
    }

    /** A shape as the CLI writes it, e.g. {@code 1x3x48x192}. */
    public static String format(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }
}
