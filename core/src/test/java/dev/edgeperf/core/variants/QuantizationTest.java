package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** quantized:int8-dynamic and quantized:int8-static. */
class QuantizationTest {
    @Test
    void dynamicQuantizationRunsInt8MatMulKernels() {
        ModelProto m = TestModels.mlp();
        CalibrationData data = inputs(m, 8, 2);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-dynamic"), data, RUNNER);
        assertThat(r.model().getGraph().getNodeList()).extracting(NodeProto::getOpType).contains("MatMulInteger");
        Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), "dyn");
        System.out.println("int8-dynamic kernels: " + kernels);
        assertThat(kernels.keySet()).noneMatch(k -> k.equals("MatMul"));
        assertThat(kernels.keySet()).anyMatch(k -> k.contains("Integer") || k.startsWith("DynamicQuantize"));
        Fidelity f = fidelity(m, r.model(), data);
        assertThat(f.cosineSimilarity()).isGreaterThan(0.995);
        assertThat(f.top1Agreement()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void dynamicQuantizationOfGemmMatchesBaseline() {
        ModelProto m = TestModels.zooMnist();
        CalibrationData data = inputs(m, 8, 2);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-dynamic"), data, RUNNER);
        // mnist-cnn's convs have 5 filters: too narrow for int8 to pay
        assertThat(r.notes()).filteredOn(n -> n.contains("filters (< 8)")).hasSize(2);
        Fidelity f = fidelity(m, r.model(), data);
        assertThat(f.cosineSimilarity()).isGreaterThan(0.99);
        assertThat(RUNNER.run(r.model(), data, "dyn").get(0)).hasSize(8 * 10);
    }

    @Test
    void staticQuantizationFusesIntoQLinearKernelsAndStaysClose() {
        ModelProto m = TestModels.smallCnn();
        CalibrationData data = inputs(m, 8, 4);
        for (String recipe : List.of("quantized:int8-static", "quantized:int8-static:percentile")) {
            TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse(recipe), data, RUNNER);
            Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), recipe);
            System.out.println(recipe + " kernels: " + kernels + " notes " + r.notes());
            assertThat(kernels).containsKey("QLinearConv").doesNotContainKey("Conv");
            Fidelity f = fidelity(m, r.model(), data);
            System.out.println(recipe + " fidelity: " + f);
            assertThat(f.cosineSimilarity()).isGreaterThan(0.98);
            assertThat(RUNNER.run(r.model(), data, recipe).get(0)).hasSize(8 * 10);
        }
    }

    @Test
    void convsWithFewFiltersStayFp32WhileTheGemmsRunInt8() {
        ModelProto m = TestModels.zooMnist();
        CalibrationData data = inputs(m, 8, 2);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static"), data, RUNNER);
        Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), "mnist");
        assertThat(kernels).containsEntry("QGemm", 2).containsKey("Conv").doesNotContainKey("QLinearConv");
        assertThat(r.notes()).filteredOn(n -> n.contains("filters (< 8) left fp32")).hasSize(2);
        assertThat(fidelity(m, r.model(), data).top1Agreement()).isEqualTo(1.0);
    }

    @Test
    void staticQuantizationOfMatMulModel() {
        ModelProto m = TestModels.mlp();
        CalibrationData data = inputs(m, 8, 4);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static"), data, RUNNER);
        Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), "mlp");
        System.out.println("mlp int8-static kernels: " + kernels);
        assertThat(kernels.keySet()).anyMatch(k -> k.startsWith("QLinear") || k.contains("Integer"));
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThan(0.98);
    }

    @Test
    void staticQuantizationWithoutCalibrationIsAUserError() {
        assertThatThrownBy(() -> VariantTransforms.apply(TestModels.smallCnn(),
                VariantRecipe.parse("quantized:int8-static"), null, RUNNER))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("calibration");
    }

    @Test
    void rangeParametersIncludeZero() {
        float[] p = ActivationRanges.uint8Params(new float[] {0.5f, 2.55f});
        assertThat(p[0]).isEqualTo(2.55f / 255f);
        assertThat(p[1]).isZero();
        float[] q = ActivationRanges.uint8Params(new float[] {-1f, 1f});
        assertThat(q[1]).isIn(127f, 128f);
        assertThat(q[0] * (255 - q[1])).isGreaterThanOrEqualTo(0.99f);
    }
}
