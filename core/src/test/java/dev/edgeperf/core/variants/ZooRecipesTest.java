package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every recipe builds on the zoo's models and passes {@link VariantCheck} (no inf/NaN, fidelity not
 * collapsed) on random inputs, as {@code variants build} with its default calibration does — except
 * {@code separable} on mnist-cnn, whose fidelity really collapses and which fails with the reason. The small
 * models always run; mobilenet-v2 and resnet18 (a minute or more each on two cores) with
 * {@code -Dedgeperf.zoo.large=true}.
 */
class ZooRecipesTest {
    static Stream<String> models() {
        Stream<String> small = Stream.of("mnist-cnn", "mnist-cnn-pool", "lenet5");
        return Boolean.getBoolean("edgeperf.zoo.large") ? Stream.concat(small, Stream.of("mobilenet-v2", "resnet18"))
                : small;
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyRecipeBuildsWithoutCollapsing(String name, @TempDir Path dir) {
        ModelProto m = ModelZoo.buildProto(name);
        CalibrationData data = CalibrationData.random(m, 8, 1, 2, 42);
        VariantBuilder builder = new VariantBuilder(new OrtRunner(2));
        for (String recipe : VariantBuilderTest.ALL) {
            if (name.equals("mnist-cnn") && recipe.equals("separable")) {
                // A rank-1 fit per input channel cannot stand for its 1-channel 3x3 convs: it answers "1" for
                // every input (12% on MNIST). That is the collapse the check exists for.
                assertThatThrownBy(() -> builder.build(m, name, List.of(VariantRecipe.parse(recipe)), data, dir))
                        .isInstanceOfSatisfying(EdgeperfException.class, e -> {
                            assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR);
                            assertThat(e.getMessage()).startsWith("mnist-cnn variant separable failed: output 'output'"
                                    + " fidelity to the baseline collapsed on 16 calibration samples (cosine 0.0").doesNotContain("\n");
                        });
                assertThat(dir.resolve("mnist-cnn.separable.onnx")).doesNotExist();
                continue;
            }
            VariantRecord r = builder.build(m, name, List.of(VariantRecipe.parse(recipe)), data, dir).get(0);
            System.out.printf("%-16s %-26s %s%n", name, r.recipe(), r.fidelity().summary());
            assertThat(FidelityGate.tier(VariantRecipe.parse(r.recipe())).fails(r.fidelity())).as(r.recipe()).isFalse();
            assertThat(r.fidelity().top1Agreement()).as("zoo models are classifiers").isNotNull();
        }
    }
}
