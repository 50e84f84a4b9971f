package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.Tensors;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which constant tensors are parameters, and whether they are trainable.
 *
 * <p>A constant (initializer or Constant node output) is a parameter when some node reads it in a
 * data slot and its element type can hold weights: never int64, bool or string (those are shapes,
 * axes, indices and masks), and never an input slot that only steers shapes (Reshape's shape,
 * Slice's starts/ends/axes/steps, Pad's pads, Clip's bounds, Resize's scales …). Scalars (rank 0)
 * read by elementwise ops are constants of the formula (epsilon, the 2 of a square), not
 * parameters. A parameter shared by several nodes counts once, for the first node that reads it.
 *
 * <p>Non-trainable: BatchNormalization's running mean and variance (as Keras and PyTorch count
 * them) and quantization scales and zero points. Everything else is trainable.
 */
final class ParameterCounter {
    /** Per node (index into the graph's node order): parameter elements attributed to it. */
    record Counts(long[] perNode, long total, long trainable, long weightBytes) {
    }

    private static final Map<String, Set<Integer>> CONTROL_SLOTS = Map.ofEntries(
            Map.entry("Reshape", Set.of(1)), Map.entry("Slice", Set.of(1, 2, 3, 4)),
            Map.entry("Squeeze", Set.of(1)), Map.entry("Unsqueeze", Set.of(1)), Map.entry("Expand", Set.of(1)),
            Map.entry("Tile", Set.of(1)), Map.entry("Pad", Set.of(1, 2, 3)), Map.entry("Resize", Set.of(1, 2, 3)),
            Map.entry("Upsample", Set.of(1)), Map.entry("ConstantOfShape", Set.of(0)),
            Map.entry("Split", Set.of(1)), Map.entry("TopK", Set.of(1)), Map.entry("Range", Set.of(0, 1, 2)),
            Map.entry("OneHot", Set.of(1, 2)), Map.entry("CumSum", Set.of(1)), Map.entry("Clip", Set.of(1, 2)),
            Map.entry("Dropout", Set.of(1, 2)), Map.entry("Trilu", Set.of(1)));
    private static final Map<String, Set<Integer>> NON_TRAINABLE_SLOTS = Map.of(
            "BatchNormalization", Set.of(3, 4),
            "QuantizeLinear", Set.of(1, 2),
            "DequantizeLinear", Set.of(1, 2),
            "QLinearConv", Set.of(1, 2, 4, 5, 6, 7),
            "QLinearMatMul", Set.of(1, 2, 4, 5, 6, 7),
            "MatMulInteger", Set.of(2, 3),
            "ConvInteger", Set.of(2, 3));
    private static final Set<String> SCALAR_FORMULA_OPS = Set.of(
            "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where", "Equal", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "Mod", "Sum", "Mean");

    private ParameterCounter() {
    }

    static Counts count(OnnxGraph graph) {
        List<NodeProto> nodes = graph.nodes();
        long[] perNode = new long[nodes.size()];
        Set<String> seen = new HashSet<>();
        long total = 0;
        long trainable = 0;
        long bytes = 0;
        for (int n = 0; n < nodes.size(); n++) {
            NodeProto node = nodes.get(n);
            boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            String op = node.getOpType();
            for (int i = 0; i < node.getInputCount(); i++) {
                String name = node.getInput(i);
                TensorProto t = name.isEmpty() ? null : graph.constant(name);
                if (t == null || seen.contains(name) || !holdsWeights(t.getDataType())) {
                    continue;
                }
                if (standard && CONTROL_SLOTS.getOrDefault(op, Set.of()).contains(i)) {
                    continue;
                }
                if (standard && t.getDimsCount() == 0 && SCALAR_FORMULA_OPS.contains(op)) {
                    continue;
                }
                seen.add(name);
                long elements = Tensors.elementCount(t);
                perNode[n] += elements;
                total = CheckedMath.add(total, elements, "the parameter count");
                bytes = CheckedMath.add(bytes, CheckedMath.multiply(elements, Tensors.bytesPerElement(t.getDataType()),
                        "the weight byte count"), "the weight byte count");
                if (!(standard && NON_TRAINABLE_SLOTS.getOrDefault(op, Set.of()).contains(i))) {
                    trainable += elements;
                }
            }
        }
        return new Counts(perNode, total, trainable, bytes);
    }

    private static boolean holdsWeights(int dataType) {
        return dataType != DataType.INT64_VALUE && dataType != DataType.BOOL_VALUE
                && dataType != DataType.STRING_VALUE && dataType != DataType.UNDEFINED_VALUE;
    }
}
