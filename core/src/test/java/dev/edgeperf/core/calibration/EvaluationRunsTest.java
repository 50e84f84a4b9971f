package dev.edgeperf.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.Tensors;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.ModelEvaluator;
import dev.edgeperf.core.variants.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation data of a multi-input model (the VAD-shaped model of {@link TensorRunsTest}: y = audio × mask + sr,
 * its argmax the class) is read by calibration's loader: every input fed, per run or by its value.
 */
class EvaluationRunsTest {
    @TempDir
    Path dir;

    private static final ModelInputs SR = new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {16000}));

    private static EvaluationData load(Path folder, ModelInputs sizes) {
        return EvaluationData.load(CalibrationSource.parse("tensors:" + folder, null, null), null,
                TensorRunsTest.vadShaped(), "vad", 100, sizes);
    }

    private static double top1(EvaluationData data) {
        return new ModelEvaluator(new OrtRunner(1)).reference(TensorRunsTest.vadShaped(), "vad", data.batches(),
                data.classes(), "tensors").baseline().accuracy().top1();
    }

    /** A one-hot audio row: class {@code c} of 4. */
    private static float[] hot(int c) {
        float[] v = new float[4];
        v[c] = 1;
        return v;
    }

    @Test
    void flatRunsFeedEveryInputAndTheirLabelsScoreTheModel() throws Exception {
        Path f = Files.createDirectories(dir.resolve("flat"));
        for (int r = 0; r < 3; r++) {
            CalibrationFixtures.npy(f.resolve(r + ".audio.npy"), 1, "<f4", false, new long[] {1, 4},
                    CalibrationFixtures.floats(hot(r)));
            CalibrationFixtures.npy(f.resolve(r + ".state.npy"), 1, "<f4", false, new long[] {2, 1, 3},
                    CalibrationFixtures.floats(CalibrationFixtures.ramp(6, r)));
        }
        Files.writeString(f.resolve(EvaluationData.LABELS_FILE), "0 1 2\n");
        EvaluationData data = load(f, SR);
        assertThat(data.samples()).isEqualTo(3);
        List<InputBatch> b = new ArrayList<>();
        data.batches().forEach(b::add);
        assertThat(b.get(1).inputs()).extracting(InputBatch.Feed::name).containsExactly("audio", "state", "mask", "sr");
        assertThat(b.get(1).labels()).containsExactly(1);
        assertThat(b.get(1).inputs().get(3).longs()).containsExactly(16000);
        assertThat(top1(data)).isEqualTo(1.0);
        Files.writeString(f.resolve(EvaluationData.LABELS_FILE), "0 1 0\n");
        assertThat(top1(load(f, SR))).isEqualTo(2.0 / 3);
    }

    @Test
    void oneSubFolderPerRunWithTheLabelsBesideThem() throws Exception {
        Path f = dir.resolve("sets");
        for (int r = 0; r < 2; r++) {
            Path set = Files.createDirectories(f.resolve("test_data_set_" + r));
            float[] audio = new float[8];
            System.arraycopy(hot(r), 0, audio, 0, 4);
            System.arraycopy(hot(3), 0, audio, 4, 4);
            Files.write(set.resolve("input_0.pb"), Tensors.floatTensor("audio", new long[] {2, 4}, audio).toByteArray());
            Files.write(set.resolve("input_1.pb"), Tensors.floatTensor("state", new long[] {2, 2, 3},
                    CalibrationFixtures.ramp(12, 0)).toByteArray());
        }
        Files.writeString(f.resolve(EvaluationData.LABELS_FILE), "0 3 1 3\n");
        EvaluationData data = load(f, SR);
        assertThat(data.samples()).isEqualTo(4);
        assertThat(data.label()).isEqualTo("tensors:" + f + " 4 samples");
        assertThat(top1(data)).isEqualTo(1.0);
        // the labels must still match the runs' samples
        Files.writeString(f.resolve(EvaluationData.LABELS_FILE), "0 3 1\n");
        assertThatThrownBy(() -> load(f, SR)).isInstanceOf(EdgeperfException.class).hasMessage("evaluation tensors:"
                + f + ": " + f.resolve(EvaluationData.LABELS_FILE) + " has 3 labels but the folder gives 4 samples;"
                + " expected one label per sample");
    }

    @Test
    void aFloatInputNoFileGivesIsNamedAndAValueFeedsIt() throws Exception {
        Path f = Files.createDirectories(dir.resolve("plain"));
        CalibrationFixtures.npy(f.resolve("a.npy"), 1, "<f4", false, new long[] {4}, CalibrationFixtures.floats(hot(2)));
        Files.writeString(f.resolve(EvaluationData.LABELS_FILE), "2\n");
        assertThatThrownBy(() -> load(f, SR)).isInstanceOf(EdgeperfException.class)
                .hasMessage("evaluation tensors:" + f + " gives no data for input 'state' [2, batch, 3] of model vad;"
                        + " add one file per run named <run>.state.npy to the folder, or --value state=V");
        ModelInputs zeroState = new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {8000}, "state",
                new long[] {0}));
        EvaluationData data = load(f, zeroState);
        assertThat(data.batches().iterator().next().inputs().get(3).longs()).containsExactly(8000);
        assertThat(top1(data)).isEqualTo(1.0);
    }
}
