package dev.edgeperf.core.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OutputTensor;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceSetTest {
    @Test
    void comparesOverAllSamplesAsOneVector() {
        // dot = 1 + 1 = 2, |ref| = sqrt(2), |dev| = sqrt(3): cosine = 2 / sqrt(6)
        DeviceAgreement a = DeviceAgreement.compare(List.of(new float[] {1, 0}, new float[] {0, 1}),
                List.of(new float[] {1, 0}, new float[] {1, 1}));
        assertThat(a.cosine()).isCloseTo(2 / Math.sqrt(6), within(1e-12));
        assertThat(a.maxAbsDiff()).isEqualTo(1.0);
        assertThat(a.samples()).isEqualTo(2);
        assertThat(a.disagrees()).isTrue();
    }

    @Test
    void closeOutputsAgree() {
        DeviceAgreement a = DeviceAgreement.compare(List.<float[]>of(new float[] {3, -4}),
                List.<float[]>of(new float[] {3.01f, -4}));
        // 3*3.01 + 16 over 5 * sqrt(3.01^2 + 16)
        double expected = (3 * (double) 3.01f + 16) / (5 * Math.sqrt((double) 3.01f * 3.01f + 16));
        assertThat(a.cosine()).isCloseTo(expected, within(1e-12));
        assertThat(a.maxAbsDiff()).isCloseTo(0.01, within(1e-6));
        assertThat(a.disagrees()).isFalse();
    }

    @Test
    void nonFiniteOutputsDisagree() {
        DeviceAgreement a = DeviceAgreement.compare(List.<float[]>of(new float[] {1, 2}),
                List.<float[]>of(new float[] {Float.NaN, 2}));
        assertThat(a.cosine()).isNaN();
        assertThat(a.disagrees()).isTrue();
    }

    @Test
    void allZeroOnBothSidesAgreesOneSidedZeroDoesNot() {
        assertThat(DeviceAgreement.compare(List.<float[]>of(new float[2]), List.<float[]>of(new float[2])).cosine())
                .isEqualTo(1.0);
        assertThat(DeviceAgreement.compare(List.<float[]>of(new float[] {1, 0}), List.<float[]>of(new float[2]))
                .disagrees()).isTrue();
    }

    @Test
    void sizesMustMatch() {
        assertThatThrownBy(() -> DeviceAgreement.compare(List.<float[]>of(new float[2]),
                List.<float[]>of(new float[3]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 values, the device's 3");
        assertThatThrownBy(() -> DeviceAgreement.compare(List.<float[]>of(new float[2]), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mnistCnnAgreesWithItselfAfterARoundTripAndANegatedOutputIsFlagged(@TempDir Path dir) throws Exception {
        ModelProto model = OnnxModels.parse(ModelZoo.build("mnist-cnn"), "mnist-cnn");
        String input = model.getGraph().getInput(0).getName();
        List<InputBatch> inputs = ReferenceSet.generatedInputs(model, Map.of(input, new long[] {1, 1, 28, 28}),
                Map.of(), ReferenceSet.DEFAULT_SAMPLES, ReferenceSet.DEFAULT_SEED, "mnist-cnn");
        assertThat(inputs).hasSize(4);
        assertThat(inputs.get(0).inputs().get(0).floats()).isNotEqualTo(inputs.get(1).inputs().get(0).floats());
        // same seed, same inputs
        assertThat(ReferenceSet.generatedInputs(model, Map.of(input, new long[] {1, 1, 28, 28}), Map.of(), 4,
                ReferenceSet.DEFAULT_SEED, "mnist-cnn").get(3).inputs().get(0).floats())
                .isEqualTo(inputs.get(3).inputs().get(0).floats());

        ReferenceSet set = ReferenceSet.of(model, inputs, "mnist-cnn");
        assertThat(set.samples().get(0).output().shape()).containsExactly(1, 10);
        ReferenceSet back = ReferenceSet.decode(set.encode(), "reference set");
        assertThat(back.samples()).hasSize(4);
        assertThat(back.samples().get(2).output().values()).isEqualTo(set.samples().get(2).output().values());
        assertThat(back.inputs().get(1).inputs().get(0).floats()).isEqualTo(inputs.get(1).inputs().get(0).floats());

        DeviceAgreement same = back.check(model, "mnist-cnn");
        assertThat(same.cosine()).isCloseTo(1.0, within(1e-9));
        assertThat(same.maxAbsDiff()).isLessThan(1e-5);
        assertThat(same.disagrees()).isFalse();
        Path file = Files.write(dir.resolve("m.onnx"), model.toByteArray());
        DeviceAgreement fromFile = back.check(file, 2, "m.onnx");
        assertThat(fromFile.cosine()).isCloseTo(1.0, within(1e-9));
        assertThat(fromFile.samples()).isEqualTo(4);

        List<List<OutputTensor>> negated = set.samples().stream().map(s -> {
            float[] v = s.output().values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
            return List.of(new OutputTensor(s.output().name(), s.output().shape(), v));
        }).toList();
        DeviceAgreement wrong = back.compare(negated);
        assertThat(wrong.cosine()).isCloseTo(-1.0, within(1e-9));
        assertThat(wrong.disagrees()).isTrue();
        assertThat(wrong.worstOutput()).isEqualTo(model.getGraph().getOutput(0).getName());
    }

    @Test
    void badBytesAreAUserErrorNamingTheArtifact() {
        assertThatThrownBy(() -> ReferenceSet.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "artifact abc"))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("artifact abc");
        assertThatThrownBy(() -> ReferenceSet.decode(new byte[] {0x45, 0x50}, "artifact abc"))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("truncated");
    }
}
