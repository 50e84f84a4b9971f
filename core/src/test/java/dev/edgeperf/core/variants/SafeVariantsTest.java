package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No recipe silently breaks a model: fp16 keeps what it cannot hold in fp32, and the builder refuses inf/NaN or collapse. */
class SafeVariantsTest {
    private static final OrtRunner RUNNER = new OrtRunner(1);

    /** [N,16,4,4] → BatchNormalization whose variances are 1e6 (above fp16's 65504) → output. */
    static ModelProto hugeVarianceBatchNorm() {
        TestModels.Builder b = new TestModels.Builder(5);
        b.initAround("bn.gamma", 16, 1.0f, 0.5f);
        float[] zeros = new float[16];
        b.initValues("bn.beta", new long[] {16}, zeros);
        b.initValues("bn.mean", new long[] {16}, zeros.clone());
        float[] var = new float[16];
        Arrays.fill(var, 1e6f);
        b.initValues("bn.var", new long[] {16}, var);
        b.batchNorm("bn", "input", "output");
        return b.model("huge-variance", new long[] {-1, 16, 4, 4}, new long[] {-1, 16, 4, 4});
    }

    /** What fp16 did before: every float initializer of 16+ values stored as fp16, Cast at use. */
    private static ModelProto everythingFp16(ModelProto m) {
        GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            g.addInitializer(Tensors.fp16Tensor(t.getName() + "_fp16", Tensors.dims(t), Tensors.floats(t)));
            g.addNode(0, Graphs.node("Cast", t.getName() + "_cast", List.of(t.getName() + "_fp16"),
                    List.of(t.getName()), Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        }
        return m.toBuilder().setGraph(g).build();
    }

    @Test
    void fp16KeepsABatchNormVarianceAbove65504InFp32AndSaysSo(@TempDir Path dir) {
        ModelProto m = hugeVarianceBatchNorm();
        CalibrationData data = TransformTestSupport.inputs(m, 4, 2);
        List<OutputTensor> base = RUNNER.runShaped(m, data, "baseline");
        // Before the fix: the variance became inf in fp16 and the layer's output all zeros.
        List<OutputTensor> naive = RUNNER.runShaped(everythingFp16(m), data, "naive fp16");
        assertThat(naive).allSatisfy(o -> assertThat(o.values()).containsOnly(0f));
        assertThat(Fidelity.compare(base, base, null).cosineSimilarity()).isEqualTo(1.0);
        assertThat(base.get(0).values()).isNotEqualTo(new float[base.get(0).values().length]);
        assertThatThrownBy(() -> new VariantBuilder(RUNNER).check(m, everythingFp16(m), data, "naive fp16",
                FidelityGate.Tier.NUMERIC))
                .hasMessageStartingWith("naive fp16 failed: output 'output' fidelity to the baseline collapsed on 8 calibration"
                        + " samples (cosine 0.0000");

        VariantRecord r = new VariantBuilder(RUNNER).build(m, "huge-variance",
                List.of(VariantRecipe.parse("quantized:fp16")), data, dir).get(0);
        assertThat(r.fidelity().cosineSimilarity()).isGreaterThanOrEqualTo(0.99);
        assertThat(r.fidelity().maxAbsError()).isLessThan(1e-5);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("bn.var: kept fp32, 16 of 16 values exceed fp16's largest"
                + " value 65504 (|x| up to 1.000e+06) and would become inf"));
        assertThat(r.notes().get(0)).contains("1 kept fp32");
        // gamma (non-trivial values) is still stored as fp16.
        ModelProto written = dev.edgeperf.core.onnx.OnnxModels.read(dir.resolve(r.file()));
        assertThat(written.getGraph().getInitializerList()).anyMatch(t -> t.getName().equals("bn.var")
                && t.getDataType() == TensorProto.DataType.FLOAT_VALUE);
        assertThat(written.getGraph().getInitializerList()).anyMatch(t -> t.getName().startsWith("bn.gamma_fp16")
                && t.getDataType() == TensorProto.DataType.FLOAT16_VALUE);
    }

    @Test
    void fp16KeepsTensorsThatWouldUnderflowWhereItMatters() {
        float[] normal = new float[64];
        for (int i = 0; i < normal.length; i++) {
            normal[i] = (i - 32) * 0.01f;
        }
        assertThat(Fp16Converter.reasonToKeepFp32(normal, false)).isNull();
        float[] withOneTiny = normal.clone();
        withOneTiny[0] = 1e-9f;
        // One value below fp16's range in a tensor of ordinary weights changes nothing that matters...
        assertThat(Fp16Converter.reasonToKeepFp32(withOneTiny, false)).isNull();
        // ... unless the tensor divides: then it would become 0 and give inf.
        assertThat(Fp16Converter.reasonToKeepFp32(withOneTiny, true)).startsWith("it divides and 1 of 64");
        float[] tiny = new float[64];
        Arrays.fill(tiny, 2e-8f);
        assertThat(Fp16Converter.reasonToKeepFp32(tiny, false)).startsWith("64 of 64 values are below fp16's normal"
                + " range").contains("64 would become 0");
    }

    /** [N,8] → MatMul W[8,2] → y; output = y / y. W's first column is tiny, so 50% magnitude pruning zeroes it: 0/0. */
    static ModelProto divideBySelf() {
        TestModels.Builder b = new TestModels.Builder(9);
        float[] w = new float[16];
        for (int i = 0; i < 8; i++) {
            w[i * 2] = 1e-3f * (1 + i * 0.01f);
            w[i * 2 + 1] = 1f + i * 0.01f;
        }
        b.initValues("w", new long[] {8, 2}, w);
        b.node("MatMul", "mm", List.of("input", "w"), "y");
        b.node("Div", "div", List.of("y", "y"), "output");
        return b.model("divide-by-self", new long[] {-1, 8}, new long[] {-1, 2});
    }

