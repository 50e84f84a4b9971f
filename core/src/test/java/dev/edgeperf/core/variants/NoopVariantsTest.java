package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe that changes nothing is a no-op, with its reason, in the result, the record, the manifest and the file. */
class NoopVariantsTest {
    /** [N, 8] → Relu → Softmax: nothing to quantize, prune or cluster. */
    private static ModelProto weightless() {
        TestModels.Builder b = new TestModels.Builder(5);
        b.node("Relu", "relu", List.of("input"), "relu.out");
        b.node("Softmax", "softmax", List.of("relu.out"), "output", Graphs.intAttribute("axis", 1));
        return b.model("weightless", new long[] {-1, 8}, new long[] {-1, 8}, 12);
    }

    private static TransformResult apply(ModelProto m, String recipe) {
        return VariantTransforms.apply(m, VariantRecipe.parse(recipe), inputs(m, 4, 2), RUNNER);
    }

    @Test
    void recipesThatChangeNothingAreNoopsWithTheirReason() {
        ModelProto m = weightless();
        for (String recipe : List.of("quantized:int8-static", "quantized:int8-dynamic", "quantized:fp16",
                "clustered:16")) {
            TransformResult r = apply(m, recipe);
            assertThat(r.noop()).as(recipe).isTrue();
            assertThat(r.noopReason()).as(recipe).isNotBlank();
            assertThat(VariantTransforms.noopReason(r.model().toByteArray())).isEqualTo(r.noopReason());
        }
        // opset >= 13 goes through the QDQ quantizer: a no-op there too
        TransformResult qdq = apply(TestModels.atOpset(m, 17), "quantized:int8-static");
        assertThat(qdq.noopReason()).contains("no Conv/Gemm/MatMul");
    }

    @Test
    void structuredPruningOfAModelWithoutConvsIsANoop() {
        TransformResult r = apply(TestModels.mlp(), "pruned:structured:0.5");
        assertThat(r.noop()).isTrue();
        assertThat(r.noopReason()).isNotBlank();
    }

    @Test
    void recipesThatChangeTheModelAreNotNoops() {
        for (String recipe : List.of("quantized:int8-static", "quantized:int8-dynamic", "pruned:unstructured:0.5")) {
            TransformResult r = apply(TestModels.mlp(), recipe);
            assertThat(r.noop()).as(recipe).isFalse();
            assertThat(VariantTransforms.noopReason(r.model())).isNull();
        }
        assertThat(apply(TestModels.mlp(), "baseline").noop()).isFalse();
    }

    @Test
    void theBuilderMarksTheRecordAndTheManifestEntry(@TempDir Path dir) {
        ModelProto m = weightless();
        List<VariantRecord> records = new VariantBuilder(RUNNER).build(m, "weightless",
                List.of(VariantRecipe.parse("baseline"), VariantRecipe.parse("quantized:int8-static")), inputs(m, 4, 2),
                dir);
        assertThat(records.get(0).noop()).isFalse();
        assertThat(records.get(0).toManifestEntry()).containsEntry("noop", false).doesNotContainKey("noopReason");
        VariantRecord q = records.get(1);
        assertThat(q.noop()).isTrue();
        Map<String, Object> entry = q.toManifestEntry();
        assertThat(entry).containsEntry("noop", true).containsEntry("noopReason", q.noopReason());
        assertThat(q.int8KernelsExecuted()).isFalse();
    }
}
