package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.train.CnnShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistillRecipeTest {
    @Test
    void defaultsAndCanonicalText() {
        DistillRecipe r = DistillRecipe.parse("distilled:mnist-cnn");
        assertThat(r.width()).isEqualTo(1);
        assertThat(r.temperature()).isEqualTo(4);
        assertThat(r.alpha()).isEqualTo(0.7);
        assertThat(r.epochs()).isEqualTo(2);
        assertThat(r.text()).isEqualTo("distilled:mnist-cnn:width=1,T=4,alpha=0.7,epochs=2,seed=20240601");
        assertThat(DistillRecipe.parse(r.text())).isEqualTo(r);
    }

    @Test
    void optionsWithCommasOrColonsAndNarrowerShape() {
        DistillRecipe r = DistillRecipe.parse("distilled:mnist-cnn:width=0.5:T=2,alpha=0.9,epochs=3,seed=7");
        assertThat(r.text()).isEqualTo("distilled:mnist-cnn:width=0.5,T=2,alpha=0.9,epochs=3,seed=7");
        assertThat(r.fileSuffix()).isEqualTo("distilled-mnist-cnn-width0.5_T2_alpha0.9_epochs3_seed7");
        assertThat(r.shape(28, 28, 10)).isEqualTo(new CnnShape(3, 3, 64, 28, 28, 10));
        assertThat(r.options().epochs()).isEqualTo(3);
        assertThat(r.options().seed()).isEqualTo(7);
        assertThat(DistillRecipe.matches("distilled:x")).isTrue();
        assertThat(DistillRecipe.matches("pruned:structured:0.5")).isFalse();
    }

    @Test
    void theZooStudentsTheChainTrainerTrainsParse() {
        DistillRecipe lenet = DistillRecipe.parse("distilled:LeNet5:width=0.5,epochs=1");
        assertThat(lenet.student()).isEqualTo("lenet5");
        assertThat(lenet.mnistCnn()).isFalse();
        assertThat(lenet.text()).isEqualTo("distilled:lenet5:width=0.5,T=4,alpha=0.7,epochs=1,seed=20240601");
        assertThat(DistillRecipe.parse("distilled:mnist-cnn-pool").student()).isEqualTo("mnist-cnn-pool");
        assertThat(DistillRecipe.parse("distilled:mnist-cnn").mnistCnn()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "distilled:resnet18|unknown student 'resnet18'",
        "distilled:mobilenet-v2|unknown student 'mobilenet-v2' in recipe 'distilled:mobilenet-v2'; expected mnist-cnn, mnist-cnn-pool or lenet5",
        "distilled:|names no student",
        "distilled:mnist-cnn:T=0|T '0' in recipe 'distilled:mnist-cnn:T=0' must be a number in (0, 100]",
        "distilled:mnist-cnn:T=abc|T 'abc'",
        "distilled:mnist-cnn:alpha=1.5|alpha '1.5' in recipe 'distilled:mnist-cnn:alpha=1.5' must be a number in [0, 1]",
        "distilled:mnist-cnn:epochs=0|epochs '0'",
        "distilled:mnist-cnn:epochs=1.5|epochs '1.5' in recipe 'distilled:mnist-cnn:epochs=1.5' must be an integer",
        "distilled:mnist-cnn:width=0|width '0'",
        "distilled:mnist-cnn:width=2|width '2'",
        "distilled:mnist-cnn:seed=x|seed 'x'",
        "distilled:mnist-cnn:depth=3|unknown option 'depth'",
        "distilled:mnist-cnn:fast|option 'fast' in recipe 'distilled:mnist-cnn:fast' is not KEY=VALUE",
    })
    void badRecipesNameTheValue(String recipe, String message) {
        assertThatThrownBy(() -> DistillRecipe.parse(recipe)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining(message);
    }
}
