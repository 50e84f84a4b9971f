package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.zoo.OpsetModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * int8-static and int8-dynamic on opsets 10-12, where per-channel DequantizeLinear does not exist: the
 * variant keeps its opset, ORT's profiler shows int8 kernels ran, and outputs stay close to the baseline.
 */
class OldOpsetQuantizationTest {
    private static final String STATIC = "quantized:int8-static";
    private static final String DYNAMIC = "quantized:int8-dynamic";

    private static TransformResult quantize(ModelProto m, String recipe, CalibrationData data) {
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse(recipe), data, RUNNER);
        assertThat(r.noop()).as("no-op: %s", r.noopReason()).isFalse();
        assertThat(Graphs.opset(r.model())).isEqualTo(Graphs.opset(m));
        return r;
    }

    private static Map<String, Integer> kernels(TransformResult r, CalibrationData data, String what) {
        Map<String, Integer> k = RUNNER.executedKernels(r.model(), data.iterator().next(), what);
        System.out.println(what + " kernels: " + k + " notes " + r.notes());
        return k;
    }

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    @Test
    void staticRunsQLinearConvOnMobileNetStyleNetsOfOpset11And12() {
        for (long opset : List.of(11L, 12L)) {
            ModelProto m = OpsetModels.mobileNetV2Style(opset, 32);
            CalibrationData data = inputs(m, 8, 2);
            TransformResult r = quantize(m, STATIC, data);
            assertThat(ops(r.model())).contains("QLinearConv", "MatMulInteger").doesNotContain("Conv");
            Map<String, Integer> k = kernels(r, data, "opset " + opset + " int8-static");
            assertThat(k).containsKey("QLinearConv").doesNotContainKey("Conv").doesNotContainKey("FusedConv");
            assertThat(k.get("QLinearConv")).isGreaterThanOrEqualTo(10);
            assertThat(VariantRecord.anyInt8Kernel(k)).isTrue();
            Fidelity f = fidelity(m, r.model(), data);
            System.out.println("opset " + opset + " int8-static fidelity: " + f);
            assertThat(f.cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
        }
    }

    @Test
    void staticKeepsTheTrainedMnistCnnAtOpset11Close() {
        ModelProto m = TestModels.atOpset(TestModels.zooMnist(), 11);
        CalibrationData data = inputs(m, 8, 4);
        TransformResult r = quantize(m, STATIC, data);
        Map<String, Integer> k = kernels(r, data, "mnist-cnn opset 11 int8-static");
        // its 5-filter convs stay fp32 (int8 is slower there); the dense layers run int8
        assertThat(k.keySet()).anyMatch(op -> op.startsWith("MatMulInteger")).doesNotContain("Gemm");
        Fidelity f = fidelity(m, r.model(), data);
        assertThat(f.cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
        assertThat(f.top1Agreement()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void staticOnOpset10UsesQLinearConvAndMatMulInteger() {
        ModelProto m = TestModels.atOpset(TestModels.smallCnn(), 10);
        CalibrationData data = inputs(m, 8, 4);
        TransformResult r = quantize(m, STATIC, data);
        Map<String, Integer> k = kernels(r, data, "opset 10 int8-static");
        assertThat(k).containsKeys("QLinearConv").doesNotContainKey("Conv").doesNotContainKey("Gemm");
        assertThat(k.keySet()).anyMatch(op -> op.contains("Integer"));
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void staticQuantizesTheProjectionsOfAnOpset12TransformerBlock() {
        ModelProto m = TestModels.transformerBlock(12);
        CalibrationData data = inputs(m, 4, 2);
        TransformResult r = quantize(m, STATIC, data);
        Map<String, Integer> k = kernels(r, data, "transformer int8-static");
        assertThat(k.keySet()).anyMatch(op -> op.contains("Integer"));
        assertThat(r.notes()).anyMatch(n -> n.contains("6 MatMulInteger"));
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void dynamicRunsInt8MatMulsOnAnOpset12TransformerBlock() {
        ModelProto m = TestModels.transformerBlock(12);
        CalibrationData data = inputs(m, 4, 2);
        TransformResult r = quantize(m, DYNAMIC, data);
        assertThat(ops(r.model())).contains("DynamicQuantizeLinear", "MatMulInteger");
        Map<String, Integer> k = kernels(r, data, "transformer int8-dynamic");
        assertThat(k.keySet()).anyMatch(op -> op.contains("Integer") || op.startsWith("DynamicQuantize"));
        // Q, K and V read one quantized input: one run-time quantizer for the three.
        assertThat(ops(r.model()).stream().filter("DynamicQuantizeLinear"::equals)).hasSize(4);
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void dynamicOnOpset10SpellsTheRunTimeQuantizerWithOpset10Ops() {
        ModelProto m = TestModels.atOpset(TestModels.mlp(), 10);
        CalibrationData data = inputs(m, 8, 2);
        TransformResult r = quantize(m, DYNAMIC, data);
        assertThat(ops(r.model())).doesNotContain("DynamicQuantizeLinear").contains("ReduceMin", "ReduceMax",
                "QuantizeLinear", "MatMulInteger");
        Map<String, Integer> k = kernels(r, data, "opset 10 int8-dynamic");
        // MatMulInteger, or ORT's fusion of it with the rescale (MatMulIntegerToFloat)
        assertThat(k.keySet()).anyMatch(op -> op.startsWith("MatMulInteger")).doesNotContain("MatMul");
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThan(0.99);
    }

    @Test
    void dynamicRunsConvIntegerOnAnOpset11Cnn() {
        ModelProto m = OpsetModels.mobileNetV2Style(11, 32);
        CalibrationData data = inputs(m, 4, 2);
        TransformResult r = quantize(m, DYNAMIC, data);
        Map<String, Integer> k = kernels(r, data, "opset 11 int8-dynamic");
        // 11 full convs run ConvInteger; the 5 depthwise ones stay fp32 (see DynamicQuantizer)
        assertThat(k).containsEntry("ConvInteger", 11).containsEntry("Conv", 5);
        assertThat(r.notes()).filteredOn(n -> n.contains("depthwise")).hasSize(5);
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
    }
}
