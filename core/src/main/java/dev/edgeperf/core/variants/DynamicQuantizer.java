package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic int8 quantization of MatMul, Gemm and Conv: weights become symmetric int8 (zero point 0)
 * with a scale per output column / channel; activations are quantized at run time to uint8 with their
 * own per-tensor range; {@code MatMulInteger} / {@code ConvInteger} compute in int32 and {@code Cast} +
 * {@code Mul(x_scale·w_scale[c])} (+ {@code Add} bias) rescale to float. This is the pattern ORT's own
 * quantize_dynamic writes, and ORT fuses the MatMul form into {@code DynamicQuantizeMatMul} /
 * {@code MatMulIntegerToFloat} int8 kernels.
 *
 * <p>The run-time quantizer is {@code DynamicQuantizeLinear} from opset 11. An opset-10 model keeps its
 * opset (raising it would change Clip, Pad, Resize … under the model's feet) and gets the same
 * computation spelled with opset-10 ops: ReduceMin/ReduceMax over the whole tensor, the range widened to
 * include 0, scale = (max − min) / 255, zero point = QuantizeLinear(−min, scale) (round half to even and
 * saturation to uint8, as DynamicQuantizeLinear does), then QuantizeLinear of the tensor.
 *
 * <p>Convs with fewer than {@link StaticQuantizer#MIN_INT8_CONV_FILTERS} filters stay fp32, as in
 * static quantization (int8 is slower there), and so do grouped/depthwise convs, and are noted. Dynamic
 * quantization is for MatMul-heavy models: ORT's ConvInteger has no NCHWc kernel and the run-time
 * quantizer plus the fp32 rescale pass over every activation, so a CNN gets slower (measured on
 * mobilenet-v2 at opset 11, batch 8, 2 threads: 5.7× baseline latency, 8.6× with the depthwise convs
 * in ConvInteger too; int8-static runs it at 0.63×). The recipe still does what it says, and the
 * benchmark shows it.
 */
final class DynamicQuantizer {
    private static final Set<String> CONV_ATTRIBUTES = Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads",
            "strides");

    private DynamicQuantizer() {
    }

    static TransformResult apply(ModelProto model) {
        GraphProto g = model.getGraph();
        long opset = Graphs.opset(model);
        List<String> notes = new ArrayList<>();
        if (opset < 10) {
            String why = "opset " + opset + " < 10 has no MatMulInteger/ConvInteger";
            notes.add(why + "; nothing quantized");
            return TransformResult.noop(model, notes, why);
        }
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Graphs.Names names = new Graphs.Names(g);
        GraphProto.Builder out = g.toBuilder().clearNode();
        Map<String, String[]> quantized = new HashMap<>(); // float tensor -> {uint8, scale, zero point}
        int matmuls = 0;
        int convs = 0;
        for (int idx = 0; idx < g.getNodeCount(); idx++) {
            NodeProto n = g.getNode(idx);
            String name = Graphs.nodeName(n, idx);
            String op = n.getOpType();
            boolean domain = n.getDomain().isEmpty();
            if (domain && op.equals("Conv")) {
                String why = convProblem(n, inits);
                if (why != null) {
                    notes.add(name + ": " + why + "; left fp32");
                    out.addNode(n);
                } else {
                    conv(n, idx, inits, names, out, quantized, opset);
                    convs++;
                }
                continue;
            }
            if (!domain || !(op.equals("MatMul") || op.equals("Gemm"))) {
                out.addNode(n);
                continue;
            }
            TensorProto w = inits.get(n.getInput(1));
            String why = null;
            if (w == null && !inits.containsKey(n.getInput(0))) {
                why = UnstructuredPruner.noWeight(n, inits);
            } else if (w == null || !Tensors.isFloat(w) || w.getDimsCount() != 2) {
                why = "second input is not a 2-D float initializer";
            } else if (op.equals("Gemm") && (Attributes.getInt(n, "transA", 0) != 0
                    || Attributes.getFloat(n, "alpha", 1f) != 1f || Attributes.getFloat(n, "beta", 1f) != 1f)) {
                why = "Gemm with transA or alpha/beta other than 1";
            }
            if (why != null) {
                notes.add(name + ": " + why + "; left fp32");
                out.addNode(n);
                continue;
            }
            boolean transB = op.equals("Gemm") && Attributes.getInt(n, "transB", 0) != 0;
            int rows = (int) w.getDims(0);
            int cols = (int) w.getDims(1);
            int k = transB ? cols : rows;
            int nOut = transB ? rows : cols;
            Int8Weights.PerChannel pc = Int8Weights.matrix(Tensors.floats(w), rows, cols, transB);
            String base = n.getName().isEmpty() ? op.toLowerCase() + idx : n.getName();
            String wq = names.fresh(base + "_w_int8");
            String ws = names.fresh(base + "_w_scale");
            out.addInitializer(Tensors.byteTensor(wq, TensorProto.DataType.INT8, new long[] {k, nOut}, pc.q()));
            out.addInitializer(Tensors.floatTensor(ws, new long[] {nOut}, pc.scale()));
            String[] a = quantizeAtRunTime(n.getInput(0), out, names, quantized, opset);
            String acc = names.fresh(base + "_int32");
            String accf = names.fresh(base + "_int32_float");
            String s = names.fresh(base + "_scale");
            out.addNode(Graphs.node("MatMulInteger", names.fresh(base + "_matmulint"), List.of(a[0], wq, a[2]),
                    List.of(acc)));
            out.addNode(Graphs.node("Cast", names.fresh(base + "_cast"), List.of(acc), List.of(accf),
                    Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
            out.addNode(Graphs.node("Mul", names.fresh(base + "_scale_mul"), List.of(a[1], ws), List.of(s)));
            boolean bias = op.equals("Gemm") && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            String y = n.getOutput(0);
            String scaled = bias ? names.fresh(base + "_scaled") : y;
            out.addNode(Graphs.node("Mul", names.fresh(base + "_rescale"), List.of(accf, s), List.of(scaled)));
            if (bias) {
                out.addNode(Graphs.node("Add", names.fresh(base + "_bias"), List.of(scaled, n.getInput(2)), List.of(y)));
            }
            matmuls++;
        }
        if (matmuls + convs == 0) {
            String why = "no MatMul/Gemm with a 2-D float weight and no Conv with " + StaticQuantizer.MIN_INT8_CONV_FILTERS
                    + "+ filters";
            notes.add(why + ": nothing quantized");
            return TransformResult.noop(model, notes, why);
        }
        notes.add(matmuls + " MatMulInteger, " + convs + " ConvInteger; activations uint8 per tensor at run time ("
                + (opset >= 11 ? "DynamicQuantizeLinear" : "opset 10: ReduceMin/ReduceMax + QuantizeLinear")
                + "), weights int8 per-channel symmetric");
        return new TransformResult(model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out.build())).build(),
                notes);
    }

    /** Why a Conv stays fp32, or null when it is quantized. */
    private static String convProblem(NodeProto n, Map<String, TensorProto> inits) {
        TensorProto w = n.getInputCount() > 1 ? inits.get(n.getInput(1)) : null;
        if (w == null || !Tensors.isFloat(w) || w.getDimsCount() < 3 || inits.containsKey(n.getInput(0))) {
            return "Conv without a float weight initializer";
        }
        if (Attributes.getInt(n, "group", 1) == 1 && w.getDims(0) < StaticQuantizer.MIN_INT8_CONV_FILTERS) {
            return "Conv with " + w.getDims(0) + " filters (< " + StaticQuantizer.MIN_INT8_CONV_FILTERS
                    + "): int8 kernels are slower than fp32 here";
        }
        if (Attributes.getInt(n, "group", 1) != 1) {
            return "grouped/depthwise Conv: ORT's grouped ConvInteger is slower still";
        }
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            TensorProto b = inits.get(n.getInput(2));
            if (b == null || !Tensors.isFloat(b) || Tensors.elementCount(b) != w.getDims(0)) {
                return "Conv bias is not a float initializer";
            }
        }
        return null;
    }

    /** ConvInteger(uint8 x, int8 w) → Cast → Mul(x_scale · w_scale[c]) (→ Add bias), both [C, 1, …] shaped. */
    private static void conv(NodeProto n, int idx, Map<String, TensorProto> inits, Graphs.Names names,
            GraphProto.Builder out, Map<String, String[]> quantized, long opset) {
        TensorProto w = inits.get(n.getInput(1));
        int cout = (int) w.getDims(0);
        long[] perChannel = new long[w.getDimsCount() - 1]; // [C, 1, 1] against the [N, C, H, W] output
        java.util.Arrays.fill(perChannel, 1);
        perChannel[0] = cout;
        Int8Weights.PerChannel pc = Int8Weights.conv(Tensors.floats(w), cout);
        String base = n.getName().isEmpty() ? "conv" + idx : n.getName();
        String wq = names.fresh(base + "_w_int8");
        String ws = names.fresh(base + "_w_scale");
        out.addInitializer(Tensors.byteTensor(wq, TensorProto.DataType.INT8, Tensors.dims(w), pc.q()));
        out.addInitializer(Tensors.floatTensor(ws, perChannel, pc.scale()));
        String[] a = quantizeAtRunTime(n.getInput(0), out, names, quantized, opset);
        String acc = names.fresh(base + "_int32");
        NodeProto.Builder ci = Graphs.node("ConvInteger", names.fresh(base + "_convint"), List.of(a[0], wq, a[2]),
                List.of(acc)).toBuilder();
        for (AttributeProto attr : n.getAttributeList()) {
            if (CONV_ATTRIBUTES.contains(attr.getName())) {
                ci.addAttribute(attr);
            }
        }
        out.addNode(ci);
        String accf = names.fresh(base + "_int32_float");
        out.addNode(Graphs.node("Cast", names.fresh(base + "_cast"), List.of(acc), List.of(accf),
                Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        String s = names.fresh(base + "_scale");
        out.addNode(Graphs.node("Mul", names.fresh(base + "_scale_mul"), List.of(a[1], ws), List.of(s)));
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        String y = n.getOutput(0);
        String scaled = bias ? names.fresh(base + "_scaled") : y;
        out.addNode(Graphs.node("Mul", names.fresh(base + "_rescale"), List.of(accf, s), List.of(scaled)));
        if (bias) {
            String b = names.fresh(n.getInput(2) + "_per_channel");
            out.addInitializer(Tensors.floatTensor(b, perChannel, Tensors.floats(inits.get(n.getInput(2)))));
            out.addNode(Graphs.node("Add", names.fresh(base + "_bias"), List.of(scaled, b), List.of(y)));
        }
    }

    /**
     * {uint8 tensor, scale, zero point} of {@code x} quantized with its own range at run time; made once
     * per tensor, so Q/K/V projections of one input share it.
     */
    private static String[] quantizeAtRunTime(String x, GraphProto.Builder out, Graphs.Names names,
            Map<String, String[]> quantized, long opset) {
        String[] done = quantized.get(x);
        if (done != null) {
            return done;
        }
        String aq = names.fresh(x + "_uint8");
        String as = names.fresh(x + "_scale");
        String az = names.fresh(x + "_zero_point");
        if (opset >= 11) {
            out.addNode(Graphs.node("DynamicQuantizeLinear", names.fresh(x + "_quant"), List.of(x), List.of(aq, as, az)));
        } else {
            String zero = names.fresh(x + "_zero");
            String levels = names.fresh(x + "_levels");
            String tiny = names.fresh(x + "_min_scale");
            out.addInitializer(Tensors.floatTensor(zero, new long[0], new float[] {0f}));
            out.addInitializer(Tensors.floatTensor(levels, new long[0], new float[] {255f}));
            out.addInitializer(Tensors.floatTensor(tiny, new long[0], new float[] {Float.MIN_NORMAL}));
            String lo = names.fresh(x + "_min");
            String hi = names.fresh(x + "_max");
            String lo0 = names.fresh(x + "_min0");
            String hi0 = names.fresh(x + "_max0");
            String range = names.fresh(x + "_range");
            String raw = names.fresh(x + "_raw_scale");
            String negLo = names.fresh(x + "_neg_min");
            AttributeProto flat = Graphs.intAttribute("keepdims", 0);
            out.addNode(Graphs.node("ReduceMin", names.fresh(x + "_reduce_min"), List.of(x), List.of(lo), flat));
            out.addNode(Graphs.node("ReduceMax", names.fresh(x + "_reduce_max"), List.of(x), List.of(hi), flat));
            out.addNode(Graphs.node("Min", names.fresh(x + "_with_zero_min"), List.of(lo, zero), List.of(lo0)));
            out.addNode(Graphs.node("Max", names.fresh(x + "_with_zero_max"), List.of(hi, zero), List.of(hi0)));
            out.addNode(Graphs.node("Sub", names.fresh(x + "_span"), List.of(hi0, lo0), List.of(range)));
            out.addNode(Graphs.node("Div", names.fresh(x + "_per_level"), List.of(range, levels), List.of(raw)));
            // An all-zero tensor would give scale 0 and a division by zero; any positive scale maps it to 0.
            out.addNode(Graphs.node("Max", names.fresh(x + "_positive_scale"), List.of(raw, tiny), List.of(as)));
            out.addNode(Graphs.node("Neg", names.fresh(x + "_negate_min"), List.of(lo0), List.of(negLo)));
            out.addNode(Graphs.node("QuantizeLinear", names.fresh(x + "_zero_point_of"), List.of(negLo, as), List.of(az)));
            out.addNode(Graphs.node("QuantizeLinear", names.fresh(x + "_quant"), List.of(x, as, az), List.of(aq)));
        }
        String[] r = {aq, as, az};
        quantized.put(x, r);
        return r;
    }
}
