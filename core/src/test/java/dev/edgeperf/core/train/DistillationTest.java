package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DistillationTest {
    private static final CnnShape SMALL = new CnnShape(2, 2, 16, 28, 28, 10);

    @Test
    void alphaZeroIsExactlyHardLabelTraining() {
        LabeledImages data = TestData.blobs(120, 3);
        TrainingOptions options = new TrainingOptions(1, 16, 1e-3, 1, 42, 1);
        float[] teacher = new float[data.count() * 10];
        Arrays.fill(teacher, 0.5f);
        teacher[3] = 9f;
        TrainingResult hard = CnnTrainer.train(data, SMALL, options, s -> { });
        TrainingResult soft = CnnTrainer.distill(data, SMALL, new SoftTargets(teacher, 4, 0), options, s -> { });
        for (int t = 0; t < CnnWeights.NAMES.size(); t++) {
            assertThat(soft.weights().tensor(t)).containsExactly(hard.weights().tensor(t));
        }
    }

    @Test
    void pureSoftLabelsTeachTheTeachersMappingNotTheLabels() {
        // The teacher says class (label + 1) % 10 with confidence; with alpha = 1 the student must follow it.
        LabeledImages data = TestData.blobs(400, 5);
        float[] teacher = new float[data.count() * 10];
        for (int n = 0; n < data.count(); n++) {
            teacher[n * 10 + (data.labels()[n] + 1) % 10] = 8f;
        }
        TrainingOptions options = new TrainingOptions(3, 16, 2e-3, 1, 7, 1);
        TrainingResult r = CnnTrainer.distill(data, SMALL, new SoftTargets(teacher, 2, 1), options, s -> { });
        int[] shifted = data.labels().clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = (shifted[i] + 1) % 10;
        }
        LabeledImages relabelled = new LabeledImages(data.images(), shifted, 1, 28, 28, 10);
        assertThat(CnnTrainer.accuracy(r.weights(), relabelled)).as("agreement with the teacher").isGreaterThan(0.8);
        assertThat(CnnTrainer.accuracy(r.weights(), data)).as("agreement with the hard labels").isLessThan(0.2);
    }

    @Test
    void teacherLogitsOfAProbabilityRowAreItsLogarithm() {
        float[] p = {0.25f, 0.5f, 0.25f};
        float[] z = SoftTargets.toLogits(p);
        assertThat(z[1] - z[0]).isCloseTo((float) Math.log(2), org.assertj.core.data.Offset.offset(1e-6f));
        float[] raw = {3f, -1f, 0.5f};
        assertThat(SoftTargets.toLogits(raw)).containsExactly(raw);
    }

    @Test
    void teacherLogitsComeFromOnnxRuntimeAndWrongCountsAreRefused() {
        LabeledImages data = TestData.blobs(20, 9);
        CnnWeights w = CnnWeights.initial(SMALL, 3);
        byte[] teacher = MnistCnnOnnx.export(w, "t", "pixels", "scores").toByteArray();
        float[] logits = SoftTargets.teacherLogits(teacher, data);
        // the exported model ends in Softmax, so ln p differs from the network's logits by a per-row constant
        CnnNetwork net = new CnnNetwork(SMALL);
        net.forward(w, CnnTrainer.transposedFc1(w), data.images(), 5 * data.imageSize());
        for (int c = 1; c < 10; c++) {
            assertThat(logits[5 * 10 + c] - logits[5 * 10]).isCloseTo(net.logits[c] - net.logits[0],
                    org.assertj.core.data.Offset.offset(1e-3f));
        }
        assertThatThrownBy(() -> CnnTrainer.distill(data, SMALL, new SoftTargets(new float[7], 4, 0.5),
                new TrainingOptions(1, 8, 1e-3, 1, 1, 1), s -> { }))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("teacher logits hold 7 values");
    }
}
