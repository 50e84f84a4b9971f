package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainedWeightsTest {
    @Test
    void committedWeightsArePresentAndMatchTheirHeader() {
        Map<String, String> header = TrainedWeights.mnistCnnHeader().orElseThrow();
        float[][] tensors = TrainedWeights.mnistCnn().orElseThrow();

        assertThat(tensors.length).isEqualTo(8);
        assertThat(tensors[CnnWeights.FC1_W]).hasSize(128 * 2880);
        assertThat(header).containsEntry("format", WeightsFile.FORMAT).containsKeys("command", "epochs", "sha256");
        assertThat(Double.parseDouble(header.get("test_accuracy"))).isGreaterThanOrEqualTo(0.98);
        assertThat(TrainedWeights.mnistCnn().orElseThrow()[0]).as("a fresh copy per call").isNotSameAs(tensors[0]);
    }

    @Test
    void committedWeightsReachNinetyEightPercentInOnnxRuntimeOnTheRealTestSet() {
        LabeledImages test = Datasets.load(Datasets.MNIST, TestData.mnistDir(), Split.TEST);
        byte[] model = TrainedWeights.mnistCnnModel().orElseThrow();

        double accuracy = Evaluator.accuracy(model, test);

        assertThat(test.count()).isEqualTo(10_000);
        assertThat(accuracy).isGreaterThanOrEqualTo(0.98);
        assertThat(accuracy).as("header records what ORT computes")
                .isCloseTo(Double.parseDouble(TrainedWeights.mnistCnnHeader().orElseThrow().get("test_accuracy")),
                        org.assertj.core.data.Offset.offset(1e-4));
    }
}
