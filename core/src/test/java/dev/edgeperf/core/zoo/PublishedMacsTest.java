package dev.edgeperf.core.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.onnxruntime.OrtException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Conv + Gemm MACs (measured through ONNX Runtime's real shapes) against the seed articles and published figures. */
class PublishedMacsTest {
    static Stream<Arguments> exactSeedFigures() {
        return Stream.of(
                // the seed article's per-layer FLOPs; they sum to 1,059,880 (its quoted total of 1,060,400 does not add up)
                Arguments.of("mnist-cnn", (60_840L + 259_200L + 737_280L + 2_560L) / 2),
                Arguments.of("seed-conv", 20_377_728L / 2),
                Arguments.of("seed-separable", (318_402L + 415_872L) / 2),
                Arguments.of("keras-mlp", 15L + 40 + 80 + 150 + 60),
                Arguments.of("lenet5", 6L * 25 * 28 * 28 + 16L * 150 * 10 * 10 + 400 * 120 + 120 * 84 + 84 * 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactSeedFigures")
    void smallModelsMatchTheSeedArithmeticExactly(String name, long macs) throws OrtException {
        assertThat(MacsCounter.convGemmMacs(ZooModelChecks.parse(ModelZoo.build(name)))).isEqualTo(macs);
    }

    static Stream<Arguments> publishedImageNetFigures() {
        return Stream.of(
                Arguments.of("resnet18", 1.814e9),
                Arguments.of("resnet50", 4.09e9),
                Arguments.of("mobilenet-v2", 0.301e9),
                Arguments.of("vgg16", 15.47e9),
                Arguments.of("squeezenet1_1", 0.349e9),
                Arguments.of("mobilenet-v1", 0.569e9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedImageNetFigures")
    void imageNetModelsAreWithinOnePercentOfPublishedMacs(String name, double macs) throws OrtException {
        long measured = MacsCounter.convGemmMacs(ModelZoo.buildProto(name));
        assertThat((double) measured).as(name + " MACs").isCloseTo(macs, withinPercentage(1));
    }
}
