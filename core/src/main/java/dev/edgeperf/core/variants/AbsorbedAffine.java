package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scalar affine ops in front of a quantizer, taken into the quantizer: when x = A·h + B is built from h
 * by Mul/Add with scalar constants (paddle2onnx's learnable-affine blocks behind each activation) and
 * only int8 ops read x, then Q(x; s, z) = round(A·h/s + B/s) + z is written QuantizeLinear(h; s/A,
 * z + round(B/s)): the same uint8 tensor to within one rounding step (the split of round()), and the
 * Mul/Add passes over the float tensor are gone. Readers keep x's own (s, z). Not done when A ≤ 0 or
 * the new zero point leaves [0, 255].
 */
final class AbsorbedAffine {
    /** Quantize {@code source} with {@code scale}/{@code zeroPoint} to get x's uint8 form; {@code nodes} go. */
    record Affine(String source, float scale, int zeroPoint, List<Integer> nodes) {
    }

    private static final int MAX_CHAIN = 4;

    private AbsorbedAffine() {
    }

    /**
     * x → its affine, for every tensor read only by nodes in {@code int8Readers} that has uint8 parameters
     * in {@code params} and is built by a scalar Mul/Add chain.
     */
    static Map<String, Affine> find(GraphProto g, Set<Integer> int8Readers, Map<String, float[]> params,
            Map<String, TensorProto> inits) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        Map<String, Affine> found = new HashMap<>();
        for (Map.Entry<String, float[]> e : params.entrySet()) {
            String x = e.getKey();
            List<Integer> readers = consumers.getOrDefault(x, List.of());
            if (outputs.contains(x) || readers.isEmpty() || !int8Readers.containsAll(readers)) {
                continue;
            }
            double a = 1;
            double b = 0;
            String t = x;
            List<Integer> nodes = new ArrayList<>();
            while (nodes.size() < MAX_CHAIN && producer.containsKey(t)
                    && (t.equals(x) || consumers.getOrDefault(t, List.of()).size() == 1 && !outputs.contains(t))) {
                NodeProto n = g.getNode(producer.get(t));
                int k = scalarInput(n, inits);
                if (k < 0) {
                    break;
                }
                double c = Tensors.floats(inits.get(n.getInput(k)))[0];
                if (n.getOpType().equals("Mul")) {
                    a *= c; // x = a·(c·u) + b
                } else {
                    b += a * c; // x = a·(u + c) + b
                }
                nodes.add(producer.get(t));
                t = n.getInput(1 - k);
            }
            float[] p = e.getValue();
            long zp = Math.round(p[1] + b / p[0]);
            if (nodes.isEmpty() || !(a > 0) || Double.isInfinite(a) || zp < 0 || zp > 255 || inits.containsKey(t)) {
                continue;
            }
            found.put(x, new Affine(t, (float) (p[0] / a), (int) zp, nodes));
        }
        return found;
    }

    /** Which input of a two-input ai.onnx Mul or Add is a float scalar constant, or -1. */
    private static int scalarInput(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getDomain().isEmpty() || n.getInputCount() != 2
                || !(n.getOpType().equals("Mul") || n.getOpType().equals("Add"))) {
            return -1;
        }
        for (int k = 0; k < 2; k++) {
            TensorProto t = inits.get(n.getInput(k));
            if (t != null && Tensors.isFloat(t) && Tensors.elementCount(t) == 1 && !inits.containsKey(n.getInput(1 - k))) {
                return k;
            }
        }
        return -1;
    }
}
