package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.cost.fixtures.BertFixture;
import dev.edgeperf.core.cost.fixtures.PaddleMobileFixture;
import dev.edgeperf.core.cost.fixtures.TfNhwcCnnFixture;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The exporter-style fixtures of {@code core.cost.fixtures} (PyTorch BERT, tf2onnx NHWC CNN, paddle2onnx
 * MobileNetV3 block) with random weights: the fixtures fill every weight with 0.01, under which magnitude
 * ranking, k-means and fidelity are all degenerate. Weights keep where they live (initializer or
 * Constant node); rank-0 constants (epsilons, Clip bounds, the attention-mask minimum) are left as they are.
 */
final class ExporterModels {
    /** A 2-layer BERT: vocabulary 200, hidden 64, 4 heads, FFN 256, 64 positions. */
    static final BertFixture BERT = new BertFixture(2, 200, 64, 4, 256, 64);

    private ExporterModels() {
    }

    static ModelProto bert() {
        return withRandomWeights(BERT.build().model(), 1);
    }

    static ModelProto tfNhwc() {
        return withRandomWeights(TfNhwcCnnFixture.build().model(), 2);
    }

    static ModelProto paddle() {
        return withRandomWeights(PaddleMobileFixture.build().model(), 3);
    }

    /**
     * Fills every float tensor of more than one value by its role, roughly as trained weights look:
     * Conv weights Gaussian with variance 2/fan-in (He), MatMul weights 1/fan-in, Gather tables N(0, 1),
     * BatchNormalization scale and variance in [0.5, 1.5] (variance must stay positive), Mul operands
     * (LayerNorm scales) in [0.8, 1.2], everything else (biases, shifts) in [-0.1, 0.1].
     */
    static ModelProto withRandomWeights(ModelProto m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, String> role = roles(m.getGraph());
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer().clearNode();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            g.addInitializer(randomized(t, t.getName(), role, rnd));
        }
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Constant")) {
                g.addNode(n);
                continue;
            }
            TensorProto t = randomized(n.getAttribute(0).getT(), n.getOutput(0), role, rnd);
            g.addNode(n.toBuilder().setAttribute(0, n.getAttribute(0).toBuilder().setT(t)));
        }
        return m.toBuilder().setGraph(g).build();
    }

    /** Every float initializer of more than one value moved into a Constant node, as tf2onnx writes weights. */
    static ModelProto initializersAsConstants(ModelProto m) {
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer().clearNode();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (!Tensors.isFloat(t) || Tensors.elementCount(t) <= 1) {
                g.addInitializer(t);
                continue;
            }
            g.addNode(NodeProto.newBuilder().setOpType("Constant").setName(t.getName() + "/Constant")
                    .addOutput(t.getName()).addAttribute(AttributeProto.newBuilder().setName("value")
                            .setType(AttributeProto.AttributeType.TENSOR).setT(t.toBuilder().clearName())));
        }
        return m.toBuilder().setGraph(g.addAllNode(m.getGraph().getNodeList())).build();
    }

    /**
     * Every non-grouped k×k conv weight replaced by its projection onto rank-1 slices
     * W[o, i] = a[o, i] · W[0, i], which depthwise k×k + pointwise 1×1 represents exactly.
     */
    static ModelProto separableKernels(ModelProto m) {
        Map<String, TensorProto> inits = Graphs.initializers(Graphs.normalize(m).getGraph());
        Map<String, float[]> replace = new HashMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            TensorProto w = n.getOpType().equals("Conv") ? inits.get(n.getInput(1)) : null;
            if (w == null || Attributes.getInt(n, "group", 1) != 1 || w.getDims(2) * w.getDims(3) == 1) {
                continue;
            }
            float[] v = Tensors.floats(w);
            int cout = (int) w.getDims(0);
            int cin = (int) w.getDims(1);
            int k2 = (int) (w.getDims(2) * w.getDims(3));
            for (int i = 0; i < cin; i++) {
                double norm = 0;
                for (int j = 0; j < k2; j++) {
                    norm += v[i * k2 + j] * v[i * k2 + j];
                }
                for (int o = 1; o < cout; o++) {
                    double a = 0;
                    for (int j = 0; j < k2; j++) {
                        a += v[(o * cin + i) * k2 + j] * v[i * k2 + j];
                    }
                    for (int j = 0; j < k2; j++) {
                        v[(o * cin + i) * k2 + j] = (float) (a / norm * v[i * k2 + j]);
                    }
                }
            }
            replace.put(w.getName(), v);
        }
        return withValues(m, replace);
    }

    private static ModelProto withValues(ModelProto m, Map<String, float[]> values) {
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer().clearNode();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            float[] v = values.get(t.getName());
            g.addInitializer(v == null ? t : Tensors.floatTensor(t.getName(), Tensors.dims(t), v));
        }
        for (NodeProto n : m.getGraph().getNodeList()) {
            float[] v = n.getOpType().equals("Constant") ? values.get(n.getOutput(0)) : null;
            if (v == null) {
                g.addNode(n);
                continue;
            }
            TensorProto t = n.getAttribute(0).getT();
            g.addNode(n.toBuilder().setAttribute(0, n.getAttribute(0).toBuilder()
                    .setT(Tensors.floatTensor("", Tensors.dims(t), v).toBuilder().clearName())));
        }
        return m.toBuilder().setGraph(g).build();
    }

    private static TensorProto randomized(TensorProto t, String name, Map<String, String> role, SplittableRandom rnd) {
        long n = Tensors.elementCount(t);
        if (!Tensors.isFloat(t) || n <= 1) {
            return t;
        }
        long[] dims = Tensors.dims(t);
        String r = role.getOrDefault(name, "other");
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) switch (r) {
                case "conv" -> rnd.nextGaussian() * Math.sqrt(2.0 * dims[0] / n);
                case "matmul" -> rnd.nextGaussian() * Math.sqrt(1.0 / dims[0]);
                case "bn-scale", "bn-var" -> 0.5 + rnd.nextDouble();
                case "scale" -> 0.8 + 0.4 * rnd.nextDouble();
                case "table" -> rnd.nextGaussian();
                default -> 0.2 * rnd.nextDouble() - 0.1;
            };
        }
        TensorProto out = Tensors.floatTensor(t.getName(), dims, v);
        return t.getName().isEmpty() ? out.toBuilder().clearName().build() : out;
    }

    private static Map<String, String> roles(GraphProto g) {
        Map<String, String> role = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            List<String> in = n.getInputList();
            switch (n.getOpType()) {
                case "Conv" -> role.put(in.get(1), "conv");
                case "MatMul" -> role.put(in.get(1), "matmul");
                case "BatchNormalization" -> {
                    role.put(in.get(1), "bn-scale");
                    role.put(in.get(4), "bn-var");
                }
                case "Mul" -> in.forEach(x -> role.putIfAbsent(x, "scale"));
                case "Gather" -> role.put(in.get(0), "table");
                default -> {
                }
            }
        }
        return role;
    }
}