    @Test
    void aRecipeThatProducesNaNIsRefusedWithOneLineAndWritesNothing(@TempDir Path dir) {
        ModelProto m = divideBySelf();
        CalibrationData data = TransformTestSupport.inputs(m, 4, 2);
        assertThatThrownBy(() -> new VariantBuilder(RUNNER).build(m, "divide-by-self",
                List.of(VariantRecipe.parse("pruned:unstructured:0.5")), data, dir))
                .isInstanceOfSatisfying(EdgeperfException.class, e -> {
                    assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR);
                    assertThat(e.getMessage()).isEqualTo("divide-by-self variant pruned:unstructured:0.5 failed: output"
                            + " 'output' has 8 of 16 values NaN on the calibration inputs where the baseline's are finite");
                });
        assertThat(dir.resolve("divide-by-self.pruned-unstructured-0.5.onnx")).doesNotExist();
        // The baseline itself builds: its outputs are all ones.
        VariantRecord base = new VariantBuilder(RUNNER).build(m, "divide-by-self",
                List.of(VariantRecipe.parse("baseline")), data, dir).get(0);
        assertThat(base.fidelity().cosineSimilarity()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void theCheckFailsCollapseAndInfinitiesButNotWhatTheBaselineAlreadyHas() {
        OutputTensor base = new OutputTensor("out", new long[] {2, 2}, new float[] {1, 2, 3, 4});
        OutputTensor flat = new OutputTensor("out", new long[] {2, 2}, new float[] {-1, 0, 0, -1});
        List<List<OutputTensor>> b = List.of(List.of(base));
        assertThatThrownBy(() -> VariantCheck.check("m variant r", FidelityGate.Tier.RESTRUCTURED, b,
                List.of(List.of(flat)), null))
                .hasMessage("m variant r failed: output 'out' fidelity to the baseline collapsed on 2 calibration samples"
                        + " (cosine -0.6455, SQNR -1.5 dB, top-1 50.00%; a pruned or separable variant keeps cosine >= 0.25"
                        + " and SQNR >= -6.0 dB)");
        OutputTensor inf = new OutputTensor("out", new long[] {2, 2}, new float[] {1, Float.POSITIVE_INFINITY, 3, 4});
        assertThatThrownBy(() -> VariantCheck.check("m variant r", FidelityGate.Tier.NUMERIC, b, List.of(List.of(inf)),
                null))
                .hasMessage("m variant r failed: output 'out' has 1 of 4 values infinite on the calibration inputs"
                        + " where the baseline's are finite");
        OutputTensor nanBase = new OutputTensor("out", new long[] {2, 2}, new float[] {1, Float.NaN, 3, 4});
        OutputTensor nanVariant = new OutputTensor("out", new long[] {2, 2}, new float[] {1.01f, Float.NaN, 3, 4});
        Fidelity kept = VariantCheck.check("m variant r", FidelityGate.Tier.NUMERIC, List.of(List.of(nanBase)),
                List.of(List.of(nanVariant)), null);
        // the baseline's NaN is left out: the other three values are compared
        assertThat(kept.maxAbsError()).isCloseTo(0.01, within(1e-6));
    }

    @Test
    void onlyClassifierShapedOutputsGetTopOne() {
        float[] v = new float[2 * 3 * 85];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 101) / 101f;
        }
        OutputTensor detector = new OutputTensor("boxes", new long[] {2, 3, 85}, v);
        Fidelity f = Fidelity.compare(List.of(detector), List.of(detector), List.of(new int[] {1, 2}));
        assertThat(f.top1Agreement()).isNull();
        assertThat(f.baselineAccuracy()).isNull();
        assertThat(f.cosineSimilarity()).isCloseTo(1.0, within(1e-9));
        assertThat(f.summary()).isEqualTo("cosine 1.0000, SQNR inf");
        OutputTensor logits = new OutputTensor("logits", new long[] {2, 5, 1, 1}, Arrays.copyOf(v, 10));
        assertThat(Fidelity.compare(List.of(logits), List.of(logits), null).top1Agreement()).isEqualTo(1.0);
        assertThat(new OutputTensor("score", new long[] {2, 1}, new float[2]).classifierShaped()).isFalse();
    }

    /** [N,6,5] → MatMul 5×5 → output [N,6,5], shaped like a detector's anchors × fields. */
    @Test
    void aDetectorShapedVariantRecordHasNoTopOne(@TempDir Path dir) {
        TestModels.Builder b = new TestModels.Builder(3);
        b.init("w", new long[] {5, 5}, 0.5f);
        b.node("MatMul", "mm", List.of("input", "w"), "output");
        ModelProto m = b.model("anchors", new long[] {-1, 6, 5}, new long[] {-1, 6, 5});
        VariantRecord r = new VariantBuilder(RUNNER).build(m, "anchors", List.of(VariantRecipe.parse("quantized:fp16")),
                CalibrationData.random(new long[] {4, 6, 5}, 2, 1), dir).get(0);
        assertThat(r.fidelity().top1Agreement()).isNull();
        assertThat(r.fidelity().cosineSimilarity()).isGreaterThan(0.9999);
        assertThat(r.toManifestEntry().get("fidelity")).asString().contains("top1Agreement=null");
    }
}
