package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistilledVariantTest {
    private static final byte[] TEACHER = ModelZoo.build("mnist-cnn");
    private static final LabeledImages TRAIN = images(96, 5);
    private static final CalibrationData CALIBRATION = CalibrationData.random(new long[] {8, 1, 28, 28}, 1, 3);

    @Test
    void sameRecipeDataAndSeedGiveTheSameBytesThroughFreshBuilders() {
        DistillRecipe recipe = DistillRecipe.parse("distilled:mnist-cnn:width=0.25,epochs=1");
        DistilledVariant.Result a = build(recipe);
        DistilledVariant.Result b = build(recipe);
        assertThat(b.bytes()).isEqualTo(a.bytes());
        assertThat(a.record().sha256()).isEqualTo(Digests.sha256Hex(a.bytes()));
        assertThat(a.record().fileBytes()).isEqualTo(a.bytes().length);
        assertThat(a.record().recipe()).isEqualTo(recipe.text());
        assertThat(a.record().file()).isEqualTo("mnist-cnn." + recipe.fileSuffix() + ".onnx");
        ModelProto parsed = OnnxModels.parse(a.bytes(), "variant");
        assertThat(parsed.getDocString()).isEqualTo("variant " + recipe.text() + " of "
                + OnnxModels.parse(TEACHER, "teacher").getGraph().getName());
        assertThat(parsed).isEqualTo(a.model());
        // the student keeps the teacher's input and output names, so it feeds and reads like the teacher
        ModelProto teacher = OnnxModels.parse(TEACHER, "teacher");
        assertThat(DistilledVariant.imageInputs(parsed.getGraph()).get(0).getName())
                .isEqualTo(DistilledVariant.imageInputs(teacher.getGraph()).get(0).getName());
        assertThat(parsed.getGraph().getOutput(0).getName()).isEqualTo(teacher.getGraph().getOutput(0).getName());
    }

    @Test
    void anotherSeedGivesOtherBytes() {
        DistilledVariant.Result a = build(DistillRecipe.parse("distilled:mnist-cnn:width=0.25,epochs=1,seed=1"));
        DistilledVariant.Result b = build(DistillRecipe.parse("distilled:mnist-cnn:width=0.25,epochs=1,seed=2"));
        assertThat(b.record().sha256()).isNotEqualTo(a.record().sha256());
    }

    private static DistilledVariant.Result build(DistillRecipe recipe) {
        return DistilledVariant.build(new VariantBuilder(new OrtRunner(1)), TEACHER, "mnist-cnn", recipe, TRAIN,
                CALIBRATION, (what, stats) -> { });
    }

    private static LabeledImages images(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * 784];
        int[] labels = new int[count];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        for (int n = 0; n < count; n++) {
            labels[n] = n % 10;
        }
        return new LabeledImages(pixels, labels, 1, 28, 28, 10);
    }
}
