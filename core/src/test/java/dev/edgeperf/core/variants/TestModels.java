package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.Tensors;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.List;
import java.util.SplittableRandom;

/** Small hand-built ONNX models for the variant tests (input "input", output "output"). */
final class TestModels {
    private TestModels() {
    }

    /** mnist-cnn from the zoo when it is implemented, else null. */
    /** The zoo's trained mnist-cnn. */
    static ModelProto zooMnist() {
        return ModelZoo.buildProto("mnist-cnn");
    }

    /** [N,1,28,28] → Conv 8@3×3 pad 1 → Relu → MaxPool 2 → Conv 12@3×3 → Relu → MaxPool 2 → Flatten → Gemm 64 → Relu → Gemm 10. */
    static ModelProto smallCnn() {
        Builder b = new Builder(1);
        b.init("c1.w", new long[] {8, 1, 3, 3}, 0.4f);
        b.init("c1.b", new long[] {8}, 0.1f);
        b.init("c2.w", new long[] {12, 8, 3, 3}, 0.15f);
        b.init("c2.b", new long[] {12}, 0.1f);
        b.init("f1.w", new long[] {64, 12 * 6 * 6}, 0.05f);
        b.init("f1.b", new long[] {64}, 0.1f);
        b.init("f2.w", new long[] {10, 64}, 0.2f);
        b.init("f2.b", new long[] {10}, 0.1f);
        b.node("Conv", "c1", List.of("input", "c1.w", "c1.b"), "c1.out", Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)));
        b.node("Relu", "r1", List.of("c1.out"), "r1.out");
        b.node("MaxPool", "p1", List.of("r1.out"), "p1.out", Graphs.intsAttribute("kernel_shape", List.of(2L, 2L)),
                Graphs.intsAttribute("strides", List.of(2L, 2L)));
        b.node("Conv", "c2", List.of("p1.out", "c2.w", "c2.b"), "c2.out");
        b.node("Relu", "r2", List.of("c2.out"), "r2.out");
        b.node("MaxPool", "p2", List.of("r2.out"), "p2.out", Graphs.intsAttribute("kernel_shape", List.of(2L, 2L)),
                Graphs.intsAttribute("strides", List.of(2L, 2L)));
        b.node("Flatten", "flat", List.of("p2.out"), "flat.out", Graphs.intAttribute("axis", 1));
        b.node("Gemm", "f1", List.of("flat.out", "f1.w", "f1.b"), "f1.out", Graphs.intAttribute("transB", 1));
        b.node("Relu", "r3", List.of("f1.out"), "r3.out");
        b.node("Gemm", "f2", List.of("r3.out", "f2.w", "f2.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("small-cnn", new long[] {-1, 1, 28, 28}, new long[] {-1, 10});
    }

    /** A residual block: Conv → Relu → Conv → Add(skip) → Relu → GlobalAveragePool → Flatten → Gemm 10. */
    static ModelProto residual() {
        Builder b = new Builder(2);
        b.init("stem.w", new long[] {8, 3, 3, 3}, 0.3f);
        b.init("a.w", new long[] {8, 8, 3, 3}, 0.1f);
        b.init("b.w", new long[] {8, 8, 3, 3}, 0.1f);
        b.init("fc.w", new long[] {10, 8}, 0.3f);
        b.init("fc.b", new long[] {10}, 0.1f);
        var pads = Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Conv", "stem", List.of("input", "stem.w"), "s", pads);
        b.node("Relu", "sr", List.of("s"), "sr.out");
        b.node("Conv", "a", List.of("sr.out", "a.w"), "a.out", pads);
        b.node("Relu", "ar", List.of("a.out"), "ar.out");
        b.node("Conv", "b", List.of("ar.out", "b.w"), "b.out", pads);
        b.node("Add", "add", List.of("b.out", "sr.out"), "add.out");
        b.node("Relu", "addr", List.of("add.out"), "addr.out");
        b.node("GlobalAveragePool", "gap", List.of("addr.out"), "gap.out");
        b.node("Flatten", "flat", List.of("gap.out"), "flat.out");
        b.node("Gemm", "fc", List.of("flat.out", "fc.w", "fc.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("residual", new long[] {-1, 3, 16, 16}, new long[] {-1, 10});
    }

    /**
     * A residual block with batch norms, as torchvision writes them: Conv(bias) → BN → Relu → Conv → BN →
     * Relu → Conv → BN → Add(skip) → Relu → GlobalAveragePool → Flatten → Gemm 10; 16 filters per conv.
     */
    static ModelProto residualWithBatchNorm() {
        Builder b = new Builder(6);
        int c = 16;
        b.init("stem.w", new long[] {c, 3, 3, 3}, 0.3f);
        b.init("stem.b", new long[] {c}, 0.1f);
        b.init("a.w", new long[] {c, c, 3, 3}, 0.1f);
        b.init("b.w", new long[] {c, c, 3, 3}, 0.1f);
        b.init("fc.w", new long[] {10, c}, 0.3f);
        b.init("fc.b", new long[] {10}, 0.1f);
        for (String bn : List.of("stem.bn", "a.bn", "b.bn")) {
            b.initAround(bn + ".gamma", c, 1.0f, 0.5f);
            b.initAround(bn + ".beta", c, 0f, 0.2f);
            b.initAround(bn + ".mean", c, 0f, 0.2f);
            b.initAround(bn + ".var", c, 1.25f, 0.75f);
        }
        var pads = Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Conv", "stem", List.of("input", "stem.w", "stem.b"), "s", pads);
        b.batchNorm("stem.bn", "s", "s.bn");
        b.node("Relu", "sr", List.of("s.bn"), "sr.out");
        b.node("Conv", "a", List.of("sr.out", "a.w"), "a.out", pads);
        b.batchNorm("a.bn", "a.out", "a.bn.out");
        b.node("Relu", "ar", List.of("a.bn.out"), "ar.out");
        b.node("Conv", "b", List.of("ar.out", "b.w"), "b.out", pads);
        b.batchNorm("b.bn", "b.out", "b.bn.out");
        b.node("Add", "add", List.of("b.bn.out", "sr.out"), "add.out");
        b.node("Relu", "addr", List.of("add.out"), "addr.out");
        b.node("GlobalAveragePool", "gap", List.of("addr.out"), "gap.out");
        b.node("Flatten", "flat", List.of("gap.out"), "flat.out");
        b.node("Gemm", "fc", List.of("flat.out", "fc.w", "fc.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("residual-bn", new long[] {-1, 3, 16, 16}, new long[] {-1, 10});
    }

    /** [N,32] → MatMul 32×64 → Add → Relu → MatMul 64×10 → output (no Conv). */
    static ModelProto mlp() {
        Builder b = new Builder(3);
        b.init("w1", new long[] {32, 64}, 0.2f);
        b.init("b1", new long[] {64}, 0.1f);
        b.init("w2", new long[] {64, 10}, 0.2f);
        b.node("MatMul", "mm1", List.of("input", "w1"), "mm1.out");
        b.node("Add", "add1", List.of("mm1.out", "b1"), "add1.out");
        b.node("Relu", "relu1", List.of("add1.out"), "relu1.out");
        b.node("MatMul", "mm2", List.of("relu1.out", "w2"), "output");
        return b.model("mlp", new long[] {-1, 32}, new long[] {-1, 10});
    }

    /**
     * A transformer encoder block over {@code [N, 16, 64]} at {@code opset}: Q/K/V projections (MatMul +
     * Add bias), softmax(Q·Kᵀ/8)·V, output projection + residual, FFN 64-128-64 with Relu + residual.
     */
    static ModelProto transformerBlock(long opset) {
        Builder b = new Builder(9);
        float s64 = (float) Math.sqrt(3.0 / 64);
        for (String p : List.of("q", "k", "v", "o")) {
            b.init(p + ".w", new long[] {64, 64}, s64);
            b.init(p + ".b", new long[] {64}, 0.1f);
        }
        b.init("f1.w", new long[] {64, 128}, s64);
        b.init("f1.b", new long[] {128}, 0.1f);
        b.init("f2.w", new long[] {128, 64}, (float) Math.sqrt(3.0 / 128));
        b.init("f2.b", new long[] {64}, 0.1f);
        b.initValues("inv_sqrt_d", new long[0], new float[] {0.125f});
        for (String p : List.of("q", "k", "v")) {
            b.node("MatMul", p + ".mm", List.of("input", p + ".w"), p + ".mm.out");
            b.node("Add", p + ".add", List.of(p + ".mm.out", p + ".b"), p + ".out");
        }
        b.node("Transpose", "kt", List.of("k.out"), "kt.out", Graphs.intsAttribute("perm", List.of(0L, 2L, 1L)));
        b.node("MatMul", "scores", List.of("q.out", "kt.out"), "scores.out");
        b.node("Mul", "scale", List.of("scores.out", "inv_sqrt_d"), "scaled.out");
        b.node("Softmax", "softmax", List.of("scaled.out"), "probs", Graphs.intAttribute("axis", 2));
        b.node("MatMul", "context", List.of("probs", "v.out"), "context.out");
        b.node("MatMul", "o.mm", List.of("context.out", "o.w"), "o.mm.out");
        b.node("Add", "o.add", List.of("o.mm.out", "o.b"), "o.out");
        b.node("Add", "res1", List.of("o.out", "input"), "res1.out");
        b.node("MatMul", "f1.mm", List.of("res1.out", "f1.w"), "f1.mm.out");
        b.node("Add", "f1.add", List.of("f1.mm.out", "f1.b"), "f1.out");
        b.node("Relu", "f1.relu", List.of("f1.out"), "f1.relu.out");
        b.node("MatMul", "f2.mm", List.of("f1.relu.out", "f2.w"), "f2.mm.out");
        b.node("Add", "f2.add", List.of("f2.mm.out", "f2.b"), "f2.out");
        b.node("Add", "res2", List.of("f2.out", "res1.out"), "output");
        return b.model("transformer-block", new long[] {-1, 16, 64}, new long[] {-1, 16, 64}, opset);
    }

    /** {@code m} importing another default-domain opset; for models whose ops mean the same at both. */
    static ModelProto atOpset(ModelProto m, long opset) {
        return m.toBuilder().clearOpsetImport().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("")
                .setVersion(opset)).build();
    }

    static final class Builder {
        private final GraphProto.Builder g = GraphProto.newBuilder();
        private final SplittableRandom rnd;

        Builder(long seed) {
            rnd = new SplittableRandom(seed);
        }

        void init(String name, long[] dims, float scale) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
            }
            g.addInitializer(Tensors.floatTensor(name, dims, v));
        }

        /** {@code n} values uniform in [center − spread, center + spread]. */
        void initAround(String name, int n, float center, float spread) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (center + (rnd.nextDouble() * 2 - 1) * spread);
            }
            g.addInitializer(Tensors.floatTensor(name, new long[] {n}, v));
        }

        /** BatchNormalization with parameters {@code <bn>.gamma/.beta/.mean/.var}, epsilon 1e-5. */
        void batchNorm(String bn, String in, String out) {
            g.addNode(Graphs.node("BatchNormalization", bn, List.of(in, bn + ".gamma", bn + ".beta", bn + ".mean",
                    bn + ".var"), List.of(out), ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("epsilon")
                    .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOAT).setF(1e-5f).build()));
        }

        void initValues(String name, long[] dims, float[] v) {
            g.addInitializer(Tensors.floatTensor(name, dims, v));
        }

        void node(String op, String name, List<String> in, String out, ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
            g.addNode(Graphs.node(op, name, in, List.of(out), attrs));
        }

        ModelProto model(String name, long[] inShape, long[] outShape) {
            return model(name, inShape, outShape, 17);
        }

        ModelProto model(String name, long[] inShape, long[] outShape, long opset) {
            g.setName(name).addInput(valueInfo("input", inShape)).addOutput(valueInfo("output", outShape));
            return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                    .setGraph(g).build();
        }

        private static ValueInfoProto valueInfo(String name, long[] shape) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (long d : shape) {
                s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                        : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
        }
    }

    /** Input shape of a model with batch n (dynamic dims other than the batch are not supported here). */
    static long[] inputShape(ModelProto m, int n) {
        var dims = m.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = i == 0 ? n : dims.get(i).getDimValue();
        }
        return s;
    }

    static NodeProto nodeNamed(ModelProto m, String name) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }
}
