package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 quantization of MatMul and Gemm: weights become per-output-column symmetric int8
 * (zero point 0); activations are quantized at run time by {@code DynamicQuantizeLinear} (uint8);
 * {@code MatMulInteger} multiplies in int32 and {@code Cast} + {@code Mul(x_scale·w_scale[col])}
 * (+ {@code Add} bias for Gemm) rescale to float. This is the pattern ORT's own quantize_dynamic
 * writes, and ORT fuses it into {@code DynamicQuantizeMatMul}/{@code MatMulIntegerToFloat} int8
 * kernels. Conv layers stay fp32 (dynamic quantization is for MatMul-heavy models) and are noted.
 */
final class DynamicQuantizer {
    private DynamicQuantizer() {
    }

    static TransformResult apply(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Graphs.Names names = new Graphs.Names(g);
        List<String> notes = new ArrayList<>();
        GraphProto.Builder out = g.toBuilder().clearNode();
        int done = 0;
        for (int idx = 0; idx < g.getNodeCount(); idx++) {
            NodeProto n = g.getNode(idx);
            String name = Graphs.nodeName(n, idx);
            String op = n.getOpType();
            if (!n.getDomain().isEmpty() || !(op.equals("MatMul") || op.equals("Gemm"))) {
                if (op.equals("Conv")) {
                    notes.add(name + ": Conv is not dynamically quantized (recipe targets MatMul/Gemm); left fp32");
                }
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
            float[] wv = Tensors.floats(w);
            int rows = (int) w.getDims(0);
            int cols = (int) w.getDims(1);
            int k = transB ? cols : rows;
            int nOut = transB ? rows : cols;
            // Stored as [K, N] so MatMulInteger computes A·B directly whatever Gemm's transB was.
            byte[] q = new byte[k * nOut];
            float[] scale = new float[nOut];
            for (int c = 0; c < nOut; c++) {
                float max = 0;
                for (int r = 0; r < k; r++) {
                    max = Math.max(max, Math.abs(transB ? wv[c * cols + r] : wv[r * cols + c]));
                }
                scale[c] = max == 0 ? 1f : max / 127f;
                for (int r = 0; r < k; r++) {
                    float v = transB ? wv[c * cols + r] : wv[r * cols + c];
                    q[r * nOut + c] = (byte) Math.max(-127, Math.min(127, Math.round(v / scale[c])));
                }
            }
            String base = n.getName().isEmpty() ? op.toLowerCase() + idx : n.getName();
            String wq = names.fresh(base + "_w_int8");
            String ws = names.fresh(base + "_w_scale");
            out.addInitializer(Tensors.byteTensor(wq, TensorProto.DataType.INT8, new long[] {k, nOut}, q));
            out.addInitializer(Tensors.floatTensor(ws, new long[] {nOut}, scale));
            String aq = names.fresh(base + "_a_uint8");
            String as = names.fresh(base + "_a_scale");
            String az = names.fresh(base + "_a_zero_point");
            String acc = names.fresh(base + "_int32");
            String accf = names.fresh(base + "_int32_float");
            String s = names.fresh(base + "_scale");
            out.addNode(Graphs.node("DynamicQuantizeLinear", names.fresh(base + "_quant"), List.of(n.getInput(0)),
                    List.of(aq, as, az)));
            out.addNode(Graphs.node("MatMulInteger", names.fresh(base + "_matmulint"), List.of(aq, wq, az),
                    List.of(acc)));
            out.addNode(Graphs.node("Cast", names.fresh(base + "_cast"), List.of(acc), List.of(accf),
                    Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
            out.addNode(Graphs.node("Mul", names.fresh(base + "_scale_mul"), List.of(as, ws), List.of(s)));
            boolean bias = op.equals("Gemm") && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
            String y = n.getOutput(0);
            String scaled = bias ? names.fresh(base + "_scaled") : y;
            out.addNode(Graphs.node("Mul", names.fresh(base + "_rescale"), List.of(accf, s), List.of(scaled)));
            if (bias) {
                out.addNode(Graphs.node("Add", names.fresh(base + "_bias"), List.of(scaled, n.getInput(2)), List.of(y)));
            }
            done++;
        }
        if (done == 0) {
            notes.add("no MatMul/Gemm with a 2-D float weight: nothing was quantized, the variant equals the baseline");
        }
        return new TransformResult(model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out.build())).build(),
                notes);
    }
}
