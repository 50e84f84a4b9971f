package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.TensorInfo;
import dev.edgeperf.core.onnx.Tensors;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The counting rules of every op type, in one place. All counts are for the whole batch the
 * model was profiled at (N is part of every shape).
 *
 * <h2>MACs (both conventions)</h2>
 * <ul>
 *   <li>{@code Conv}, {@code ConvInteger}, {@code QLinearConv}: output elements x (Cin / group) x
 *       kernel volume, i.e. N x Cout x outH x outW x (Cin/group) x kH x kW for 2-D. Depthwise convs
 *       are the group = Cin case.</li>
 *   <li>{@code ConvTranspose}: input elements x (Cout / group) x kernel volume (every input pixel
 *       is scattered through the kernel).</li>
 *   <li>{@code Gemm}: M x K x N (after transA/transB). {@code MatMul}, {@code MatMulInteger},
 *       {@code QLinearMatMul}: broadcast batch x M x K x N.</li>
 *   <li>Every other op: 0 MACs.</li>
 * </ul>
 * Quantized ops count like their float forms; their "FLOPs" are integer operations.
 *
 * <h2>FLOPs, convention SEED (the seed articles, the CLI default)</h2>
 * <ul>
 *   <li>conv / conv-transpose / Gemm / MatMul families: 2 x MACs; bias adds are not counted.</li>
 *   <li>{@code MaxPool}, {@code AveragePool}, {@code LpPool}, {@code Global*Pool}: one per output
 *       element (output H x W x depth x batch).</li>
 *   <li>everything else (activations, Softmax, normalization, elementwise, data movement): 0, and
 *       still listed per node.</li>
 * </ul>
 *
 * <h2>FLOPs, convention DETAILED</h2>
 * <ul>
 *   <li>conv / Gemm / MatMul families: 2 x MACs, plus 1 per output element when a bias input is
 *       present (the third input of Conv/ConvTranspose, the ninth of QLinearConv, Gemm's C).</li>
 *   <li>activations, per output element: Relu, LeakyRelu, PRelu, Clip, ThresholdedRelu, Shrink,
 *       Hardmax 1; HardSigmoid 3; Sigmoid, HardSwish 4; Softplus, Softsign 3; Elu, Selu, Celu 4;
 *       Tanh, Erf 5; Gelu, Mish 8.</li>
 *   <li>{@code Softmax}, {@code LogSoftmax}: 3 per element (exp, accumulate, divide) + 1 per element
 *       for the max-subtraction reduction = 4 per element.</li>
 *   <li>{@code MaxPool}, {@code AveragePool}, {@code LpPool}: kernel volume per output element;
 *       {@code Global*Pool}: 1 per input element.</li>
 *   <li>{@code BatchNormalization} (inference, folded scale and shift): 2 per element;
 *       {@code LayerNormalization}, {@code InstanceNormalization}, {@code GroupNormalization},
 *       {@code MeanVarianceNormalization}: 5 per element (mean, subtract, square/variance,
 *       normalize, scale+shift); {@code LpNormalization} 3; {@code LRN} size + 3 per element.</li>
 *   <li>elementwise ops (Add, Sub, Mul, Div, Pow, Sqrt, Exp, Log, Abs, Neg, comparisons, Where,
 *       logic …): 1 per output element; the variadic Sum/Mean/Max/Min: (inputs - 1) per output
 *       element; CumSum 1 per element.</li>
 *   <li>{@code Reduce*}, {@code ArgMax}, {@code ArgMin}, {@code TopK}: 1 per input element.</li>
 *   <li>{@code QuantizeLinear}, {@code DequantizeLinear}: 2 per element;
 *       {@code DynamicQuantizeLinear}: 4 per element (min/max scan + quantize).</li>
 *   <li>{@code Resize}/{@code Upsample}: nearest 0; linear 4 and cubic 16 per output element.</li>
 *   <li>data movement (Reshape, Transpose, Concat, Split, Slice, Gather*, Scatter*, Flatten,
 *       Squeeze, Unsqueeze, Shape, Size, Constant, ConstantOfShape, Expand, Tile, Pad, Cast,
 *       CastLike, Identity, Dropout, DepthToSpace, SpaceToDepth, Range, OneHot, EyeLike, Trilu,
 *       NonZero): 0, counted.</li>
 * </ul>
 *
 * <h2>Not counted</h2>
 * {@code If}, {@code Loop} and {@code Scan} are counted through their subgraphs by
 * {@code ControlFlowCosts} (branch taken, body x trip count), or listed with the reason when that is
 * not known. Op types with no rule above (custom domains, RNNs, Einsum …) get
 * {@code counted = false} and are listed in {@link ModelProfile#uncountedOpTypes()} with their
 * node counts; so are nodes whose rule needs a shape that could not be inferred (listed as
 * {@code "OpType (unknown shape)"}). Neither is ever silently counted as zero.
 */
public final class CostRules {
    /** The result of one rule: MACs and FLOPs of a node, or {@code counted = false}. */
    public record Cost(long macs, long flops, boolean counted, boolean shapeUnknown) {
        static final Cost ZERO = new Cost(0, 0, true, false);
        static final Cost NO_RULE = new Cost(0, 0, false, false);
        static final Cost UNKNOWN_SHAPE = new Cost(0, 0, false, true);
    }

    private static final Set<String> CONVS = Set.of("Conv", "ConvInteger", "QLinearConv");
    private static final Set<String> MATMULS = Set.of("MatMul", "MatMulInteger", "QLinearMatMul");
    private static final Set<String> WINDOW_POOLS = Set.of("MaxPool", "AveragePool", "LpPool");
    private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool");
    /** Detailed FLOPs per output element. */
    static final Map<String, Integer> PER_ELEMENT = Map.ofEntries(
            Map.entry("Relu", 1), Map.entry("LeakyRelu", 1), Map.entry("PRelu", 1), Map.entry("Clip", 1),
            Map.entry("ThresholdedRelu", 1), Map.entry("Shrink", 1), Map.entry("Hardmax", 1),
            Map.entry("HardSigmoid", 3), Map.entry("Sigmoid", 4), Map.entry("HardSwish", 4),
            Map.entry("Softplus", 3), Map.entry("Softsign", 3), Map.entry("Elu", 4), Map.entry("Selu", 4),
            Map.entry("Celu", 4), Map.entry("Tanh", 5), Map.entry("Erf", 5), Map.entry("Gelu", 8),
            Map.entry("Mish", 8), Map.entry("Softmax", 4), Map.entry("LogSoftmax", 4),
            Map.entry("BatchNormalization", 2), Map.entry("LayerNormalization", 5),
            Map.entry("InstanceNormalization", 5), Map.entry("GroupNormalization", 5),
            Map.entry("MeanVarianceNormalization", 5), Map.entry("LpNormalization", 3),
            Map.entry("QuantizeLinear", 2), Map.entry("DequantizeLinear", 2),
            Map.entry("DynamicQuantizeLinear", 4), Map.entry("CumSum", 1));
    private static final Set<String> ELEMENTWISE = Set.of(
            "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or", "Xor", "Not", "Where", "BitShift", "BitwiseAnd", "BitwiseOr",
            "BitwiseXor", "BitwiseNot", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil",
            "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
            "Atanh", "IsNaN", "IsInf");
    private static final Set<String> VARIADIC = Set.of("Sum", "Mean", "Max", "Min");
    private static final Set<String> PER_INPUT_ELEMENT = Set.of("ArgMax", "ArgMin", "TopK");
    private static final Set<String> DATA_MOVEMENT = Set.of(
            "Reshape", "Transpose", "Concat", "Split", "Slice", "Gather", "GatherElements", "GatherND",
            "Scatter", "ScatterND", "ScatterElements", "Flatten", "Squeeze", "Unsqueeze", "Shape", "Size",
            "Constant", "ConstantOfShape", "Expand", "Tile", "Pad", "Cast", "CastLike", "Identity", "Dropout",
            "DepthToSpace", "SpaceToDepth", "Range", "OneHot", "EyeLike", "Trilu", "NonZero");

    private CostRules() {
    }

    /** Whether an op type (default ONNX domain) has a counting rule. */
    public static boolean hasRule(String opType) {
        return CONVS.contains(opType) || MATMULS.contains(opType) || opType.equals("ConvTranspose")
                || opType.equals("Gemm") || WINDOW_POOLS.contains(opType) || GLOBAL_POOLS.contains(opType)
                || PER_ELEMENT.containsKey(opType) || ELEMENTWISE.contains(opType) || VARIADIC.contains(opType)
                || opType.startsWith("Reduce") || PER_INPUT_ELEMENT.contains(opType) || opType.equals("LRN")
                || opType.equals("Resize") || opType.equals("Upsample") || DATA_MOVEMENT.contains(opType);
    }

    /** Counts one node under a convention, from the inferred shapes of its inputs and outputs. */
    public static Cost count(NodeProto node, InferredShapes shapes, CountingConvention convention) {
        String op = node.getOpType();
        boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
        if (!standard || !hasRule(op)) {
            return Cost.NO_RULE;
        }
        boolean detailed = convention == CountingConvention.DETAILED;
        TensorInfo out = output(node, shapes);
        Supplier<String> macsOf = () -> "the MAC count of node " + label(node);
        Supplier<String> flopsOf = () -> "the FLOP count of node " + label(node);
        long macs = macs(node, shapes, macsOf);
        if (macs >= 0) {
            long flops = CheckedMath.multiply(2, macs, flopsOf);
            if (detailed && hasBias(node)) {
                if (!out.known()) {
                    return Cost.UNKNOWN_SHAPE;
                }
                flops = CheckedMath.add(flops, out.elements(), flopsOf);
            }
            return new Cost(macs, flops, true, false);
        }
        if (macs == UNKNOWN) {
            return Cost.UNKNOWN_SHAPE;
        }
        if (WINDOW_POOLS.contains(op) || GLOBAL_POOLS.contains(op)) {
            TensorInfo in = input(node, 0, shapes);
            if (!out.known() || (detailed && !in.known())) {
                return Cost.UNKNOWN_SHAPE;
            }
            if (!detailed) {
                return new Cost(0, out.elements(), true, false);
            }
            if (GLOBAL_POOLS.contains(op)) {
                return new Cost(0, in.elements(), true, false);
            }
            long[] kernel = Attributes.getInts(node, "kernel_shape", new long[0]);
            return new Cost(0, CheckedMath.multiply(out.elements(), Tensors.elementCount(kernel), flopsOf), true,
                    false);
        }
        if (!detailed || DATA_MOVEMENT.contains(op)) {
            return Cost.ZERO;
        }
        long flops = detailedFlops(node, shapes, out, flopsOf);
        return flops < 0 ? Cost.UNKNOWN_SHAPE : new Cost(0, flops, true, false);
    }

    private static final long UNKNOWN = -2;
    private static final long NOT_LINEAR = -1;

    /** MACs of the conv/matmul families; NOT_LINEAR for other ops, UNKNOWN when shapes are missing. */
    private static long macs(NodeProto node, InferredShapes shapes, Supplier<String> what) {
        String op = node.getOpType();
        if (CONVS.contains(op)) {
            TensorInfo out = output(node, shapes);
            TensorInfo w = input(node, op.equals("QLinearConv") ? 3 : 1, shapes);
            if (!out.known() || !w.known()) {
                return UNKNOWN;
            }
            long perOutput = 1;
            for (int i = 1; i < w.rank(); i++) {
                perOutput = CheckedMath.multiply(perOutput, w.dim(i), what);
            }
            return CheckedMath.multiply(out.elements(), perOutput, what);
        }
        if (op.equals("ConvTranspose")) {
            TensorInfo x = input(node, 0, shapes);
            TensorInfo w = input(node, 1, shapes);
            if (!x.known() || !w.known()) {
                return UNKNOWN;
            }
            long perInput = 1;
            for (int i = 1; i < w.rank(); i++) {
                perInput = CheckedMath.multiply(perInput, w.dim(i), what);
            }
            return CheckedMath.multiply(x.elements(), perInput, what);
        }
        if (op.equals("Gemm") || MATMULS.contains(op)) {
            TensorInfo a = input(node, 0, shapes);
            TensorInfo out = output(node, shapes);
            if (!a.known() || !out.known() || a.rank() < (op.equals("Gemm") ? 2 : 1)) {
                return UNKNOWN;
            }
            long k = op.equals("Gemm") && Attributes.getInt(node, "transA", 0) != 0 ? a.dim(0) : a.dim(-1);
            return CheckedMath.multiply(out.elements(), k, what);
        }
        return NOT_LINEAR;
    }

    /** The shape of a node's input slot; unknown when the slot is absent or empty (a malformed node). */
    private static TensorInfo input(NodeProto node, int slot, InferredShapes shapes) {
        return slot < node.getInputCount() ? shapes.get(node.getInput(slot)) : TensorInfo.of(null, 0);
    }

    private static TensorInfo output(NodeProto node, InferredShapes shapes) {
        return node.getOutputCount() == 0 ? TensorInfo.of(null, 0) : shapes.get(node.getOutput(0));
    }

    private static String label(NodeProto node) {
        return "'" + node.getName() + "' (" + node.getOpType() + ")";
    }

    private static boolean hasBias(NodeProto node) {
        int index = switch (node.getOpType()) {
            case "Conv", "ConvTranspose", "Gemm" -> 2;
            case "QLinearConv" -> 8;
            default -> -1;
        };
        return index >= 0 && index < node.getInputCount() && !node.getInput(index).isEmpty();
    }

    /** DETAILED FLOPs of the non-linear, non-pooling ops; -1 when a needed shape is unknown. */
    private static long detailedFlops(NodeProto node, InferredShapes shapes, TensorInfo out, Supplier<String> what) {
        String op = node.getOpType();
        if (op.startsWith("Reduce") || PER_INPUT_ELEMENT.contains(op)) {
            TensorInfo in = input(node, 0, shapes);
            return in.known() ? in.elements() : -1;
        }
        if (!out.known()) {
            return -1;
        }
        if (PER_ELEMENT.containsKey(op)) {
            return CheckedMath.multiply(PER_ELEMENT.get(op), out.elements(), what);
        }
        if (ELEMENTWISE.contains(op)) {
            return out.elements();
        }
        if (VARIADIC.contains(op)) {
            return CheckedMath.multiply(Math.max(1, node.getInputCount() - 1), out.elements(), what);
        }
        if (op.equals("LRN")) {
            return CheckedMath.multiply(CheckedMath.add(Attributes.getInt(node, "size", 1), 3, what), out.elements(),
                    what);
        }
        if (op.equals("Resize") || op.equals("Upsample")) {
            String mode = Attributes.getString(node, "mode", "nearest");
            return switch (mode) {
                case "linear", "bilinear", "trilinear" -> CheckedMath.multiply(4, out.elements(), what);
                case "cubic" -> CheckedMath.multiply(16, out.elements(), what);
                default -> 0;
            };
        }
        return 0;
    }
}
