package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static int8 quantization in QDQ format, the layout ORT's own quantizer writes (U8S8):
 * <ul>
 *   <li>first Conv→BatchNormalization pairs and Mul/Add constants behind a Conv are folded ({@link ConvAffineFolder}) and Flatten(axis 1)
 *       becomes the equivalent Reshape, so nothing fp32 is left between two int8 ops;</li>
 *   <li>weights of Conv, Gemm and MatMul: per-channel symmetric int8 (zero point 0) behind a
 *       {@code DequantizeLinear} with {@code axis} on the output channel;</li>
 *   <li>biases: int32 with scale x_scale·w_scale[c] behind a {@code DequantizeLinear};</li>
 *   <li>activations entering and leaving those nodes, and around residual Add, GlobalAveragePool and
 *       AveragePool: uint8 asymmetric {@code QuantizeLinear} + {@code DequantizeLinear} pairs with
 *       ranges from calibration runs (MinMax or percentile);</li>
 *   <li>a Relu or Clip(0, max) that is the only consumer of a quantized node is removed and its
 *       output range (min 0, max ≤ Clip max) used for the node's output quantizer, whose saturation
 *       at zero point 0 does the activation's work;</li>
 *   <li>pass-through ops (MaxPool, Reshape, Transpose …) reuse their input's parameters so ORT can
 *       drop their Q/DQ pairs.</li>
 * </ul>
 * ORT then fuses DQ→Conv→Q into QLinearConv, DQ→Add→Q into QLinearAdd, DQ→GlobalAveragePool→Q into
 * QLinearGlobalAveragePool, DQ→MatMul→Q into QLinearMatMul and DQ→Gemm(→Q) into QGemm; which really
 * happened is read back from ORT profiling by {@link OrtRunner#executedKernels}. Graph outputs stay
 * float so the last layer keeps full-precision logits.
 */
final class StaticQuantizer {
    /** Ops whose output may reuse their input's quantization parameters, so ORT drops their Q/DQ pair. */
    static final Set<String> PASS_THROUGH = Set.of("MaxPool", "Reshape", "Transpose", "Squeeze",
            "Unsqueeze", "Flatten");
    /** Weight-free ops ORT runs in int8 when all their inputs and the output are Q/DQ'd (QLinearAdd …). */
    static final Set<String> ACTIVATION_OPS = Set.of("Add", "GlobalAveragePool", "AveragePool");
    /**
     * Non-grouped convs with fewer output channels stay fp32: ORT's int8 conv packs output channels in
     * blocks of 8+ and, measured on mnist-cnn's 5-filter convs at batch 8, ran 2-8x slower than its
     * fp32 NCHWc conv (82 µs vs 10 µs, 48 µs vs 25 µs).
     */
    static final int MIN_INT8_CONV_FILTERS = 8;

    private StaticQuantizer() {
    }

    static TransformResult apply(ModelProto model, CalibrationData data, VariantRecipe recipe, OrtRunner runner) {
        return recipe.fp32Sensitive() > 0 ? SensitiveLayers.apply(model, data, recipe, runner)
                : apply(model, data, recipe, runner, LayerChoice.none());
    }

    /** The recipe's quantization, leaving also the layers {@code choice} names fp32. */
    static TransformResult apply(ModelProto model, CalibrationData data, VariantRecipe recipe, OrtRunner runner,
                                 LayerChoice choice) {
        CalibrationMethod method = recipe.calibration();
        List<String> notes = new ArrayList<>();
        if (Graphs.opset(model) < 13) {
            // Per-channel DequantizeLinear (axis) needs opset 13; QLinearConv/MatMulInteger take per-channel
            // weight scales since opset 10, so older models get the QOperator form instead.
            return QOperatorQuantizer.apply(model, data, recipe, runner, choice);
        }
        model = flattenAsReshape(ConvAffineFolder.prepare(model, notes));
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        Graphs.Names names = new Graphs.Names(g);

        Map<Integer, Integer> weightAxis = new LinkedHashMap<>();
        Set<Integer> quantized = new HashSet<>(); // weight and activation ops run in int8
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            Integer axis = weightAxis(n, inits);
            if (axis != null && keptFp32(g, i, inits, consumers, recipe, choice, notes)) {
                continue;
            } else if (axis != null) {
                weightAxis.put(i, axis);
                quantized.add(i);
            } else if (UnstructuredPruner.isWeightOp(n)) {
                String why = n.getInputList().stream().limit(2).noneMatch(inits::containsKey)
                        ? UnstructuredPruner.noWeight(n, inits)
                        : n.getOpType() + " without a supported float weight initializer"
                                + " (or Gemm with transA/alpha/beta)";
                notes.add(Graphs.nodeName(n, i) + ": " + why + "; left fp32");
            } else if (isActivationOp(n, inits) && choice.int8(Graphs.nodeName(n, i))) {
                quantized.add(i);
            }
        }
        if (weightAxis.isEmpty()) {
            String why = "no Conv/Gemm/MatMul with a float weight initializer that int8 helps";
            notes.add(why + ": nothing quantized");
            return TransformResult.noop(model, notes, why);
        }

        Set<Integer> removedAct = new HashSet<>();
        Map<Integer, String> outputOf = new HashMap<>(); // quantized node -> tensor its quantizer observes
        Set<String> act = new LinkedHashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (!quantized.contains(i)) {
                continue;
            }
            NodeProto n = g.getNode(i);
            if (weightAxis.containsKey(i)) {
                act.add(n.getInput(0));
            } else {
                n.getInputList().stream().filter(t -> !t.isEmpty()).forEach(act::add);
            }
            String y = n.getOutput(0);
            List<Integer> cons = consumers.getOrDefault(y, List.of());
            if (!outputs.contains(y) && cons.size() == 1 && isFoldableActivation(g.getNode(cons.get(0)), inits)
                    && !outputs.contains(g.getNode(cons.get(0)).getOutput(0))) {
                removedAct.add(cons.get(0));
                y = g.getNode(cons.get(0)).getOutput(0);
            }
            boolean feedsInt8 = consumers.getOrDefault(y, List.of()).stream()
                    .anyMatch(c -> quantized.contains(c) || PASS_THROUGH.contains(g.getNode(c).getOpType()));
            // A Gemm/MatMul whose result only feeds float ops keeps a float output (QGemm writes float).
            boolean keepFloat = !n.getOpType().equals("Conv") && !ACTIVATION_OPS.contains(n.getOpType()) && !feedsInt8;
            if (!outputs.contains(y) && !keepFloat) {
                outputOf.put(i, y);
                act.add(y);
            }
        }
        act.removeIf(inits::containsKey);
        // Pass-through ops between two quantized tensors: quantize their output too, with the input's parameters.
        for (NodeProto n : g.getNodeList()) {
            if (PASS_THROUGH.contains(n.getOpType()) && act.contains(n.getInput(0))
                    && consumers.getOrDefault(n.getOutput(0), List.of()).stream().anyMatch(quantized::contains)) {
                act.add(n.getOutput(0));
            }
        }

        List<String> observed = new ArrayList<>(act);
        Map<String, float[]> ranges = choice.observe(model, observed, data, method, runner);
        Map<String, float[]> params = new HashMap<>();
        ranges.forEach((t, r) -> params.put(t, ActivationRanges.uint8Params(r)));
        for (NodeProto n : g.getNodeList()) {
            if (PASS_THROUGH.contains(n.getOpType()) && params.containsKey(n.getInput(0))
                    && params.containsKey(n.getOutput(0))) {
                params.put(n.getOutput(0), params.get(n.getInput(0)));
            }
        }

        GraphProto.Builder out = g.toBuilder().clearNode();
        Map<String, String> qdqInput = new HashMap<>(); // graph input tensor -> its DQ output
        for (String t : act) {
            if (isGraphInput(g, t)) {
                String dq = insertQdq(out, names, t, t, names.fresh(t + "_dq"), params.get(t));
                qdqInput.put(t, dq);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (removedAct.contains(i)) {
                continue;
            }
            NodeProto.Builder nb = g.getNode(i).toBuilder();
            for (int k = 0; k < nb.getInputCount(); k++) {
                String r = qdqInput.get(nb.getInput(k));
                if (r != null) {
                    nb.setInput(k, r);
                }
            }
            Integer axis = weightAxis.get(i);
            if (axis != null) {
                quantizeWeights(nb, axis, inits, params.get(g.getNode(i).getInput(0)), out, names);
            }
            String y = outputOf.get(i);
            if (y != null) {
                nb.setOutput(0, y); // the removed activation's output, when there was one
            }
            String y0 = nb.getOutput(0);
            boolean quantOut = act.contains(y0) && !isGraphInput(g, y0);
            if (quantOut) {
                nb.setOutput(0, names.fresh(y0 + "_f"));
            }
            out.addNode(nb);
            if (quantOut) {
                insertQdq(out, names, nb.getOutput(0), y0, y0, params.get(y0));
            }
        }
        notes.add("activations uint8 asymmetric, weights int8 per-channel symmetric, calibration "
                + method + " over the given inputs; " + removedAct.size()
                + " Relu/Clip folded into output quantizers");
        return new TransformResult(model.toBuilder().setGraph(Graphs.dropUnreadQuantizers(out.build())).build(),
                notes);
    }

    /**
     * Whether weight op {@code i} stays fp32, noted with why: a narrow conv (see
     * {@link #MIN_INT8_CONV_FILTERS}), with {@code fp32-matmul} a MatMul/Gemm, with {@code fp32-depthwise} a
     * depthwise conv (one input channel per group)
     * unless ONNX Runtime would quantize it anyway: its WeightBiasQuantization pass gives a float-weight Conv
     * between a DequantizeLinear and a QuantizeLinear (through Relu/Clip only) per-tensor int8 weights, coarser
     * than ours, and at opset 10 adds a Round the opset lacks, so the session fails (noted too); with
     * {@code fp32-slow-convs} the kinds {@link SlowInt8Convs} names, under the same exception. The same holds
     * for a layer {@code choice} names ({@code fp32-sensitive}); a layer quantized that could have stayed fp32 is
     * reported to {@code choice} as a candidate.
     */
    static boolean keptFp32(GraphProto g, int i, Map<String, TensorProto> inits, Map<String, List<Integer>> consumers,
                            VariantRecipe recipe, LayerChoice choice, List<String> notes) {
        if (keptByRecipe(g, i, inits, consumers, recipe, notes)) {
            return true;
        }
        NodeProto n = g.getNode(i);
        String name = Graphs.nodeName(n, i);
        boolean keepable = n.getOpType().equals("MatMul") || !reachesQuantizedOp(g, n, inits, consumers, Set.of());
        if (!choice.fp32(name)) {
            if (keepable) {
                choice.candidate(name);
            }
            return false;
        }
        return keptUnlessOrtRequantizes(g, i, inits, consumers, n.getOpType(), VariantRecipe.FP32_SENSITIVE, notes);
    }

    private static boolean keptByRecipe(GraphProto g, int i, Map<String, TensorProto> inits,
                                        Map<String, List<Integer>> consumers, VariantRecipe recipe, List<String> notes) {
        NodeProto n = g.getNode(i);
        if (recipe.fp32MatMul() && (n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm"))) {
            return keptUnlessOrtRequantizes(g, i, inits, consumers, n.getOpType(), VariantRecipe.FP32_MATMUL, notes);
        }
        if (!n.getOpType().equals("Conv")) {
            return false;
        }
        long group = Attributes.getInt(n, "group", 1);
        TensorProto w = inits.get(n.getInput(1));
        if (group == 1 && w.getDims(0) < MIN_INT8_CONV_FILTERS) {
            notes.add(Graphs.nodeName(n, i) + ": Conv with " + w.getDims(0) + " filters (< " + MIN_INT8_CONV_FILTERS
                    + ") left fp32; int8 kernels are slower than fp32 here");
            return true;
        }
        String slow = recipe.fp32SlowConvs() ? SlowInt8Convs.reason(g, n, inits) : null;
        if (slow != null) {
            boolean kept = SlowInt8Convs.keptFp32(g, inits, consumers).contains(i);
            notes.add(Graphs.nodeName(n, i) + ": " + slow + (kept ? " left fp32 (" + VariantRecipe.FP32_SLOW_CONVS + ")"
                    : " quantized all the same: between two int8 ops, where ONNX Runtime would quantize it itself"));
            return kept;
        }
        if (!recipe.fp32Depthwise() || group == 1 || w.getDimsCount() < 2 || w.getDims(1) != 1) {
            return false;
        }
        return keptUnlessOrtRequantizes(g, i, inits, consumers, "depthwise Conv (group " + group + ")",
                VariantRecipe.FP32_DEPTHWISE, notes);
    }

    private static boolean keptUnlessOrtRequantizes(GraphProto g, int i, Map<String, TensorProto> inits,
                                                    Map<String, List<Integer>> consumers, String what, String option,
                                                    List<String> notes) {
        NodeProto n = g.getNode(i);
        // ORT's pass takes Conv and Gemm, not MatMul
        boolean kept = n.getOpType().equals("MatMul") || !reachesQuantizedOp(g, n, inits, consumers, Set.of());
        notes.add(Graphs.nodeName(n, i) + ": " + what + " " + (kept ? "left fp32 (" + option + ")"
                : "quantized all the same: its output reaches a quantizer through Relu/Clip only, where ONNX Runtime"
                        + " would give it per-tensor int8 weights itself"));
        return kept;
    }

    /**
     * Whether n's output reaches a Conv/Gemm/MatMul (one not in {@code fp32}, indices of weight ops known to stay
     * fp32) or an activation op through single-consumer Relu/Clip only.
     */
    static boolean reachesQuantizedOp(GraphProto g, NodeProto n, Map<String, TensorProto> inits,
                                      Map<String, List<Integer>> consumers, Set<Integer> fp32) {
        NodeProto at = n;
        while (true) {
            List<Integer> next = consumers.getOrDefault(at.getOutput(0), List.of());
            if (next.size() != 1) {
                return false;
            }
            at = g.getNode(next.get(0));
            if (weightAxis(at, inits) != null) {
                return !fp32.contains(next.get(0));
            }
            if (isActivationOp(at, inits)) {
                return true;
            }
            if (!at.getOpType().equals("Relu") && !at.getOpType().equals("Clip")) {
                return false;
            }
        }
    }

    /** Add of two activations, or a pooling op: runs as QLinearAdd / QLinear*Pool when Q/DQ'd. */
    static boolean isActivationOp(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getDomain().isEmpty() || !ACTIVATION_OPS.contains(n.getOpType())) {
            return false;
        }
        if (n.getOpType().equals("Add")) {
            return n.getInputCount() == 2 && !inits.containsKey(n.getInput(0)) && !inits.containsKey(n.getInput(1));
        }
        return true;
    }

    /**
     * Relu, or Clip with a constant lower bound of 0 (Relu6): a uint8 output quantizer with zero point 0
     * saturates at 0 by itself, and its calibrated upper end is at most the Clip's max (the observed
     * tensor is the activation's output), so the op can go.
     */
    static boolean isFoldableActivation(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getDomain().isEmpty()) {
            return false;
        }
        if (n.getOpType().equals("Relu")) {
            return true;
        }
        if (n.getOpType().equals("Clip") && n.getInputCount() == 1) {
            // opset < 11 Clip: bounds are attributes (min defaults to the lowest float)
            return n.getAttributeList().stream().anyMatch(a -> a.getName().equals("min"))
                    && Attributes.getFloat(n, "min", -1f) == 0f;
        }
        if (!n.getOpType().equals("Clip") || n.getInputCount() < 2 || n.getInput(1).isEmpty()) {
            return false;
        }
        TensorProto lo = inits.get(n.getInput(1));
        return lo != null && Tensors.isFloat(lo) && Tensors.elementCount(lo) == 1 && Tensors.floats(lo)[0] == 0f;
    }

    /**
     * Flatten(axis=1) rewritten as Reshape(x, [0, -1]), the same tensor: ORT drops Q/DQ pairs around
     * Reshape but runs Flatten in fp32 between a DequantizeLinear and a QuantizeLinear.
     */
    private static ModelProto flattenAsReshape(ModelProto model) {
        GraphProto g = model.getGraph();
        if (g.getNodeList().stream().noneMatch(StaticQuantizer::isFlatten1)) {
            return model;
        }
        Graphs.Names names = new Graphs.Names(g);
        String shape = names.fresh("flatten_as_reshape_shape");
        GraphProto.Builder out = g.toBuilder().clearNode()
                .addInitializer(Tensors.int64Tensor(shape, new long[] {2}, new long[] {0, -1}));
        for (NodeProto n : g.getNodeList()) {
            out.addNode(isFlatten1(n) ? Graphs.node("Reshape", n.getName(), List.of(n.getInput(0), shape),
                    n.getOutputList()) : n);
        }
        return model.toBuilder().setGraph(out).build();
    }

    private static boolean isFlatten1(NodeProto n) {
        return n.getOpType().equals("Flatten") && n.getDomain().isEmpty() && Attributes.getInt(n, "axis", 1) == 1;
    }

    /** Output-channel axis of the weight for DequantizeLinear, or null when the node is not handled. */
    static Integer weightAxis(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getDomain().isEmpty() || n.getInputCount() < 2) {
            return null;
        }
        TensorProto w = inits.get(n.getInput(1));
        if (w == null || !Tensors.isFloat(w) || inits.containsKey(n.getInput(0))) {
            return null;
        }
        switch (n.getOpType()) {
            case "Conv":
                return w.getDimsCount() >= 3 ? 0 : null;
            case "Gemm":
                if (w.getDimsCount() != 2 || Attributes.getInt(n, "transA", 0) != 0
                        || Attributes.getFloat(n, "alpha", 1f) != 1f || Attributes.getFloat(n, "beta", 1f) != 1f) {
                    return null;
                }
                return Attributes.getInt(n, "transB", 0) != 0 ? 0 : 1;
            case "MatMul":
                return w.getDimsCount() == 2 ? 1 : null;
            default:
                return null;
        }
    }

    private static void quantizeWeights(NodeProto.Builder nb, int axis, Map<String, TensorProto> inits,
            float[] inParams, GraphProto.Builder out, Graphs.Names names) {
        TensorProto w = inits.get(nb.getInput(1));
        long[] dims = Tensors.dims(w);
        float[] v = Tensors.floats(w);
        int channels = (int) dims[axis];
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        float[] scale = new float[channels];
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % channels;
            scale[c] = Math.max(scale[c], Math.abs(v[i]));
        }
        for (int c = 0; c < channels; c++) {
            scale[c] = scale[c] == 0 ? 1f : scale[c] / 127f;
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] / scale[(i / inner) % channels])));
        }
        String base = w.getName();
        String wq = names.fresh(base + "_int8");
        String ws = names.fresh(base + "_scale");
        String wz = names.fresh(base + "_zero_point");
        String wdq = names.fresh(base + "_dq");
        out.addInitializer(Tensors.byteTensor(wq, DataType.INT8, dims, q));
        out.addInitializer(Tensors.floatTensor(ws, new long[] {channels}, scale));
        out.addInitializer(Tensors.byteTensor(wz, DataType.INT8, new long[] {channels}, new byte[channels]));
        out.addNode(Graphs.node("DequantizeLinear", names.fresh(base + "_dequant"), List.of(wq, ws, wz),
                List.of(wdq), Graphs.intAttribute("axis", axis)));
        nb.setInput(1, wdq);
        if (nb.getInputCount() > 2 && !nb.getInput(2).isEmpty() && inParams != null) {
            TensorProto b = inits.get(nb.getInput(2));
            if (b != null && Tensors.isFloat(b) && Tensors.elementCount(b) == channels) {
                float[] bv = Tensors.floats(b);
                float[] bs = new float[channels];
                int[] bq = new int[channels];
                for (int c = 0; c < channels; c++) {
                    bs[c] = inParams[0] * scale[c];
                    bq[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round((double) bv[c] / bs[c])));
                }
                String bqn = names.fresh(b.getName() + "_int32");
                String bsn = names.fresh(b.getName() + "_scale");
                String bzn = names.fresh(b.getName() + "_zero_point");
                String bdq = names.fresh(b.getName() + "_dq");
                out.addInitializer(Tensors.int32Tensor(bqn, new long[] {channels}, bq));
                out.addInitializer(Tensors.floatTensor(bsn, new long[] {channels}, bs));
                out.addInitializer(Tensors.int32Tensor(bzn, new long[] {channels}, new int[channels]));
                out.addNode(Graphs.node("DequantizeLinear", names.fresh(b.getName() + "_dequant"),
                        List.of(bqn, bsn, bzn), List.of(bdq), Graphs.intAttribute("axis", 0)));
                nb.setInput(2, bdq);
            }
        }
    }

    /** Adds Q(from) → DQ → to; returns {@code to}. */
    private static String insertQdq(GraphProto.Builder out, Graphs.Names names, String from, String tensor, String to,
            float[] p) {
        String s = names.fresh(tensor + "_act_scale");
        String z = names.fresh(tensor + "_act_zero_point");
        String q = names.fresh(tensor + "_uint8");
        out.addInitializer(Tensors.floatTensor(s, new long[0], new float[] {p[0]}));
        out.addInitializer(Tensors.byteTensor(z, DataType.UINT8, new long[0], new byte[] {(byte) (int) p[1]}));
        out.addNode(Graphs.node("QuantizeLinear", names.fresh(tensor + "_quant"), List.of(from, s, z), List.of(q)));
        out.addNode(Graphs.node("DequantizeLinear", names.fresh(tensor + "_dequant"), List.of(q, s, z), List.of(to)));
        return to;
    }

    private static boolean isGraphInput(GraphProto g, String t) {
        return g.getInputList().stream().anyMatch(v -> v.getName().equals(t));
    }
}
