package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.agreement.ReferenceSet;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13 item 1: a campaign with calibration data checks devices on its first samples, not on noise. */
class CalibrationReferenceInputsTest {
    private static final Path DATASETS = Path.of("..", "datasets").toAbsolutePath().normalize();

    @Test
    void mnistCalibrationGivesItsFirstFourImagesAtBatchOneAndRandomGivesNone() {
        byte[] cnn = ModelZoo.build("mnist-cnn");
        ModelBuilder builder = new ModelBuilder(DATASETS);
        ModelCalibration mnist = new ModelCalibration("mnist", "", Map.of());
        List<InputBatch> refs = builder.referenceInputs(cnn, "mnist-cnn", ModelInputs.none(), mnist, 4);
        assertThat(refs).hasSize(4);
        assertThat(refs).allSatisfy(b -> assertThat(b.shape()).containsExactly(1, 1, 28, 28));

        // the same values as the calibration batches' first rows, in order
        dev.edgeperf.core.calibration.CalibrationInputs loaded = dev.edgeperf.core.calibration.CalibrationInputs.load(
                mnist.parse(), DATASETS, dev.edgeperf.core.onnx.OnnxModels.parse(cnn, "mnist-cnn"), "mnist-cnn",
                ModelBuilder.CALIBRATION_BATCHES, ModelBuilder.EVAL_IMAGES, ModelInputs.none(), 0);
        List<float[]> firstRows = new ArrayList<>();
        for (InputBatch b : loaded.calibration()) {
            for (int r = 0; r < b.shape()[0] && firstRows.size() < 4; r++) {
                firstRows.add(java.util.Arrays.copyOfRange(b.values(), r * 784, (r + 1) * 784));
            }
        }
        for (int i = 0; i < 4; i++) {
            assertThat(refs.get(i).values()).isEqualTo(firstRows.get(i));
        }
        // real digits, not uniform noise: most pixels of an MNIST image are background (0)
        long zeros = 0;
        for (float v : refs.get(0).values()) {
            zeros += v == 0 ? 1 : 0;
        }
        assertThat(zeros).isGreaterThan(392);
        // and the set made from them runs: the model's own outputs agree with themselves
        ReferenceSet set = ReferenceSet.of(dev.edgeperf.core.onnx.OnnxModels.parse(cnn, "mnist-cnn"), refs, "mnist-cnn");
        assertThat(set.check(dev.edgeperf.core.onnx.OnnxModels.parse(cnn, "mnist-cnn"), "mnist-cnn").disagrees())
                .isFalse();

        assertThat(builder.referenceInputs(cnn, "mnist-cnn", ModelInputs.none(), ModelCalibration.RANDOM, 4)).isEmpty();
    }
}
