package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.apply;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** separable and pruned:structured. */
class StructureTransformsTest {
    @Test
    void separableIsExactForRankOneKernels() {
        // W[o, i] = a[o, i] * K_i: every M_i has rank 1, so depthwise + pointwise reproduces the conv.
        int cout = 6;
        int cin = 3;
        SplittableRandom rnd = new SplittableRandom(5);
        float[][] kernels = new float[cin][9];
        for (float[] k : kernels) {
            for (int j = 0; j < 9; j++) {
                k[j] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        float[] w = new float[cout * cin * 9];
        for (int o = 0; o < cout; o++) {
            for (int i = 0; i < cin; i++) {
                float a = (float) (rnd.nextDouble() * 2 - 1);
                for (int j = 0; j < 9; j++) {
                    w[(o * cin + i) * 9 + j] = a * kernels[i][j];
                }
            }
        }
        TestModels.Builder b = new TestModels.Builder(1);
        b.initValues("w", new long[] {cout, cin, 3, 3}, w);
        b.init("bias", new long[] {cout}, 0.5f);
        b.node("Conv", "conv", List.of("input", "w", "bias"), "output",
                Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)), Graphs.intsAttribute("strides", List.of(2L, 2L)));
        ModelProto m = b.model("rank1", new long[] {-1, cin, 9, 9}, new long[] {-1, cout, 5, 5});
        TransformResult r = apply(m, "separable");
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly("Conv", "Conv");
        NodeProto dw = r.model().getGraph().getNode(0);
        assertThat(Attributes.getInt(dw, "group", 1)).isEqualTo(cin);
        Fidelity f = fidelity(m, r.model(), inputs(m, 2, 2));
        assertThat(f.maxAbsError()).isLessThan(1e-4);
    }

    @Test
    void separableOnMnistKeepsTheOutputShapeAndApproximates() {
        ModelProto m = TestModels.zooMnist();
        TransformResult r = apply(m, "separable");
        assertThat(r.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") && Attributes.getInt(n, "group", 1) > 1)).isNotEmpty();
        CalibrationData data = inputs(m, 3, 1);
        assertThat(RUNNER.run(r.model(), data, "separable").get(0)).hasSize(3 * 10);
        assertThat(r.model().getGraph().getOutput(0).getName()).isEqualTo("output");
    }

    @Test
    void separableWithoutEligibleConvIsAUserError() {
        assertThatThrownBy(() -> apply(TestModels.mlp(), "separable")).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("no non-grouped Conv");
    }

    @Test
    void topSingularPairOfKnownMatrix() {
        // [[3, 0], [0, 1]]: σ = 3, v = (1, 0), u = (1, 0).
        double[][] t = SeparableConverter.topSingularPair(new double[] {3, 0, 0, 1}, 2, 2);
        assertThat(t[2][0]).isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(Math.abs(t[1][0])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void structuredPruningRemovesChannelsAndStillRuns() {
        ModelProto m = TestModels.smallCnn();
        TransformResult r = apply(m, "pruned:structured:0.5");
        var inits = Graphs.initializers(r.model().getGraph());
        assertThat(Tensors.dims(inits.get("c1.w"))).containsExactly(4, 1, 3, 3);
        assertThat(Tensors.dims(inits.get("c1.b"))).containsExactly(4);
        assertThat(Tensors.dims(inits.get("c2.w"))).containsExactly(6, 4, 3, 3);
        assertThat(Tensors.dims(inits.get("f1.w"))).containsExactly(64, 6 * 6 * 6);
        assertThat(RUNNER.run(r.model(), inputs(m, 2, 1), "structured").get(0)).hasSize(2 * 10);
        // Kept filters are the ones with the largest L1 norm, copied unchanged.
        float[] orig = Tensors.floats(Graphs.initializers(m.getGraph()).get("c1.w"));
        boolean[] keep = StructuredPruner.keepByL1(orig, 8, 4);
        float[] kept = Tensors.floats(inits.get("c1.w"));
        int p = 0;
        for (int f = 0; f < 8; f++) {
            if (keep[f]) {
                for (int j = 0; j < 9; j++) {
                    assertThat(kept[p * 9 + j]).isEqualTo(orig[f * 9 + j]);
                }
                p++;
            }
        }
    }

    @Test
    void structuredPruningOnZooMnistRuns() {
        ModelProto m = TestModels.zooMnist();
        TransformResult r = apply(m, "pruned:structured:0.5");
        assertThat(r.model().getSerializedSize()).isLessThan(m.getSerializedSize());
        assertThat(RUNNER.run(r.model(), inputs(m, 2, 1), "structured").get(0)).hasSize(2 * 10);
    }

    @Test
    void structuredPruningLeavesResidualCoupledConvsAlone() {
        ModelProto m = TestModels.residual();
        TransformResult r = apply(m, "pruned:structured:0.5");
        var inits = Graphs.initializers(r.model().getGraph());
        assertThat(Tensors.dims(inits.get("stem.w"))).containsExactly(8, 3, 3, 3);
        assertThat(Tensors.dims(inits.get("b.w"))).containsExactly(8, 4, 3, 3);
        assertThat(Tensors.dims(inits.get("a.w"))).containsExactly(4, 8, 3, 3);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("stem:") && n.contains("consumers"))
                .anyMatch(n -> n.startsWith("b:") && n.contains("Add"));
        assertThat(RUNNER.run(r.model(), inputs(m, 2, 1), "residual").get(0)).hasSize(2 * 10);
    }

    @Test
    void structuredPruningFollowsDepthwiseConvs() {
        TestModels.Builder b = new TestModels.Builder(4);
        b.init("pw1", new long[] {8, 3, 1, 1}, 0.5f);
        b.init("dw", new long[] {8, 1, 3, 3}, 0.5f);
        b.init("dwb", new long[] {8}, 0.1f);
        b.init("pw2", new long[] {5, 8, 1, 1}, 0.5f);
        b.node("Conv", "pw1", List.of("input", "pw1"), "x");
        b.node("Relu", "r", List.of("x"), "xr");
        b.node("Conv", "dw", List.of("xr", "dw", "dwb"), "y", Graphs.intAttribute("group", 8),
                Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)));
        b.node("Conv", "pw2", List.of("y", "pw2"), "output");
        ModelProto m = b.model("mbconv", new long[] {-1, 3, 8, 8}, new long[] {-1, 5, 8, 8});
        TransformResult r = apply(m, "pruned:structured:0.5");
        var inits = Graphs.initializers(r.model().getGraph());
        assertThat(Tensors.dims(inits.get("dw"))).containsExactly(4, 1, 3, 3);
        assertThat(Tensors.dims(inits.get("pw2"))).containsExactly(5, 4, 1, 1);
        assertThat(Attributes.getInt(TestModels.nodeNamed(r.model(), "dw"), "group", 0)).isEqualTo(4);
        assertThat(RUNNER.run(r.model(), inputs(m, 1, 1), "mbconv").get(0)).hasSize(5 * 64);
    }

