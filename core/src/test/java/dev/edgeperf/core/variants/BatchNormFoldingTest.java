package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Tensors;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNormalization folding, and static int8 on BN/residual graphs running int8 end to end. */
class BatchNormFoldingTest {
    private final ModelProto residual = TestModels.residualWithBatchNorm();

    @Test
    void foldingRemovesEveryBatchNormAndKeepsTheOutputs() {
        List<String> notes = new ArrayList<>();
        ModelProto folded = BatchNormFolder.fold(Graphs.normalize(residual), notes);
        assertThat(folded.getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .doesNotContain("BatchNormalization").containsOnlyOnce("Add");
        assertThat(notes).containsExactly("3 BatchNormalization folded into the preceding Conv");
        Fidelity f = fidelity(residual, folded, inputs(residual, 4, 2));
        assertThat(f.maxAbsError()).isLessThan(1e-4);
        assertThat(f.top1Agreement()).isEqualTo(1.0);
    }

    @Test
    void foldedWeightsAndBiasFollowTheFormula() {
        ModelProto folded = BatchNormFolder.fold(Graphs.normalize(residual), new ArrayList<>());
        Map<String, TensorProto> before = Graphs.initializers(residual.getGraph());
        Map<String, TensorProto> after = Graphs.initializers(folded.getGraph());
        float[] gamma = Tensors.floats(before.get("a.bn.gamma"));
        float[] beta = Tensors.floats(before.get("a.bn.beta"));
        float[] mean = Tensors.floats(before.get("a.bn.mean"));
        float[] var = Tensors.floats(before.get("a.bn.var"));
        float[] w = Tensors.floats(before.get("a.w"));
        float[] w2 = Tensors.floats(after.get("a.w"));
        NodeProto conv = TestModels.nodeNamed(folded, "a");
        assertThat(conv.getOutput(0)).isEqualTo("a.bn.out");
        float[] b2 = Tensors.floats(after.get(conv.getInput(2))); // conv "a" had no bias: one was added
        int per = w.length / 16;
        for (int o = 0; o < 16; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + 1e-5);
            assertThat((double) w2[o * per + 5]).isCloseTo(w[o * per + 5] * s, within(1e-6));
            assertThat((double) b2[o]).isCloseTo(-mean[o] * s + beta[o], within(1e-6));
        }
    }

    @Test
    void batchNormNotAfterAConvIsLeftWithANote() {
        TestModels.Builder b = new TestModels.Builder(8);
        for (String p : List.of("gamma", "beta", "mean", "var")) {
            b.initAround("bn." + p, 3, 1f, 0.1f);
        }
        b.batchNorm("bn", "input", "output");
        ModelProto m = b.model("bn-only", new long[] {-1, 3, 4, 4}, new long[] {-1, 3, 4, 4});
        List<String> notes = new ArrayList<>();
        assertThat(BatchNormFolder.fold(m, notes)).isSameAs(m);
        assertThat(notes).singleElement().asString().startsWith("bn: BatchNormalization not folded")
                .contains("not produced by a node");
    }

    @Test
    void staticInt8RunsConvAddAndPoolInInt8AfterFolding() {
        CalibrationData data = inputs(residual, 4, 2);
        TransformResult r = VariantTransforms.apply(residual, VariantRecipe.parse("quantized:int8-static"), data,
                RUNNER);
        Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), "residual-bn");
        assertThat(kernels).containsEntry("QLinearConv", 3).containsEntry("QLinearAdd", 1)
                .containsKey("QLinearGlobalAveragePool").containsKey("QGemm")
                .doesNotContainKeys("Conv", "BatchNormalization", "Add", "Relu", "DequantizeLinear");
        assertThat(kernels.getOrDefault("Transpose", 0)).isLessThanOrEqualTo(2);
        assertThat(r.notes()).anyMatch(n -> n.contains("3 BatchNormalization folded"))
                .anyMatch(n -> n.contains("3 Relu/Clip folded"));
        assertThat(fidelity(residual, r.model(), data).cosineSimilarity()).isGreaterThan(0.99);
    }

    @Test
    void mobilenetV2RunsInt8EndToEnd() {
        ModelProto m = ModelZoo.buildProto("mobilenet-v2");
        CalibrationData data = CalibrationData.random(new long[] {2, 3, 224, 224}, 2, 3);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static"), data, RUNNER);
        Map<String, Integer> kernels = RUNNER.executedKernels(r.model(), data.iterator().next(), "mobilenet-v2");
        System.out.println("mobilenet-v2 int8-static kernels: " + kernels);
        assertThat(kernels).containsEntry("QLinearConv", 52).containsEntry("QLinearAdd", 10)
                .doesNotContainKeys("Conv", "BatchNormalization", "Clip");
        assertThat(kernels.getOrDefault("Transpose", 0)).isLessThanOrEqualTo(2);
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.99);
    }
}
