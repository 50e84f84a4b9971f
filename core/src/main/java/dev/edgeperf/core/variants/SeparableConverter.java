package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces every non-grouped Conv with a kh×kw kernel (kh·kw &gt; 1) by a depthwise kh×kw Conv
 * (group = Cin, same strides/pads/dilations) followed by a pointwise 1×1 Conv carrying the original
 * bias. Weights are the least-squares fit: for input channel i the matrix M_i[o, :] = W[o, i, :, :]
 * (Cout × kh·kw) is replaced by its best rank-1 approximation σ·u·vᵀ (power iteration on M_iᵀM_i), giving
 * the depthwise kernel D[i] = v and the pointwise column P[:, i] = σ·u. Exact when each M_i has rank 1.
 */
final class SeparableConverter {
    private static final int POWER_ITERATIONS = 300;

    private SeparableConverter() {
    }

    static TransformResult apply(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Graphs.Names names = new Graphs.Names(g);
        List<String> notes = new ArrayList<>();
        GraphProto.Builder out = g.toBuilder().clearNode();
        int converted = 0;
        for (int idx = 0; idx < g.getNodeCount(); idx++) {
            NodeProto n = g.getNode(idx);
            if (!n.getOpType().equals("Conv") || !n.getDomain().isEmpty()) {
                out.addNode(n);
                continue;
            }
            String name = Graphs.nodeName(n, idx);
            TensorProto w = inits.get(n.getInput(1));
            if (w == null || !Tensors.isFloat(w) || w.getDimsCount() != 4) {
                notes.add(name + ": weight is not a 4-D float initializer; left as is");
                out.addNode(n);
                continue;
            }
            if (Attributes.getInt(n, "group", 1) != 1) {
                notes.add(name + ": grouped/depthwise conv (group=" + Attributes.getInt(n, "group", 1) + "); left as is");
                out.addNode(n);
                continue;
            }
            int cout = (int) w.getDims(0);
            int cin = (int) w.getDims(1);
            int kh = (int) w.getDims(2);
            int kw = (int) w.getDims(3);
            if (kh * kw <= 1) {
                notes.add(name + ": 1x1 kernel is already pointwise; left as is");
                out.addNode(n);
                continue;
            }
            float[] wv = Tensors.floats(w);
            int k2 = kh * kw;
            float[] dw = new float[cin * k2];
            float[] pw = new float[cout * cin];
            double[] m = new double[cout * k2];
            for (int i = 0; i < cin; i++) {
                for (int o = 0; o < cout; o++) {
                    for (int j = 0; j < k2; j++) {
                        m[o * k2 + j] = wv[(o * cin + i) * k2 + j];
                    }
                }
                double[][] uv = topSingularPair(m, cout, k2);
                double[] u = uv[0];
                double[] v = uv[1];
                double sigma = uv[2][0];
                for (int j = 0; j < k2; j++) {
                    dw[i * k2 + j] = (float) v[j];
                }
                for (int o = 0; o < cout; o++) {
                    pw[o * cin + i] = (float) (sigma * u[o]);
                }
            }
            String base = n.getName().isEmpty() ? "conv" + idx : n.getName();
            String dwW = names.fresh(base + "_dw_weight");
            String pwW = names.fresh(base + "_pw_weight");
            String mid = names.fresh(base + "_dw_out");
            out.addInitializer(Tensors.floatTensor(dwW, new long[] {cin, 1, kh, kw}, dw));
            out.addInitializer(Tensors.floatTensor(pwW, new long[] {cout, cin, 1, 1}, pw));
            NodeProto.Builder depthwise = NodeProto.newBuilder().setOpType("Conv").setName(names.fresh(base + "_dw"))
                    .addInput(n.getInput(0)).addInput(dwW).addOutput(mid);
            for (AttributeProto a : n.getAttributeList()) {
                if (!a.getName().equals("group") && !a.getName().equals("kernel_shape")) {
                    depthwise.addAttribute(a);
                }
            }
            depthwise.addAttribute(Graphs.intAttribute("group", cin));
            depthwise.addAttribute(Graphs.intsAttribute("kernel_shape", List.of((long) kh, (long) kw)));
            NodeProto.Builder pointwise = NodeProto.newBuilder().setOpType("Conv").setName(names.fresh(base + "_pw"))
                    .addInput(mid).addInput(pwW).addOutput(n.getOutput(0))
                    .addAttribute(Graphs.intsAttribute("kernel_shape", List.of(1L, 1L)));
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                pointwise.addInput(n.getInput(2));
            }
            out.addNode(depthwise).addNode(pointwise);
            converted++;
        }
        if (converted == 0) {
            throw EdgeperfException.userError("separable: model '" + g.getName() + "' has no non-grouped Conv with "
                    + "a kernel larger than 1x1; expected at least one eligible conv");
        }
        // The original weights may now be unused; drop them so the file does not carry both.
        return new TransformResult(model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out.build())).build(),
                notes);
    }

    /**
     * Top singular triple of a rows×cols matrix (row-major): {u, v, {σ}}. Power iteration on MᵀM in
     * double precision from a fixed start, so the result is deterministic; the sign is fixed so that
     * the largest-magnitude entry of v is positive.
     */
    static double[][] topSingularPair(double[] m, int rows, int cols) {
        double[] gram = new double[cols * cols];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < cols; a++) {
                double x = m[r * cols + a];
                if (x == 0) {
                    continue;
                }
                for (int b = 0; b < cols; b++) {
                    gram[a * cols + b] += x * m[r * cols + b];
                }
            }
        }
        double[] v = new double[cols];
        for (int j = 0; j < cols; j++) {
            v[j] = 1.0 + 0.01 * j;
        }
        normalize(v);
        double[] next = new double[cols];
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            for (int a = 0; a < cols; a++) {
                double s = 0;
                for (int b = 0; b < cols; b++) {
                    s += gram[a * cols + b] * v[b];
                }
                next[a] = s;
            }
            if (normalize(next) == 0) {
                return new double[][] {new double[rows], v, {0}};
            }
            System.arraycopy(next, 0, v, 0, cols);
        }
        int big = 0;
        for (int j = 1; j < cols; j++) {
            if (Math.abs(v[j]) > Math.abs(v[big])) {
                big = j;
            }
        }
        if (v[big] < 0) {
            for (int j = 0; j < cols; j++) {
                v[j] = -v[j];
            }
        }
        double[] u = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += m[r * cols + c] * v[c];
            }
            u[r] = s;
        }
        double sigma = normalize(u);
        return new double[][] {u, v, {sigma}};
    }

    private static double normalize(double[] x) {
        double s = 0;
        for (double d : x) {
            s += d * d;
        }
        double norm = Math.sqrt(s);
        if (norm > 0) {
            for (int i = 0; i < x.length; i++) {
                x[i] /= norm;
            }
        }
        return norm;
    }
}