    @Test
    void structuredPruningCutsTheRowsOfAPaddleStyleMatMulHead() {
        // Filters 0-3 are dead (zero weight and bias): removing them, and the MatMul rows they feed, is exact.
        float[] w = new float[8 * 3 * 9];
        for (int i = 4 * 3 * 9; i < w.length; i++) {
            w[i] = (float) Math.sin(i);
        }
        float[] bias = {0, 0, 0, 0, 0.1f, -0.2f, 0.3f, 0.05f};
        TestModels.Builder b = new TestModels.Builder(8);
        b.initValues("w", new long[] {8, 3, 3, 3}, w);
        b.initValues("bias", new long[] {8}, bias);
        b.init("fc", new long[] {8, 5}, 0.5f);
        b.node("Conv", "conv", List.of("input", "w", "bias"), "c",
                Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)));
        b.node("Relu", "relu", List.of("c"), "r");
        b.node("GlobalAveragePool", "gap", List.of("r"), "g");
        b.node("Flatten", "flat", List.of("g"), "f", Graphs.intAttribute("axis", 1));
        b.node("MatMul", "head", List.of("f", "fc"), "output");
        ModelProto m = b.model("paddle-head", new long[] {-1, 3, 8, 8}, new long[] {-1, 5});
        TransformResult r = apply(m, "pruned:structured:0.5");
        var inits = Graphs.initializers(r.model().getGraph());
        assertThat(Tensors.dims(inits.get("w"))).containsExactly(4, 3, 3, 3);
        assertThat(Tensors.dims(inits.get("fc"))).containsExactly(4, 5);
        assertThat(fidelity(m, r.model(), inputs(m, 2, 2)).maxAbsError()).isLessThan(1e-5);
    }

    @Test
    void structuredPruningStopsAtAFlattenFeedingAOneInputOp() {
        // mobilenet-v1's head: the last conv's chain ends in Flatten -> Softmax, which has no weight to cut;
        // that conv stays, the first one is still pruned (this threw IndexOutOfBounds on the missing input 1)
        TestModels.Builder b = new TestModels.Builder(8);
        b.init("w1", new long[] {8, 3, 3, 3}, 0.5f);
        b.init("w2", new long[] {5, 8, 1, 1}, 0.5f);
        b.node("Conv", "conv1", List.of("input", "w1"), "c1", Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)));
        b.node("Relu", "relu", List.of("c1"), "r");
        b.node("Conv", "conv2", List.of("r", "w2"), "c2");
        b.node("GlobalAveragePool", "gap", List.of("c2"), "g");
        b.node("Flatten", "flat", List.of("g"), "f", Graphs.intAttribute("axis", 1));
        b.node("Softmax", "softmax", List.of("f"), "output");
        ModelProto m = b.model("softmax-head", new long[] {-1, 3, 8, 8}, new long[] {-1, 5});
        TransformResult r = apply(m, "pruned:structured:0.5");
        var inits = Graphs.initializers(r.model().getGraph());
        assertThat(Tensors.dims(inits.get("w1"))).containsExactly(4, 3, 3, 3);
        assertThat(Tensors.dims(inits.get("w2"))).containsExactly(5, 4, 1, 1);
        assertThat(r.notes()).anyMatch(n -> n.contains("conv2") && n.contains("not pruned"));
        assertThat(RUNNER.run(r.model(), inputs(m, 1, 1), "softmax-head").get(0)).hasSize(5);
    }
}
