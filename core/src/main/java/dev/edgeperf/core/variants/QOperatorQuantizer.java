package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static int8 quantization in the QOperator form, for models of opset 10 to 12 (opset 9 is first raised
 * to 10 by {@link OpsetUpgrade}), where
 * {@code DequantizeLinear} has no per-channel {@code axis} (that came with opset 13) but the int8
 * operators of opset 10 take per-channel weight scales:
 * <ul>
 *   <li>Conv → {@code QLinearConv}: uint8 input and output (asymmetric, scale and zero point from
 *       calibration ranges), int8 weights symmetric per output channel ({@code w_scale} 1-D), bias
 *       int32 with scale x_scale·w_scale[c]; a Relu or Clip(0, max) that is the conv's only consumer
 *       is dropped and its range used for the output quantizer, whose saturation does its work;</li>
 *   <li>MatMul and Gemm (transA 0, alpha = beta = 1) → {@code MatMulInteger} of the uint8 input and
 *       int8 weights stored [K, N], int32 bias added before the {@code Cast}, one {@code Mul} by the
 *       constant x_scale·w_scale[col]: a float output, so logits stay full precision;</li>
 *   <li>Reshape, Flatten, Transpose, Squeeze, Unsqueeze (and MaxPool from opset 12, which takes uint8)
 *       run on the uint8 tensor, sharing its parameters;</li>
 *   <li>Add of two int8 tensors, GlobalAveragePool and AveragePool on one are written
 *       DequantizeLinear → op → QuantizeLinear with per-tensor parameters (valid since opset 10), which
 *       ONNX Runtime fuses into its QLinearAdd / QLinearGlobalAveragePool kernels;</li>
 *   <li>scalar Mul/Add between an fp32 op and a conv input are taken into that input's quantizer
 *       ({@link AbsorbedAffine}); Mul/Add constants behind a conv are folded into it and four-op hard-swish
 *       becomes two ops ({@link ConvAffineFolder#prepare});</li>
 *   <li>anything else reads float: a {@code DequantizeLinear} is inserted before the first float
 *       consumer of an int8 tensor, and a {@code QuantizeLinear} before the first int8 consumer of a
 *       float one.</li>
 * </ul>
 * Only ai.onnx operators are written, so the file stays an opset-10..12 model.
 */
final class QOperatorQuantizer {
    private static final Set<String> PASS_THROUGH = Set.of("Reshape", "Transpose", "Squeeze", "Unsqueeze", "Flatten");
    private static final Set<String> CONV_ATTRIBUTES = Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads",
            "strides");

    private QOperatorQuantizer() {
    }

    static TransformResult apply(ModelProto model, CalibrationData data, VariantRecipe recipe, OrtRunner runner,
                                 LayerChoice choice) {
        CalibrationMethod method = recipe.calibration();
        List<String> notes = new ArrayList<>();
        OpsetUpgrade.Result up = OpsetUpgrade.toOpset10(model);
        if (up.refusal() != null) {
            String why = "opset " + Graphs.opset(model) + " < 10 has no QuantizeLinear/QLinearConv/MatMulInteger and "
                    + up.refusal();
            notes.add(why + "; nothing quantized");
            return TransformResult.noop(model, notes, why);
        }
        if (up.note() != null) {
            notes.add(up.note());
        }
        model = up.model();
        long opset = Graphs.opset(model);
        ModelProto folded = ConvAffineFolder.prepare(model, notes);
        GraphProto g = folded.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);

        Set<Integer> weightOps = new LinkedHashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            Integer axis = StaticQuantizer.weightAxis(n, inits);
            if (axis != null && StaticQuantizer.keptFp32(g, i, inits, consumers, recipe, choice, notes)) {
                continue;
            } else if (axis != null && n.getOpType().equals("Conv") && !floatBiasOrNone(n, inits)) {
                notes.add(Graphs.nodeName(n, i) + ": Conv bias is not a float initializer; left fp32");
            } else if (axis != null) {
                weightOps.add(i);
            } else if (UnstructuredPruner.isWeightOp(n)) {
                String why = n.getInputList().stream().limit(2).noneMatch(inits::containsKey)
                        ? UnstructuredPruner.noWeight(n, inits)
                        : n.getOpType() + " without a supported float weight initializer (or Gemm with transA/alpha/beta)";
                notes.add(Graphs.nodeName(n, i) + ": " + why + "; left fp32");
            }
        }
        if (weightOps.isEmpty()) {
            String why = "no Conv/Gemm/MatMul with a float weight initializer that int8 helps";
            notes.add(why + ": nothing quantized");
            return TransformResult.noop(model, notes, why);
        }

        Map<Integer, String> convOut = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        Set<String> observe = new LinkedHashSet<>();
        for (int i : weightOps) {
            NodeProto n = g.getNode(i);
            observe.add(n.getInput(0));
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            String y = n.getOutput(0);
            List<Integer> cons = consumers.getOrDefault(y, List.of());
            if (!outputs.contains(y) && cons.size() == 1
                    && StaticQuantizer.isFoldableActivation(g.getNode(cons.get(0)), inits)
                    && !outputs.contains(g.getNode(cons.get(0)).getOutput(0))) {
                removed.add(cons.get(0));
                y = g.getNode(cons.get(0)).getOutput(0);
            }
            convOut.put(i, y);
            observe.add(y);
        }
        for (NodeProto n : g.getNodeList()) {
            if (StaticQuantizer.isActivationOp(n, inits) && !outputs.contains(n.getOutput(0))) {
                observe.add(n.getOutput(0));
            }
        }
        observe.removeIf(inits::containsKey);
        Map<String, float[]> params = new HashMap<>();
        choice.observe(folded, new ArrayList<>(observe), data, method, runner)
                .forEach((t, r) -> params.put(t, ActivationRanges.uint8Params(r)));

        Map<String, AbsorbedAffine.Affine> absorbed = AbsorbedAffine.find(g, weightOps, params, inits);
        Set<Integer> affineNodes = new HashSet<>();
        absorbed.values().forEach(a -> affineNodes.addAll(a.nodes()));
        Emitter e = new Emitter(g, params, absorbed);
        int qconv = 0;
        int qmatmul = 0;
        int qdqOps = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (removed.contains(i) || affineNodes.contains(i)) {
                continue;
            }
            if (weightOps.contains(i) && n.getOpType().equals("Conv")) {
                e.conv(n, inits, convOut.get(i));
                qconv++;
            } else if (weightOps.contains(i)) {
                e.matMul(n, inits);
                qmatmul++;
            } else if (e.passesThrough(n, opset)) {
                e.passThrough(n);
            } else if (StaticQuantizer.isActivationOp(n, inits) && e.int8Inputs(n) && params.containsKey(n.getOutput(0))
                    && !outputs.contains(n.getOutput(0)) && choice.int8(Graphs.nodeName(n, i))) {
                e.qdq(n);
                qdqOps++;
            } else {
                e.floatNode(n);
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            e.ensureFloat(v.getName());
        }
        notes.add("QOperator form (opset " + opset + " < 13): " + qconv + " QLinearConv, " + qmatmul
                + " MatMulInteger, " + qdqOps + " Add/pooling as DQ-op-Q for ORT to fuse, " + removed.size()
                + " Relu/Clip folded into output quantizers, " + affineNodes.size() + " scalar Mul/Add taken into the"
                + " quantizers of " + absorbed.size() + " conv inputs; activations uint8 asymmetric (calibration " + method
                + "), weights int8 per-channel symmetric, bias int32");
        GraphProto out = Graphs.dropUnreadQuantizers(e.graph.build());
        return new TransformResult(folded.toBuilder().setGraph(out).build(), notes);
    }

    private static boolean floatBiasOrNone(NodeProto n, Map<String, TensorProto> inits) {
        if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) {
            return true;
        }
        TensorProto b = inits.get(n.getInput(2));
        return b != null && Tensors.isFloat(b) && Tensors.elementCount(b) == inits.get(n.getInput(1)).getDims(0);
    }

    /** Writes the new graph node by node, converting between float and uint8 where a consumer needs it. */
    private static final class Emitter {
        final GraphProto.Builder graph;
        private final Graphs.Names names;
        private final Map<String, float[]> params;
        /** float tensor name -> the uint8 tensor holding it quantized with {@link #params}. */
        private final Map<String, String> int8 = new HashMap<>();
        /** uint8 tensor name -> {scale initializer, zero-point initializer}. */
        private final Map<String, String[]> qparams = new HashMap<>();
        private final Set<String> floats = new HashSet<>();
        /** float tensors made here by a DequantizeLinear (the others an fp32 op wrote), each to itself. */
        private final Map<String, String> dequantized = new HashMap<>();
        /** float tensor an fp32 op wrote -> a DequantizeLinear of its uint8 form, for ops ORT fuses ({@link #qdq}). */
        private final Map<String, String> fusableDequant = new HashMap<>();
        private final Map<String, AbsorbedAffine.Affine> absorbed;

        Emitter(GraphProto g, Map<String, float[]> params, Map<String, AbsorbedAffine.Affine> absorbed) {
            this.graph = g.toBuilder().clearNode();
            this.names = new Graphs.Names(g);
            this.params = params;
            this.absorbed = absorbed;
            g.getInputList().forEach(v -> floats.add(v.getName()));
            g.getInitializerList().forEach(t -> floats.add(t.getName()));
        }

        /** Scale and zero-point initializers of a float tensor's uint8 form (made once). */
        private String[] qparams(String t) {
            return qparams.computeIfAbsent(t, k -> {
                float[] p = params.get(k);
                if (p == null) {
                    throw new IllegalStateException("no calibration range for " + k);
                }
                String s = names.fresh(k + "_scale");
                String z = names.fresh(k + "_zero_point");
                graph.addInitializer(Tensors.floatTensor(s, new long[0], new float[] {p[0]}));
                graph.addInitializer(Tensors.byteTensor(z, DataType.UINT8, new long[0], new byte[] {(byte) (int) p[1]}));
                return new String[] {s, z};
            });
        }

        /** The uint8 tensor for float tensor {@code t}, quantizing it here on first use. */
        String ensureInt8(String t) {
            String q = int8.get(t);
            if (q == null) {
                String[] p = qparams(t);
                AbsorbedAffine.Affine a = absorbed.get(t);
                List<String> in = List.of(t, p[0], p[1]);
                if (a != null) {
                    String s = names.fresh(t + "_absorbed_scale");
                    String z = names.fresh(t + "_absorbed_zero_point");
                    graph.addInitializer(Tensors.floatTensor(s, new long[0], new float[] {a.scale()}));
                    graph.addInitializer(Tensors.byteTensor(z, DataType.UINT8, new long[0],
                            new byte[] {(byte) a.zeroPoint()}));
                    ensureFloat(a.source());
                    in = List.of(a.source(), s, z);
                }
                q = names.fresh(t + "_quantized");
                graph.addNode(Graphs.node("QuantizeLinear", names.fresh(t + "_quant"), in, List.of(q)));
                int8.put(t, q);
            }
            return q;
        }

        /** Makes float tensor {@code t} exist under its own name, dequantizing it here on first use. */
        void ensureFloat(String t) {
            if (t.isEmpty() || floats.contains(t) || !int8.containsKey(t)) {
                return;
            }
            String[] p = qparams(t);
            graph.addNode(Graphs.node("DequantizeLinear", names.fresh(t + "_dequant"), List.of(int8.get(t), p[0], p[1]),
                    List.of(t)));
            floats.add(t);
            dequantized.put(t, t);
        }

        void conv(NodeProto n, Map<String, TensorProto> inits, String y) {
            String x = n.getInput(0);
            String xq = ensureInt8(x);
            String[] xp = qparams(x);
            TensorProto w = inits.get(n.getInput(1));
            int cout = (int) w.getDims(0);
            Int8Weights.PerChannel pc = Int8Weights.conv(Tensors.floats(w), cout);
            String base = w.getName();
            String wq = names.fresh(base + "_int8");
            String ws = names.fresh(base + "_scale");
            String wz = names.fresh(base + "_zero_point");
            graph.addInitializer(Tensors.byteTensor(wq, DataType.INT8, Tensors.dims(w), pc.q()));
            graph.addInitializer(Tensors.floatTensor(ws, new long[] {cout}, pc.scale()));
            graph.addInitializer(Tensors.byteTensor(wz, DataType.INT8, new long[] {cout}, new byte[cout]));
            String[] yp = qparams(y);
            List<String> in = new ArrayList<>(List.of(xq, xp[0], xp[1], wq, ws, wz, yp[0], yp[1]));
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                float xs = params.get(x)[0];
                float[] b = Tensors.floats(inits.get(n.getInput(2)));
                int[] bq = new int[cout];
                for (int c = 0; c < cout; c++) {
                    bq[c] = int32(b[c] / ((double) xs * pc.scale()[c]));
                }
                String bn = names.fresh(n.getInput(2) + "_int32");
                graph.addInitializer(Tensors.int32Tensor(bn, new long[] {cout}, bq));
                in.add(bn);
            }
            String yq = names.fresh(y + "_quantized");
            NodeProto.Builder q = Graphs.node("QLinearConv", n.getName(), in, List.of(yq)).toBuilder();
            for (AttributeProto a : n.getAttributeList()) {
                if (CONV_ATTRIBUTES.contains(a.getName())) {
                    q.addAttribute(a);
                }
            }
            graph.addNode(q);
            int8.put(y, yq);
        }

        void matMul(NodeProto n, Map<String, TensorProto> inits) {
            String x = n.getInput(0);
            String xq = ensureInt8(x);
            String[] xp = qparams(x);
            float xs = params.get(x)[0];
            TensorProto w = inits.get(n.getInput(1));
            boolean gemm = n.getOpType().equals("Gemm");
            boolean transB = gemm && dev.edgeperf.core.onnx.Attributes.getInt(n, "transB", 0) != 0;
            int rows = (int) w.getDims(0);
            int cols = (int) w.getDims(1);
            int k = transB ? cols : rows;
            int nOut = transB ? rows : cols;
            Int8Weights.PerChannel pc = Int8Weights.matrix(Tensors.floats(w), rows, cols, transB);
            String base = n.getName().isEmpty() ? w.getName() : n.getName();
            String wq = names.fresh(base + "_w_int8");
            graph.addInitializer(Tensors.byteTensor(wq, DataType.INT8, new long[] {k, nOut}, pc.q()));
            float[] scale = new float[nOut];
            for (int c = 0; c < nOut; c++) {
                scale[c] = xs * pc.scale()[c];
            }
            String acc = names.fresh(base + "_int32");
            graph.addNode(Graphs.node("MatMulInteger", names.fresh(base + "_matmulinteger"), List.of(xq, wq, xp[1]),
                    List.of(acc)));
            String floatBias = null;
            if (gemm && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                TensorProto b = inits.get(n.getInput(2));
                if (b != null && Tensors.isFloat(b) && Tensors.elementCount(b) == nOut
                        && b.getDims(b.getDimsCount() - 1) == nOut) {
                    float[] bv = Tensors.floats(b);
                    int[] bq = new int[nOut];
                    for (int c = 0; c < nOut; c++) {
                        bq[c] = int32(bv[c] / ((double) scale[c]));
                    }
                    String bn = names.fresh(b.getName() + "_int32");
                    graph.addInitializer(Tensors.int32Tensor(bn, new long[] {nOut}, bq));
                    String biased = names.fresh(base + "_int32_biased");
                    graph.addNode(Graphs.node("Add", names.fresh(base + "_bias"), List.of(acc, bn), List.of(biased)));
                    acc = biased;
                } else {
                    ensureFloat(n.getInput(2));
                    floatBias = n.getInput(2);
                }
            }
            String accf = names.fresh(base + "_int32_float");
            graph.addNode(Graphs.node("Cast", names.fresh(base + "_cast"), List.of(acc), List.of(accf),
                    Graphs.intAttribute("to", DataType.FLOAT_VALUE)));
            String s = names.fresh(base + "_rescale_factor");
            graph.addInitializer(Tensors.floatTensor(s, new long[] {nOut}, scale));
            String y = n.getOutput(0);
            String scaled = floatBias == null ? y : names.fresh(base + "_scaled");
            graph.addNode(Graphs.node("Mul", names.fresh(base + "_rescale"), List.of(accf, s), List.of(scaled)));
            if (floatBias != null) {
                graph.addNode(Graphs.node("Add", names.fresh(base + "_float_bias"), List.of(scaled, floatBias),
                        List.of(y)));
            }
            floats.add(y);
        }

        /** A shape op (or MaxPool from opset 12) on a tensor that only exists as uint8 runs on the uint8 form. */
        boolean passesThrough(NodeProto n, long opset) {
            boolean op = n.getDomain().isEmpty() && (PASS_THROUGH.contains(n.getOpType())
                    || n.getOpType().equals("MaxPool") && opset >= 12 && n.getOutputCount() == 1);
            return op && n.getInputCount() >= 1 && int8.containsKey(n.getInput(0)) && !floats.contains(n.getInput(0));
        }

        void passThrough(NodeProto n) {
            String x = n.getInput(0);
            String y = n.getOutput(0);
            String yq = names.fresh(y + "_quantized");
            NodeProto.Builder b = n.toBuilder().setInput(0, int8.get(x)).setOutput(0, yq);
            for (int k = 1; k < b.getInputCount(); k++) {
                ensureFloat(b.getInput(k));
            }
            graph.addNode(b);
            params.put(y, params.get(x));
            qparams.put(y, qparams(x));
            int8.put(y, yq);
        }

        boolean int8Inputs(NodeProto n) {
            return n.getInputList().stream().filter(t -> !t.isEmpty()).allMatch(int8::containsKey);
        }

        /**
         * DQ(inputs) → op → Q(output): per-tensor QDQ around a weight-free op, fused by ORT. An input that an fp32
         * op wrote (a residual Add's output, say) is read through a DequantizeLinear of its uint8 form all the
         * same: ORT fuses only when every input comes out of a DequantizeLinear and the op's output feeds nothing
         * but its QuantizeLinear, so a chain of residual Adds becomes QLinearAdds instead of fp32 Adds between
         * Q/DQ pairs.
         */
        void qdq(NodeProto n) {
            NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < b.getInputCount(); k++) {
                String t = b.getInput(k);
                if (floats.contains(t) && !dequantized.containsKey(t) && int8.containsKey(t)) {
                    b.setInput(k, fusableDequant.computeIfAbsent(t, x -> {
                        String dq = names.fresh(x + "_dq");
                        String[] p = qparams(x);
                        graph.addNode(Graphs.node("DequantizeLinear", names.fresh(x + "_dequant"),
                                List.of(int8.get(x), p[0], p[1]), List.of(dq)));
                        return dq;
                    }));
                } else {
                    ensureFloat(t);
                }
            }
            graph.addNode(b);
            floats.add(n.getOutput(0));
            ensureInt8(n.getOutput(0));
        }

        void floatNode(NodeProto n) {
            n.getInputList().forEach(this::ensureFloat);
            graph.addNode(n);
            floats.addAll(n.getOutputList());
        }
    }

    private static int int32(double v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(v)));
    }
}
