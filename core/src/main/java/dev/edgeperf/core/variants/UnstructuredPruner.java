package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Global magnitude pruning: the smallest-magnitude fraction S of all Conv/Gemm/MatMul weights (pooled
 * over layers) is set to zero, exactly {@code round(S × total)} values. Tensors keep their dense
 * shape, so dense kernels run no faster; the gain is compressibility and a sparse-kernel upper bound.
 */
final class UnstructuredPruner {
    private UnstructuredPruner() {
    }

    static TransformResult apply(ModelProto model, double sparsity) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        List<String> notes = new ArrayList<>();
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String w = weightOf(n, inits);
            if (w == null) {
                if (isWeightOp(n)) {
                    notes.add(Graphs.nodeName(n, i) + ": " + noWeight(n, inits) + "; left dense");
                }
                continue;
            }
            weights.computeIfAbsent(w, k -> Tensors.floats(inits.get(k)));
        }
        if (weights.isEmpty()) {
            throw EdgeperfException.userError("pruned:unstructured: model has no Conv/Gemm/MatMul with a float "
                    + "weight initializer; expected at least one prunable layer");
        }
        int total = weights.values().stream().mapToInt(a -> a.length).sum();
        long target = Math.round(sparsity * total);
        float[] mags = new float[total];
        int p = 0;
        for (float[] w : weights.values()) {
            for (float v : w) {
                mags[p++] = Math.abs(v);
            }
        }
        if (target == 0) {
            return TransformResult.noop(model, notes, "sparsity " + sparsity + " of " + total
                    + " weights rounds to 0 weights to zero");
        }
        Arrays.sort(mags);
        float threshold = target == 0 ? -1f : mags[(int) target - 1];
        long below = 0;
        for (float m : mags) {
            if (m < threshold) {
                below++;
            } else {
                break;
            }
        }
        // Ties at the threshold are zeroed in graph order until the exact target count is reached.
        long tiesToZero = target - below;
        GraphProto.Builder out = g.toBuilder().clearInitializer();
        for (TensorProto t : g.getInitializerList()) {
            float[] w = weights.get(t.getName());
            if (w == null) {
                out.addInitializer(t);
                continue;
            }
            for (int i = 0; i < w.length; i++) {
                float m = Math.abs(w[i]);
                if (m < threshold) {
                    w[i] = 0f;
                } else if (m == threshold && tiesToZero > 0) {
                    w[i] = 0f;
                    tiesToZero--;
                }
            }
            out.addInitializer(Tensors.floatTensor(t.getName(), Tensors.dims(t), w));
        }
        return new TransformResult(model.toBuilder().setGraph(out).build(), notes);
    }

    static boolean isWeightOp(NodeProto n) {
        String op = n.getOpType();
        return n.getDomain().isEmpty() && (op.equals("Conv") || op.equals("Gemm") || op.equals("MatMul"));
    }

    /**
     * Why a Conv/Gemm/MatMul has no weight a transform could change, for its note: attention's
     * Q·Kᵀ and scores·V multiply two activations, which is not the same as a weight stored oddly.
     */
    static String noWeight(NodeProto n, Map<String, TensorProto> inits) {
        boolean constant = n.getInputList().stream().limit(2).anyMatch(inits::containsKey);
        return constant ? "weight is not a float initializer" : "multiplies two activations, there is no weight";
    }

    /** Name of the float weight initializer of a Conv/Gemm/MatMul node, or null. */
    static String weightOf(NodeProto n, Map<String, TensorProto> inits) {
        if (!isWeightOp(n) || n.getInputCount() < 2) {
            return null;
        }
        String w = n.getInput(1);
        if (!inits.containsKey(w) && n.getOpType().equals("MatMul")) {
            w = n.getInput(0);
        }
        TensorProto t = inits.get(w);
        return t != null && Tensors.isFloat(t) ? w : null;
    }
}
