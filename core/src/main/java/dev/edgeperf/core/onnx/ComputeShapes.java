package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.CheckedMath;
import java.util.Arrays;
import java.util.Set;

/**
 * Shape rules of the compute ops: convolutions, pooling, Gemm/MatMul (float and quantized),
 * broadcasting elementwise ops, reductions, normalizations and activations. Each rule returns
 * one {@link TensorInfo} per node output (null entries where unknown), or null when the op is not
 * one of these.
 */
final class ComputeShapes {
    /** Ops whose (first) output has the shape and type of their first input. */
    static final Set<String> SAME_SHAPE = Set.of(
            "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu",
            "Softmax", "LogSoftmax", "Hardmax", "Softplus", "Softsign", "Elu", "Selu", "Celu", "Mish",
            "ThresholdedRelu", "Clip", "Shrink", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor",
            "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh",
            "Acosh", "Atanh", "Not", "Identity", "Dropout", "BatchNormalization", "InstanceNormalization",
            "LayerNormalization", "GroupNormalization", "LRN", "LpNormalization", "MeanVarianceNormalization",
            "CumSum", "Trilu", "IsNaN", "IsInf", "BitwiseNot");
    /** Broadcasting elementwise ops (n-ary for Sum/Mean/Max/Min). */
    static final Set<String> BROADCAST = Set.of(
            "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min", "Sum", "Mean", "Equal", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "BitShift", "Where", "BitwiseAnd",
            "BitwiseOr", "BitwiseXor");
    private static final Set<String> BOOL_RESULT = Set.of(
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not",
            "IsNaN", "IsInf");

    private ComputeShapes() {
    }

    static TensorInfo[] infer(NodeContext c) {
        String op = c.op();
        switch (op) {
            case "Conv":
                return one(c, conv(c, 0, 1), c.type(0));
            case "ConvInteger":
                return one(c, conv(c, 0, 1), DataType.INT32_VALUE);
            case "QLinearConv":
                return one(c, conv(c, 0, 3), c.present(7) ? c.type(7) : c.type(0));
            case "ConvTranspose":
                return one(c, convTranspose(c), c.type(0));
            case "MaxPool":
            case "AveragePool":
            case "LpPool": {
                long[] s = pool(c);
                TensorInfo[] out = one(c, s, c.type(0));
                if (out.length > 1) {
                    out[1] = TensorInfo.of(s, DataType.INT64_VALUE);
                }
                return out;
            }
            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "GlobalLpPool": {
                long[] s = c.shape(0);
                if (s == null) {
                    return one(c, null, c.type(0));
                }
                long[] o = s.clone();
                for (int i = 2; i < o.length; i++) {
                    o[i] = 1;
                }
                return one(c, o, c.type(0));
            }
            case "Gemm":
                return one(c, gemm(c), c.type(0));
            case "MatMul":
                return one(c, Shapes.matmul(c.shape(0), c.shape(1)), c.type(0));
            case "MatMulInteger":
                return one(c, Shapes.matmul(c.shape(0), c.shape(1)), DataType.INT32_VALUE);
            case "QLinearMatMul":
                return one(c, Shapes.matmul(c.shape(0), c.shape(3)), c.present(7) ? c.type(7) : c.type(0));
            case "QuantizeLinear": {
                int t = c.present(2) ? c.type(2) : DataType.UINT8_VALUE;
                return one(c, c.shape(0), t == 0 ? DataType.UINT8_VALUE : t);
            }
            case "DequantizeLinear":
                return one(c, c.shape(0), c.present(1) ? c.type(1) : DataType.FLOAT_VALUE);
            case "DynamicQuantizeLinear": {
                TensorInfo[] out = new TensorInfo[c.outputCount()];
                out[0] = TensorInfo.of(c.shape(0), DataType.UINT8_VALUE);
                if (out.length > 1) {
                    out[1] = TensorInfo.of(new long[0], DataType.FLOAT_VALUE);
                }
                if (out.length > 2) {
                    out[2] = TensorInfo.of(new long[0], DataType.UINT8_VALUE);
                }
                return out;
            }
            case "ArgMax":
            case "ArgMin":
                return one(c, reduceAxes(c.shape(0), new long[] {c.attr("axis", 0)}, c.attr("keepdims", 1) != 0),
                        DataType.INT64_VALUE);
            default:
                break;
        }
        if (op.startsWith("Reduce")) {
            return one(c, reduce(c), c.type(0));
        }
        if (SAME_SHAPE.contains(op)) {
            return sameShape(c);
        }
        if (BROADCAST.contains(op)) {
            long[] s = c.shape(0);
            for (int i = 1; i < c.inputCount() && s != null; i++) {
                s = c.present(i) ? Shapes.broadcast(s, c.shape(i)) : s;
            }
            int type = BOOL_RESULT.contains(op) ? DataType.BOOL_VALUE : op.equals("Where") ? c.type(1) : c.type(0);
            return new TensorInfo[] {ConstantFolding.elementwise(c, s, type)};
        }
        return null;
    }

