package dev.edgeperf.core.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SmallModelsTest {
    static Stream<Arguments> smallModels() {
        return Stream.of(
                Arguments.of("mnist-cnn", 370_338L, new long[] {10}),
                Arguments.of("mnist-cnn-pool", 17_698L, new long[] {10}),
                Arguments.of("seed-conv", 28_224L, new long[] {64, 19, 19}),
                Arguments.of("seed-separable", 1_017L, new long[] {64, 19, 19}),
                Arguments.of("keras-mlp", 387L, new long[] {4}),
                Arguments.of("lenet5", 61_706L, new long[] {10}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallModels")
    void parametersAndOnnxRuntimeOutputs(String name, long params, long[] outputPerSample) throws OrtException {
        byte[] bytes = ModelZoo.build(name);
        ModelProto model = ZooModelChecks.parse(bytes);
        assertThat(ZooModelChecks.totalParams(model)).as(name + " parameters").isEqualTo(params);
        assertThat(model.getIrVersion()).isEqualTo(8);
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(model.getGraph().getInput(0).getName()).isEqualTo("input");
        assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("N");
        assertThat(model.getGraph().getOutput(0).getName()).isEqualTo("output");

        for (long batch : new long[] {1, 3}) {
            ZooModelChecks.Output out = ZooModelChecks.run(bytes, batch, 42 + batch);
            long[] expected = new long[outputPerSample.length + 1];
            expected[0] = batch;
            System.arraycopy(outputPerSample, 0, expected, 1, outputPerSample.length);
            assertThat(out.shape()).as(name + " output shape at batch " + batch).containsExactly(expected);
            ZooModelChecks.assertFiniteAndVaried(name + " batch " + batch, out.values());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallModels")
    void softmaxRowsSumToOne(String name, long params, long[] outputPerSample) throws OrtException {
        byte[] bytes = ModelZoo.build(name);
        boolean softmax = ZooModelChecks.parse(bytes).getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("Softmax"));
        if (!softmax) {
            return;
        }
        float[] values = ZooModelChecks.run(bytes, 2, 7).values();
        int classes = (int) outputPerSample[0];
        for (int row = 0; row < 2; row++) {
            double sum = 0;
            for (float v : Arrays.copyOfRange(values, row * classes, (row + 1) * classes)) {
                sum += v;
            }
            assertThat(sum).as(name + " softmax row " + row).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }
}
