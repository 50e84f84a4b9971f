package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Weight sharing: each Conv/Gemm/MatMul weight with at least {@link #MIN_ELEMENTS} values is replaced
 * by a per-layer k-means codebook (float[K]) and one uint8 index per weight, rebuilt at load time by
 * {@code Cast(indices → int32)} + {@code Gather(codebook, indices)} (Gather's output takes the index
 * tensor's shape, so no Reshape is needed; Gather does not accept uint8 indices, hence the Cast).
 *
 * <p>k-means is 1-D Lloyd with linear initialisation between the tensor's min and max (deterministic,
 * and the initialisation Han et al. found best for weight sharing), run on the sorted values.
 */
final class WeightClusterer {
    static final int MIN_ELEMENTS = 256;
    private static final int ITERATIONS = 30;

    private WeightClusterer() {
    }

    static TransformResult apply(ModelProto model, int k) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Graphs.Names names = new Graphs.Names(g);
        List<String> notes = new ArrayList<>();
        java.util.LinkedHashSet<String> targets = new java.util.LinkedHashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String w = UnstructuredPruner.weightOf(n, inits);
            if (w == null) {
                if (UnstructuredPruner.isWeightOp(n)) {
                    notes.add(Graphs.nodeName(n, i) + ": " + UnstructuredPruner.noWeight(n, inits) + "; left as is");
                }
            } else if (Tensors.elementCount(inits.get(w)) < MIN_ELEMENTS) {
                notes.add(Graphs.nodeName(n, i) + ": weight has fewer than " + MIN_ELEMENTS
                        + " values, clustering would not shrink it; left as is");
            } else {
                targets.add(w);
            }
        }
        if (targets.isEmpty()) {
            return TransformResult.noop(model, notes, "no Conv/Gemm/MatMul weight with at least " + MIN_ELEMENTS
                    + " values to cluster");
        }
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        List<NodeProto> decode = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (!targets.contains(t.getName())) {
                out.addInitializer(t);
                continue;
            }
            float[] w = Tensors.floats(t);
            float[] codebook = kmeans(w, k);
            byte[] idx = assign(w, codebook);
            String cb = names.fresh(t.getName() + "_codebook");
            String ix = names.fresh(t.getName() + "_cidx");
            String ix32 = names.fresh(t.getName() + "_cidx_i32");
            out.addInitializer(Tensors.floatTensor(cb, new long[] {codebook.length}, codebook));
            out.addInitializer(Tensors.byteTensor(ix, TensorProto.DataType.UINT8, Tensors.dims(t), idx));
            decode.add(Graphs.node("Cast", names.fresh(ix + "_cast"), List.of(ix), List.of(ix32),
                    Graphs.intAttribute("to", TensorProto.DataType.INT32_VALUE)));
            decode.add(Graphs.node("Gather", names.fresh(t.getName() + "_decode"), List.of(cb, ix32),
                    List.of(t.getName()), Graphs.intAttribute("axis", 0)));
        }
        out.addAllNode(decode).addAllNode(g.getNodeList());
        return new TransformResult(model.toBuilder().setGraph(out).build(), notes);
    }

    /** Sorted codebook of at most k centroids (fewer when the tensor has fewer distinct values). */
    static float[] kmeans(float[] values, int k) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double lo = sorted[0];
        double hi = sorted[sorted.length - 1];
        double[] c = new double[k];
        for (int j = 0; j < k; j++) {
            c[j] = k == 1 ? lo : lo + (hi - lo) * j / (k - 1);
        }
        double[] prefix = new double[sorted.length + 1];
        for (int i = 0; i < sorted.length; i++) {
            prefix[i + 1] = prefix[i] + sorted[i];
        }
        for (int it = 0; it < ITERATIONS; it++) {
            boolean changed = false;
            int start = 0;
            for (int j = 0; j < k; j++) {
                int end = j == k - 1 ? sorted.length : SortedFloats.upperBound(sorted, (c[j] + c[j + 1]) / 2);
                end = Math.max(end, start);
                if (end > start) {
                    double mean = (prefix[end] - prefix[start]) / (end - start);
                    changed |= mean != c[j];
                    c[j] = mean;
                }
                start = end;
            }
            if (!changed) {
                break;
            }
        }
        float[] out = new float[k];
        for (int j = 0; j < k; j++) {
            out[j] = (float) c[j];
        }
        Arrays.sort(out);
        return out;
    }

    /** Index of the nearest codebook entry for each value (codebook sorted ascending). */
    static byte[] assign(float[] values, float[] codebook) {
        byte[] idx = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int pos = Arrays.binarySearch(codebook, values[i]);
            int best;
            if (pos >= 0) {
                best = pos;
            } else {
                int ins = -pos - 1;
                if (ins == 0) {
                    best = 0;
                } else if (ins == codebook.length) {
                    best = codebook.length - 1;
                } else {
                    best = values[i] - codebook[ins - 1] <= codebook[ins] - values[i] ? ins - 1 : ins;
                }
            }
            idx[i] = (byte) best;
        }
        return idx;
    }
}
