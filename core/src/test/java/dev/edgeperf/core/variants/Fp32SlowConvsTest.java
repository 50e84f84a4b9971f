package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code quantized:int8-static:...:fp32-slow-convs} on a MobileNetV3-style block with squeeze-and-excitation and a
 * residual Add (PP-OCR cls's layout): the narrow stem conv, the depthwise conv and both SE convs run fp32, the
 * expand, project and 16-filter convs run as QLinearConv, and the residual Add as QLinearAdd.
 */
class Fp32SlowConvsTest {
    /**
     * input [N,3,12,12] → stem conv 8 (narrow) → Relu → conv 1x1 16 → Relu → expand 1x1 32 → hard-swish → depthwise
     * 3x3 (group 32) → hard-swish → SE (GAP → conv 8 → Relu → conv 32 → HardSigmoid → Mul) → project 1x1 16 →
     * Add with the 16-filter conv's output → GAP → Flatten → Gemm 10.
     */
    static ModelProto seBlock(long opset) {
        TestModels.Builder b = new TestModels.Builder(11);
        b.init("stem.w", new long[] {8, 3, 3, 3}, 0.4f);
        b.init("stem.b", new long[] {8}, 0.1f);
        b.init("c1.w", new long[] {16, 8, 1, 1}, 0.4f);
        b.init("c1.b", new long[] {16}, 0.1f);
        b.init("ex.w", new long[] {32, 16, 1, 1}, 0.3f);
        b.init("ex.b", new long[] {32}, 0.1f);
        b.init("dw.w", new long[] {32, 1, 3, 3}, 0.5f);
        b.init("dw.b", new long[] {32}, 0.1f);
        b.init("se1.w", new long[] {8, 32, 1, 1}, 0.3f);
        b.init("se1.b", new long[] {8}, 0.1f);
        b.init("se2.w", new long[] {32, 8, 1, 1}, 0.3f);
        b.init("se2.b", new long[] {32}, 0.1f);
        b.init("pj.w", new long[] {16, 32, 1, 1}, 0.3f);
        b.init("pj.b", new long[] {16}, 0.1f);
        b.init("fc.w", new long[] {10, 16}, 0.3f);
        b.init("fc.b", new long[] {10}, 0.1f);
        var pads = Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Conv", "stem", List.of("input", "stem.w", "stem.b"), "stem.out", pads);
        b.node("Relu", "r0", List.of("stem.out"), "r0.out");
        b.node("Conv", "c1", List.of("r0.out", "c1.w", "c1.b"), "c1.out");
        b.node("Relu", "r1", List.of("c1.out"), "r1.out");
        b.node("Conv", "ex", List.of("r1.out", "ex.w", "ex.b"), "ex.out");
        b.node("HardSigmoid", "ex.hs", List.of("ex.out"), "ex.hs.out");
        b.node("Mul", "ex.swish", List.of("ex.out", "ex.hs.out"), "ex.act");
        b.node("Conv", "dw", List.of("ex.act", "dw.w", "dw.b"), "dw.out", pads, Graphs.intAttribute("group", 32));
        b.node("HardSigmoid", "dw.hs", List.of("dw.out"), "dw.hs.out");
        b.node("Mul", "dw.swish", List.of("dw.out", "dw.hs.out"), "dw.act");
        b.node("GlobalAveragePool", "se.gap", List.of("dw.act"), "se.gap.out");
        b.node("Conv", "se1", List.of("se.gap.out", "se1.w", "se1.b"), "se1.out");
        b.node("Relu", "se.relu", List.of("se1.out"), "se.relu.out");
        b.node("Conv", "se2", List.of("se.relu.out", "se2.w", "se2.b"), "se2.out");
        b.node("HardSigmoid", "se.hs", List.of("se2.out"), "se.hs.out");
        b.node("Mul", "se.scale", List.of("dw.act", "se.hs.out"), "se.out");
        b.node("Conv", "pj", List.of("se.out", "pj.w", "pj.b"), "pj.out");
        b.node("Add", "res", List.of("r1.out", "pj.out"), "res.out");
        b.node("GlobalAveragePool", "gap", List.of("res.out"), "gap.out");
        b.node("Flatten", "flat", List.of("gap.out"), "flat.out", Graphs.intAttribute("axis", 1));
        b.node("Gemm", "fc", List.of("flat.out", "fc.w", "fc.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("se-block", new long[] {-1, 3, 12, 12}, new long[] {-1, 10}, opset);
    }

    // opset 10: the QOperator form; opset 13: QDQ, which ORT fuses into QLinearConv
    @ParameterizedTest
    @ValueSource(longs = {10, 13})
    void theSlowConvKindsStayFp32AndTheWidePointwiseConvsRunInt8(long opset) {
        ModelProto m = seBlock(opset);
        CalibrationData data = inputs(m, 8, 2);
        TransformResult slow = VariantTransforms.apply(m,
                VariantRecipe.parse("quantized:int8-static:percentile:fp32-slow-convs"), data, RUNNER);
        TransformResult all = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static:percentile"),
                data, RUNNER);

        assertThat(slow.notes()).anyMatch(n -> n.startsWith("stem: Conv with 8 filters (< 16) left fp32 (fp32-slow-convs)"))
                .anyMatch(n -> n.startsWith("dw: depthwise Conv (group 32) left fp32 (fp32-slow-convs)"))
                .anyMatch(n -> n.startsWith("se1: Conv on a 1x1 map (behind a global pool) left fp32"))
                .anyMatch(n -> n.startsWith("se2: Conv on a 1x1 map (behind a global pool) left fp32"))
                .noneMatch(n -> n.startsWith("c1:") || n.startsWith("ex:") || n.startsWith("pj:"));
        Map<String, Integer> k = RUNNER.executedKernels(slow.model(), data.iterator().next(), "fp32-slow-convs");
        Map<String, Integer> kAll = RUNNER.executedKernels(all.model(), data.iterator().next(), "int8-static");
        assertThat(k.getOrDefault("QLinearConv", 0)).isEqualTo(3);
        assertThat(k.getOrDefault("Conv", 0) + k.getOrDefault("FusedConv", 0)).isEqualTo(4);
        assertThat(kAll.getOrDefault("QLinearConv", 0)).isEqualTo(7);
        if (opset < 13) {
            // the residual Add reads the 16-filter conv's output through a DequantizeLinear, so ORT fuses it
            assertThat(k.getOrDefault("QLinearAdd", 0)).isEqualTo(1);
        }
        assertThat(fidelity(m, slow.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.99);
    }
}
