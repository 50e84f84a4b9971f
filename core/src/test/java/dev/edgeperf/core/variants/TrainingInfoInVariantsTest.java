package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

/** keras-mlp carries a training step (training_info) whose bindings name its weights. */
class TrainingInfoInVariantsTest {
    private final ModelProto kerasMlp = OnnxModels.parse(ModelZoo.build("keras-mlp"), "keras-mlp");

    @Test
    void aRecipeThatRewritesWeightsDropsTheTrainingStepAndSaysSo() {
        assertThat(kerasMlp.getTrainingInfoCount()).isPositive();
        TransformResult r = VariantTransforms.apply(kerasMlp, VariantRecipe.parse("quantized:int8-dynamic"), null,
                null);
        assertThat(r.model().getTrainingInfoCount()).isZero();
        assertThat(r.notes()).anyMatch(n -> n.startsWith("training_info dropped"));
    }

    @Test
    void theBaselineKeepsIt() {
        TransformResult r = VariantTransforms.apply(kerasMlp, VariantRecipe.parse("baseline"), null, null);
        assertThat(r.model().getTrainingInfoCount()).isEqualTo(kerasMlp.getTrainingInfoCount());
    }
}
