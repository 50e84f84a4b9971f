package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counts of single ops in tiny hand-built graphs, each worked out by hand in the comment. */
class CostRulesTest {
    private static ModelProfile profile(TinyModel m, long batch, CountingConvention convention) {
        return ModelProfiler.profile(m.bytes(), "tiny.onnx", new ProfileOptions(batch, Map.of(), convention));
    }

    private static NodeCost only(ModelProfile p, String opType) {
        return p.nodes().stream().filter(n -> n.opType().equals(opType)).findFirst().orElseThrow();
    }

    @Test
    void groupedStridedDilatedPaddedConv() {
        // [1,4,10,10], W [8,2,3,3], group 2, stride 2, dilation 2, pads 1: effective kernel 5,
        // out = floor((10 + 2 - 5) / 2) + 1 = 4 -> [1,8,4,4] = 128 outputs x (2 x 3 x 3) = 2,304 MACs.
        TinyModel m = new TinyModel().input("x", "N", 4, 10, 10).weight("w", 8, 2, 3, 3).weight("b", 8)
                .node("Conv", "x,w,b", "y", "group", 2L, "strides", new long[] {2, 2},
                        "dilations", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1})
                .output("y");
        ModelProfile seed = profile(m, 1, CountingConvention.SEED);
        NodeCost conv = only(seed, "Conv");
        assertThat(conv.outputShape()).containsExactly(1L, 8L, 4L, 4L);
        assertThat(conv.macs()).isEqualTo(2_304);
        assertThat(conv.flops()).isEqualTo(4_608);
        assertThat(conv.params()).isEqualTo(8 * 2 * 9 + 8);
        // DETAILED adds one bias add per output element.
        assertThat(only(profile(m, 1, CountingConvention.DETAILED), "Conv").flops()).isEqualTo(4_608 + 128);
        // Per batch: batch 8 is 8 x the work, the same parameters.
        ModelProfile eight = profile(m, 8, CountingConvention.SEED);
        assertThat(eight.totalFlops()).isEqualTo(8 * 4_608);
        assertThat(eight.totalParams()).isEqualTo(152);
        assertThat(eight.batch()).isEqualTo(8);
    }

    @Test
    void autoPadSameUpperConv() {
        // SAME_UPPER, stride 2 on 7x7: out = ceil(7 / 2) = 4 -> [1,5,4,4] = 80 x 27 = 2,160 MACs.
        TinyModel m = new TinyModel().input("x", 1, 3, 7, 7).weight("w", 5, 3, 3, 3)
                .node("Conv", "x,w", "y", "auto_pad", "SAME_UPPER", "strides", new long[] {2, 2}).output("y");
        NodeCost conv = only(profile(m, 1, CountingConvention.SEED), "Conv");
        assertThat(conv.outputShape()).containsExactly(1L, 5L, 4L, 4L);
        assertThat(conv.macs()).isEqualTo(2_160);
    }

    @Test
    void convTranspose() {
        // [1,4,5,5], W [4,3,3,3], stride 2, pads 1: out = 2 x (5 - 1) + 3 - 2 = 9 -> [1,3,9,9];
        // MACs = 100 input elements x 3 x 9 = 2,700.
        TinyModel m = new TinyModel().input("x", 1, 4, 5, 5).weight("w", 4, 3, 3, 3)
                .node("ConvTranspose", "x,w", "y", "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1})
                .output("y");
        NodeCost ct = only(profile(m, 1, CountingConvention.SEED), "ConvTranspose");
        assertThat(ct.outputShape()).containsExactly(1L, 3L, 9L, 9L);
        assertThat(ct.macs()).isEqualTo(2_700);
        assertThat(ct.flops()).isEqualTo(5_400);
    }

    @Test
    void gemmWithTransB() {
        // A [4,6], B [10,6] transposed, C [10]: M x K x N = 4 x 6 x 10 = 240 MACs.
        TinyModel m = new TinyModel().input("a", "N", 6).weight("b", 10, 6).weight("c", 10)
                .node("Gemm", "a,b,c", "y", "transB", 1L).output("y");
        ModelProfile seed = profile(m, 4, CountingConvention.SEED);
        assertThat(only(seed, "Gemm").outputShape()).containsExactly(4L, 10L);
        assertThat(seed.totalMacs()).isEqualTo(240);
        assertThat(seed.totalFlops()).isEqualTo(480);
        assertThat(profile(m, 4, CountingConvention.DETAILED).totalFlops()).isEqualTo(480 + 40);
        assertThat(seed.totalParams()).isEqualTo(70);
    }

    @Test
    void batchedBroadcastMatMul() {
        // [2,1,3,4] x [5,4,6] -> [2,5,3,6]; MACs = 2 x 5 x 3 x 6 x 4 = 720.
        TinyModel m = new TinyModel().input("a", 2, 1, 3, 4).weight("b", 5, 4, 6)
                .node("MatMul", "a,b", "y").output("y");
        NodeCost mm = only(profile(m, 1, CountingConvention.SEED), "MatMul");
        assertThat(mm.outputShape()).containsExactly(2L, 5L, 3L, 6L);
        assertThat(mm.macs()).isEqualTo(720);
    }

    @Test
    void pooling() {
        // MaxPool 3x3/2 with ceil_mode on 8x8: ceil(5 / 2) + 1 = 4 -> [1,3,4,4] = 48 outputs.
        // SEED counts one FLOP per output element, DETAILED the kernel volume (9) per output.
        TinyModel m = new TinyModel().input("x", 1, 3, 8, 8)
                .node("MaxPool", "x", "p", "kernel_shape", new long[] {3, 3}, "strides", new long[] {2, 2},
                        "ceil_mode", 1L)
                .node("GlobalAveragePool", "x", "g").output("p").output("g");
        ModelProfile seed = profile(m, 1, CountingConvention.SEED);
        assertThat(only(seed, "MaxPool").outputShape()).containsExactly(1L, 3L, 4L, 4L);
        assertThat(only(seed, "MaxPool").flops()).isEqualTo(48);
        assertThat(only(seed, "GlobalAveragePool").flops()).isEqualTo(3);
        ModelProfile detailed = profile(m, 1, CountingConvention.DETAILED);
        assertThat(only(detailed, "MaxPool").flops()).isEqualTo(48 * 9);
        assertThat(only(detailed, "GlobalAveragePool").flops()).isEqualTo(3 * 64);
        assertThat(seed.totalMacs()).isZero();
    }

    @Test
    void batchNormParamsAndFlops() {
        // 4 vectors of 3: scale and bias trainable, running mean and var not (as Keras counts them).
        TinyModel m = new TinyModel().input("x", 1, 3, 8, 8).weight("s", 3).weight("b", 3).weight("mean", 3)
                .weight("var", 3).node("BatchNormalization", "x,s,b,mean,var", "y").output("y");
        ModelProfile p = profile(m, 1, CountingConvention.DETAILED);
        assertThat(p.totalParams()).isEqualTo(12);
        assertThat(p.trainableParams()).isEqualTo(6);
        assertThat(p.totalFlops()).isEqualTo(2 * 192);
        assertThat(p.weightBytes()).isEqualTo(48);
        assertThat(profile(m, 1, CountingConvention.SEED).totalFlops()).isZero();
    }

    @Test
    void elementwiseBroadcastAndSoftmax() {
        // [1,3,1,5] + [4,1] -> [1,3,4,5] = 60 adds; Softmax over [1,3,4,5] = 4 x 60 in DETAILED.
        TinyModel m = new TinyModel().input("x", "N", 3, 1, 5).weight("c", 4, 1)
                .node("Add", "x,c", "s").node("Softmax", "s", "y").output("y");
        ModelProfile detailed = profile(m, 1, CountingConvention.DETAILED);
        assertThat(only(detailed, "Add").outputShape()).containsExactly(1L, 3L, 4L, 5L);
        assertThat(only(detailed, "Add").flops()).isEqualTo(60);
        assertThat(only(detailed, "Softmax").flops()).isEqualTo(240);
        ModelProfile seed = profile(m, 1, CountingConvention.SEED);
        assertThat(seed.totalFlops()).isZero();
        assertThat(seed.nodes()).allMatch(NodeCost::counted);
        assertThat(seed.totalParams()).isEqualTo(4);
    }

    @Test
    void reshapeWithMinusOneAndShapeConstantsAreNotParameters() {
        TinyModel m = new TinyModel().input("x", "N", 2, 3, 4).ints("shape", 0, -1)
                .node("Reshape", "x,shape", "y").output("y");
        ModelProfile p = profile(m, 5, CountingConvention.DETAILED);
        assertThat(only(p, "Reshape").outputShape()).containsExactly(5L, 24L);
        assertThat(only(p, "Reshape").activationBytes()).isEqualTo(5 * 24 * 4);
        assertThat(p.totalParams()).isZero();
        assertThat(p.uncountedOpTypes()).isEmpty();
    }

    @Test
    void weightsInAConstantNode() {
        TensorProto w = TinyModel.floatTensor("", 2, 3, 1, 1);
        TinyModel m = new TinyModel().input("x", 1, 3, 4, 4)
                .node("Constant", new String[0], new String[] {"w"}, "value", w)
                .node("Conv", "x,w", "y").output("y");
        ModelProfile p = profile(m, 1, CountingConvention.SEED);
        assertThat(p.totalParams()).isEqualTo(6);
        assertThat(only(p, "Conv").params()).isEqualTo(6);
        assertThat(only(p, "Conv").macs()).isEqualTo(2 * 16 * 3);
    }

    @Test
    void opsWithoutRuleAreListedNotZero() {
        // Einsum has no rule; ONNX Runtime supplies its output shape so the Relu after it counts.
        TinyModel m = new TinyModel().input("a", 2, 3).weight("b", 3, 4)
                .node("Einsum", "a,b", "e", "equation", "ij,jk->ik").node("Relu", "e", "y").output("y");
        ModelProfile p = profile(m, 1, CountingConvention.DETAILED);
        assertThat(p.uncountedOpTypes()).isEqualTo(Map.of("Einsum", 1));
        assertThat(only(p, "Einsum").counted()).isFalse();
        assertThat(only(p, "Relu").outputShape()).containsExactly(2L, 4L);
        assertThat(only(p, "Relu").flops()).isEqualTo(8);
    }

    @Test
    void peakActivationFreesAfterLastConsumer() {
        // x(16 B) -> a, b -> c = a + b: peak while b is made = x + a + b = 48 bytes (x then dies).
        TinyModel m = new TinyModel().input("x", 1, 4).node("Relu", "x", "a").node("Relu", "x", "b")
                .node("Add", "a,b", "c").output("c");
        ModelProfile p = profile(m, 1, CountingConvention.DETAILED);
        assertThat(p.peakActivationBytes()).isEqualTo(48);
        assertThat(p.nodes()).extracting(NodeCost::activationBytes).containsExactly(16L, 16L, 16L);
        assertThat(p.fileSizeBytes()).isEqualTo(m.bytes().length);
        assertThat(List.of(p.source())).containsExactly("tiny.onnx");
    }
}