    private static TensorInfo[] one(NodeContext c, long[] shape, int type) {
        TensorInfo[] out = new TensorInfo[Math.max(1, c.outputCount())];
        out[0] = TensorInfo.of(shape, type);
        return out;
    }

    private static TensorInfo[] sameShape(NodeContext c) {
        String op = c.op();
        int type = BOOL_RESULT.contains(op) ? DataType.BOOL_VALUE : c.type(0);
        TensorInfo[] out = new TensorInfo[Math.max(1, c.outputCount())];
        TensorInfo in = c.in(0);
        // Identity keeps constant values so shape arithmetic can flow through it.
        out[0] = op.equals("Identity") && in != null ? in : TensorInfo.of(c.shape(0), type);
        if (op.equals("Not") && in != null && in.intValue() != null) {
            // Folded so that an If on a negated constant condition knows its branch.
            out[0] = TensorInfo.ofInts(c.shape(0), type, Arrays.stream(in.intValue()).map(v -> v == 0 ? 1 : 0).toArray());
        }
        long[] s = c.shape(0);
        if (op.equals("Dropout") && out.length > 1) {
            out[1] = TensorInfo.of(s, DataType.BOOL_VALUE);
        } else if (op.equals("LayerNormalization") && s != null && out.length > 1) {
            int axis = (int) Shapes.axis(c.attr("axis", -1), s.length);
            long[] stat = s.clone();
            for (int i = axis; i < stat.length; i++) {
                stat[i] = 1;
            }
            for (int i = 1; i < out.length; i++) {
                out[i] = TensorInfo.of(stat, DataType.FLOAT_VALUE);
            }
        } else if (op.equals("BatchNormalization") && s != null) {
            for (int i = 1; i < out.length; i++) {
                out[i] = TensorInfo.of(new long[] {s[1]}, c.type(0));
            }
        }
        return out;
    }

