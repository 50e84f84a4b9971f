package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.onnx.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code quantized:int8-static:...:fp32-depthwise} on a MobileNet-style block (conv → depthwise conv →
 * pointwise conv → pool → Gemm), in both int8 forms: the depthwise conv is the one conv left fp32, the
 * others run as QLinearConv, and without the option all three do.
 */
class Fp32DepthwiseTest {
    /**
     * input [N,3,12,12] → conv 16 → Relu → depthwise 3x3 (group 16) → hard-swish as x·HardSigmoid(x) (PP-OCR's
     * form after the rewrite), or Relu → conv 1x1 16 → GAP → Gemm 10.
     */
    static ModelProto separableBlock(long opset, boolean relu) {
        TestModels.Builder b = new TestModels.Builder(5);
        b.init("c1.w", new long[] {16, 3, 3, 3}, 0.4f);
        b.init("c1.b", new long[] {16}, 0.1f);
        b.init("dw.w", new long[] {16, 1, 3, 3}, 0.5f);
        b.init("dw.b", new long[] {16}, 0.1f);
        b.init("pw.w", new long[] {16, 16, 1, 1}, 0.3f);
        b.init("pw.b", new long[] {16}, 0.1f);
        b.init("fc.w", new long[] {10, 16}, 0.3f);
        b.init("fc.b", new long[] {10}, 0.1f);
        var pads = Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Conv", "c1", List.of("input", "c1.w", "c1.b"), "c1.out", pads);
        b.node("Relu", "r1", List.of("c1.out"), "r1.out");
        b.node("Conv", "dw", List.of("r1.out", "dw.w", "dw.b"), "dw.out", pads, Graphs.intAttribute("group", 16));
        if (relu) {
            b.node("Relu", "r2", List.of("dw.out"), "r2.out");
        } else {
            b.node("HardSigmoid", "hs", List.of("dw.out"), "hs.out");
            b.node("Mul", "r2", List.of("dw.out", "hs.out"), "r2.out");
        }
        b.node("Conv", "pw", List.of("r2.out", "pw.w", "pw.b"), "pw.out");
        b.node("Relu", "r3", List.of("pw.out"), "r3.out");
        b.node("GlobalAveragePool", "gap", List.of("r3.out"), "gap.out");
        b.node("Flatten", "flat", List.of("gap.out"), "flat.out", Graphs.intAttribute("axis", 1));
        b.node("Gemm", "fc", List.of("flat.out", "fc.w", "fc.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("separable-block", new long[] {-1, 3, 12, 12}, new long[] {-1, 10}, opset);
    }

    /** Kernel name -> count ORT runs for the recipe's variant of m; the variant's notes go to {@code notes}. */
    private static Map<String, Integer> kernels(ModelProto m, CalibrationData data, String recipe, List<String> notes) {
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse(recipe), data, RUNNER);
        notes.addAll(r.notes());
        return RUNNER.executedKernels(r.model(), data.iterator().next(), recipe);
    }

    private static long fp32Convs(ModelProto m) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count();
    }

    // opset 10: the QOperator form (QLinearConv in the graph); opset 13: QDQ, which ORT fuses into QLinearConv
    @ParameterizedTest
    @ValueSource(longs = {10, 13})
    void theDepthwiseConvStaysFp32AndTheOthersRunAsQLinearConv(long opset) {
        ModelProto m = separableBlock(opset, false);
        CalibrationData data = inputs(m, 8, 2);
        TransformResult dw = VariantTransforms.apply(m,
                VariantRecipe.parse("quantized:int8-static:percentile:fp32-depthwise"), data, RUNNER);
        TransformResult all = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static:percentile"),
                data, RUNNER);

        assertThat(dw.notes()).anyMatch(n -> n.startsWith("dw: depthwise Conv (group 16) left fp32 (fp32-depthwise)"));
        assertThat(all.notes()).noneMatch(n -> n.contains("depthwise"));
        Map<String, Integer> k = RUNNER.executedKernels(dw.model(), data.iterator().next(), "fp32-depthwise");
        Map<String, Integer> kAll = RUNNER.executedKernels(all.model(), data.iterator().next(), "int8-static");
        assertThat(k.getOrDefault("QLinearConv", 0)).isEqualTo(2);
        assertThat(k.getOrDefault("Conv", 0) + k.getOrDefault("FusedConv", 0)).isEqualTo(1);
        assertThat(kAll.getOrDefault("QLinearConv", 0)).isEqualTo(3);
        assertThat(kAll.getOrDefault("Conv", 0) + kAll.getOrDefault("FusedConv", 0)).isZero();
        if (opset < 13) {
            List<NodeProto> convs = dw.model().getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("Conv")).toList();
            assertThat(convs).singleElement().satisfies(n -> assertThat(Attributes.getInt(n, "group", 1)).isEqualTo(16));
            assertThat(fp32Convs(all.model())).isZero();
        }
        assertThat(fidelity(m, dw.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.99);
    }

    // DQ → Conv → Relu → Q: ONNX Runtime would give the float conv per-tensor int8 weights itself (and at opset 10
    // add a Round the opset lacks), so the option leaves it to the per-channel quantizer
    @ParameterizedTest
    @ValueSource(longs = {10, 13})
    void aDepthwiseConvThatOnnxRuntimeWouldQuantizeAnywayIsQuantizedPerChannel(long opset) {
        ModelProto m = separableBlock(opset, true);
        List<String> notes = new ArrayList<>();
        Map<String, Integer> k = kernels(m, inputs(m, 8, 2), "quantized:int8-static:percentile:fp32-depthwise", notes);
        assertThat(notes).anyMatch(n -> n.startsWith("dw: depthwise Conv (group 16) quantized all the same"));
        assertThat(k.getOrDefault("QLinearConv", 0)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(longs = {10, 13})
    void fp32MatMulLeavesTheGemmFp32AndTheConvsInt8(long opset) {
        ModelProto m = separableBlock(opset, false);
        List<String> notes = new ArrayList<>();
        Map<String, Integer> k = kernels(m, inputs(m, 8, 2), "quantized:int8-static:fp32-depthwise:fp32-matmul", notes);
        assertThat(notes).anyMatch(n -> n.startsWith("fc: Gemm left fp32 (fp32-matmul)"));
        assertThat(k.getOrDefault("QLinearConv", 0)).isEqualTo(2);
        assertThat(k).doesNotContainKeys("QGemm", "MatMulInteger", "DynamicQuantizeLinear");
        assertThat(k.getOrDefault("Gemm", 0) + k.getOrDefault("FusedGemm", 0)).isEqualTo(1);
    }
}
