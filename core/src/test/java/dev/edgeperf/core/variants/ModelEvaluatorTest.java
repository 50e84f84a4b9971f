package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelEvaluatorTest {
    @Test
    void topOneAndTopFiveByHand() {
        // 3 rows of 7 classes: row 0 label 2 is the arg-max; row 1 label 0 ranks 3rd; row 2 label 6 ranks 6th
        float[] v = {
            0.1f, 0.2f, 0.9f, 0, 0, 0, 0,
            0.5f, 0.9f, 0.1f, 0.8f, 0, 0, 0,
            0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.0f,
        };
        ModelEvaluator.Accuracy a = ModelEvaluator.accuracy(List.of(new OutputTensor("y", new long[] {3, 7}, v)),
                List.of(new int[] {2, 0, 6}));
        assertThat(a.samples()).isEqualTo(3);
        assertThat(a.classes()).isEqualTo(7);
        assertThat(a.top1()).isEqualTo(1.0 / 3);
        assertThat(a.top5()).isEqualTo(2.0 / 3);
    }

    @Test
    void noTopFiveWithFiveClassesOrFewerAndTiesGoToTheLowerClass() {
        ModelEvaluator.Accuracy a = ModelEvaluator.accuracy(
                List.of(new OutputTensor("y", new long[] {1, 5}, new float[] {0.5f, 0.5f, 0, 0, 0}),
                        new OutputTensor("y", new long[] {1, 5}, new float[] {0.5f, 0.5f, 0, 0, 0})),
                List.of(new int[] {0}, new int[] {1}));
        assertThat(a.top1()).isEqualTo(0.5);
        assertThat(a.top5()).isNull();
    }
}