    /** Spatial output size of a sliding window, ONNX formula incl. auto_pad and ceil_mode. */
    static long[] window(NodeContext c, long[] x, long[] kernel, boolean ceilMode) {
        int n = kernel.length;
        long[] strides = orDefault(c.attrs("strides"), n, 1);
        long[] dilations = orDefault(c.attrs("dilations"), n, 1);
        long[] pads = orDefault(c.attrs("pads"), 2 * n, 0);
        String autoPad = c.attrString("auto_pad", "NOTSET");
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = x[1];
        for (int i = 0; i < n; i++) {
            long in = x[2 + i];
            String what = "a " + c.op() + " output dimension";
            long effective = CheckedMath.add(CheckedMath.multiply(dilations[i], CheckedMath.add(kernel[i], -1, what),
                    what), 1, what);
            long o;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> o = ceilDiv(in, strides[i]);
                case "VALID" -> o = ceilDiv(CheckedMath.add(CheckedMath.add(in, -effective, what), 1, what), strides[i]);
                default -> {
                    long span = CheckedMath.add(CheckedMath.add(CheckedMath.add(in, pads[i], what), pads[i + n], what),
                            -effective, what);
                    o = (ceilMode ? ceilDiv(span, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
                    // A window that would start inside the end padding is dropped (as ONNX Runtime does).
                    if (ceilMode && CheckedMath.multiply(o - 1, strides[i], what) >= CheckedMath.add(in, pads[i], what)) {
                        o--;
                    }
                }
            }
            if (o < 0) {
                throw new IllegalArgumentException("negative output size in " + c.op());
            }
            out[2 + i] = o;
        }
        return out;
    }

    private static long[] conv(NodeContext c, int xIndex, int wIndex) {
        long[] x = c.shape(xIndex);
        long[] w = c.shape(wIndex);
        if (x == null || w == null || x.length < 3) {
            return null;
        }
        long[] kernel = c.attrs("kernel_shape");
        if (kernel == null) {
            kernel = java.util.Arrays.copyOfRange(w, 2, w.length);
        }
        long[] out = window(c, x, kernel, false);
        out[1] = w[0];
        return out;
    }

    private static long[] convTranspose(NodeContext c) {
        long[] x = c.shape(0);
        long[] w = c.shape(1);
        if (x == null || w == null || x.length < 3) {
            return null;
        }
        int n = x.length - 2;
        long[] kernel = c.attrs("kernel_shape");
        if (kernel == null) {
            kernel = java.util.Arrays.copyOfRange(w, 2, w.length);
        }
        long[] out = new long[x.length];
        out[0] = x[0];
        String what = "a ConvTranspose output dimension";
        out[1] = CheckedMath.multiply(w[1], c.attr("group", 1), what);
        long[] explicit = c.attrs("output_shape");
        long[] strides = orDefault(c.attrs("strides"), n, 1);
        long[] dilations = orDefault(c.attrs("dilations"), n, 1);
        long[] pads = orDefault(c.attrs("pads"), 2 * n, 0);
        long[] outPad = orDefault(c.attrs("output_padding"), n, 0);
        String autoPad = c.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < n; i++) {
            if (explicit != null) {
                out[2 + i] = explicit[explicit.length - n + i];
            } else if (autoPad.startsWith("SAME")) {
                out[2 + i] = CheckedMath.multiply(x[2 + i], strides[i], what);
            } else {
                long padSum = autoPad.equals("VALID") ? 0 : pads[i] + pads[i + n];
                long o = CheckedMath.multiply(strides[i], x[2 + i] - 1, what);
                o = CheckedMath.add(o, outPad[i], what);
                o = CheckedMath.add(o, CheckedMath.multiply(CheckedMath.add(kernel[i], -1, what), dilations[i], what), what);
                out[2 + i] = CheckedMath.add(CheckedMath.add(o, 1, what), -padSum, what);
            }
        }
        return out;
    }

    private static long[] pool(NodeContext c) {
        long[] x = c.shape(0);
        long[] kernel = c.attrs("kernel_shape");
        if (x == null || kernel == null) {
            return null;
        }
        return window(c, x, kernel, c.attr("ceil_mode", 0) != 0);
    }

    private static long[] gemm(NodeContext c) {
        long[] a = c.shape(0);
        long[] b = c.shape(1);
        if (a == null || b == null || a.length != 2 || b.length != 2) {
            return null;
        }
        long m = c.attr("transA", 0) != 0 ? a[1] : a[0];
        long n = c.attr("transB", 0) != 0 ? b[0] : b[1];
        return new long[] {m, n};
    }

    private static long[] reduce(NodeContext c) {
        long[] x = c.shape(0);
        if (x == null) {
            return null;
        }
        long[] axes = c.attrs("axes");
        if (axes == null && c.present(1)) {
            axes = c.ints(1);
            if (axes == null) {
                return null;
            }
        }
        boolean keep = c.attr("keepdims", 1) != 0;
        if (axes == null || axes.length == 0) {
            if (c.attr("noop_with_empty_axes", 0) != 0) {
                return x;
            }
            axes = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                axes[i] = i;
            }
        }
        return reduceAxes(x, axes, keep);
    }

    static long[] reduceAxes(long[] x, long[] axes, boolean keep) {
        if (x == null) {
            return null;
        }
        boolean[] reduced = new boolean[x.length];
        for (long a : axes) {
            reduced[(int) Shapes.axis(a, x.length)] = true;
        }
        long[] out = new long[x.length];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!reduced[i]) {
                out[k++] = x[i];
            } else if (keep) {
                out[k++] = 1;
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    static long[] orDefault(long[] values, int n, long def) {
        if (values != null && values.length >= n) {
            return values;
        }
        long[] out = new long[n];
        java.util.Arrays.fill(out, def);
        return out;
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
