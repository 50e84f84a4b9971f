package dev.edgeperf.core.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parameter counts against the published torchvision / Keras figures, and ONNX Runtime runs of the cheaper ones. */
class ImageNetModelsTest {
    static Stream<Arguments> publishedParameterCounts() {
        // trainable = conv/gemm weights and biases + BN scale and B; total adds BN running mean and var
        return Stream.of(
                Arguments.of("resnet18", 11_689_512L, 11_699_112L),
                Arguments.of("resnet50", 25_557_032L, 25_610_152L),
                Arguments.of("mobilenet-v2", 3_504_872L, 3_538_984L),
                Arguments.of("mobilenet-v1", 4_231_976L, 4_253_864L),
                Arguments.of("vgg16", 138_357_544L, 138_357_544L),
                Arguments.of("squeezenet1_1", 1_235_496L, 1_235_496L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedParameterCounts")
    void parameterCountsMatchPublishedFigures(String name, long trainable, long total) {
        ModelProto model = ZooModelChecks.parse(ModelZoo.build(name));
        assertThat(ZooModelChecks.trainableParams(model)).as(name + " trainable parameters").isEqualTo(trainable);
        assertThat(ZooModelChecks.totalParams(model)).as(name + " total parameters").isEqualTo(total);
        assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                .containsExactly("N", "3", "224", "224");
        assertThat(model.getGraph().getOutput(0).getType().getTensorType().getShape().getDimList())
                .extracting(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()))
                .containsExactly("N", "1000");
    }

    /** resnet50 and vgg16 are left out only to keep the unit tests quick (4 and 15 GMACs per image). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet18", "mobilenet-v2", "mobilenet-v1", "squeezenet1_1"})
    void runsInOnnxRuntimeAtBatchOneAndThree(String name) throws OrtException {
        byte[] bytes = ModelZoo.build(name);
        for (long batch : new long[] {1, 3}) {
            ZooModelChecks.Output out = ZooModelChecks.run(bytes, batch, batch);
            assertThat(out.shape()).as(name + " output shape").containsExactly(batch, 1000);
            ZooModelChecks.assertFiniteAndVaried(name + " batch " + batch, out.values());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet18", "mobilenet-v2"})
    void differentInputsGiveDifferentOutputs(String name) throws OrtException {
        byte[] bytes = ModelZoo.build(name);
        float[] first = ZooModelChecks.run(bytes, 1, 1).values();
        float[] second = ZooModelChecks.run(bytes, 1, 2).values();
        assertThat(second).as(name + " outputs for two different random images").isNotEqualTo(first);
    }
}
