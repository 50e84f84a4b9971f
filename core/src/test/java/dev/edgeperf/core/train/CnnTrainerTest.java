package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CnnTrainerTest {
    @Test
    void oneEpochOnTwoThousandMnistImagesLearnsFarAboveChance() {
        Path dir = TestData.mnistDir();
        LabeledImages train = Datasets.load(Datasets.MNIST, dir, Split.TRAIN).first(2000);
        LabeledImages test = Datasets.load(Datasets.MNIST, dir, Split.TEST).first(2000);
        byte[] untrained = MnistCnnOnnx.export(CnnWeights.initial(CnnShape.MNIST_CNN, 1), "init").toByteArray();
        List<EpochStats> seen = new ArrayList<>();

        TrainingResult result = CnnTrainer.train(train, CnnShape.MNIST_CNN, TrainingOptions.defaults(1).withSeed(1), seen::add);

        double before = Evaluator.accuracy(untrained, test);
        double after = Evaluator.accuracy(MnistCnnOnnx.export(result.weights(), "1 epoch").toByteArray(), test);
        assertThat(before).isLessThan(0.3);
        assertThat(after).as("ORT test accuracy after 1 epoch on 2,000 images").isGreaterThan(0.8);
        assertThat(CnnTrainer.accuracy(result.weights(), test)).isCloseTo(after, org.assertj.core.data.Offset.offset(0.002));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).samples()).isEqualTo(2000);
        assertThat(seen.get(0).seconds()).isPositive();
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        LabeledImages data = TestData.blobs(200, 3);
        TrainingOptions options = new TrainingOptions(1, 16, 1e-3, 1, 42, 2);
        float[] a = CnnTrainer.train(data, CnnShape.MNIST_CNN, options, s -> { }).weights().tensor(CnnWeights.FC1_W);
        float[] b = CnnTrainer.train(data, CnnShape.MNIST_CNN, options, s -> { }).weights().tensor(CnnWeights.FC1_W);
        float[] c = CnnTrainer.train(data, CnnShape.MNIST_CNN, options.withSeed(43), s -> { }).weights().tensor(CnnWeights.FC1_W);
        assertThat(Arrays.equals(a, b)).isTrue();
        assertThat(Arrays.equals(a, c)).isFalse();
    }

    @Test
    void finetuneKeepsUnstructuredMasksFixed() {
        LabeledImages train = TestData.blobs(600, 1);
        CnnWeights trained = CnnTrainer.train(train, CnnShape.MNIST_CNN, TrainingOptions.defaults(1), s -> { }).weights();
        CnnWeights pruned = pruneSmallest(trained, 0.9);
        long zeros = pruned.zeroWeights();

        TrainingResult tuned = CnnTrainer.finetune(pruned, train, TrainingOptions.defaults(1), s -> { });

        assertMaskKept(pruned, tuned.weights());
        assertThat(zeros).isGreaterThan(300_000);
        assertThat(pruned.zeroWeights()).as("finetune must not modify its input").isEqualTo(zeros);
        assertThat(Arrays.equals(tuned.weights().tensor(CnnWeights.FC1_W), pruned.tensor(CnnWeights.FC1_W)))
                .as("surviving weights are trained").isFalse();
    }

    @Test
    void finetuneRecoversMnistAccuracyLostToPruning() {
        Path dir = TestData.mnistDir();
        LabeledImages train = Datasets.load(Datasets.MNIST, dir, Split.TRAIN).first(3000);
        LabeledImages test = Datasets.load(Datasets.MNIST, dir, Split.TEST).first(2000);
        CnnWeights trained = CnnTrainer.train(train, CnnShape.MNIST_CNN, TrainingOptions.defaults(1), s -> { }).weights();
        CnnWeights pruned = pruneSmallest(trained, 0.98);
        double trainedAccuracy = CnnTrainer.accuracy(trained, test);
        double prunedAccuracy = CnnTrainer.accuracy(pruned, test);

        TrainingResult tuned = CnnTrainer.finetune(pruned, train, TrainingOptions.defaults(1), s -> { });

        assertMaskKept(pruned, tuned.weights());
        double tunedAccuracy = CnnTrainer.accuracy(tuned.weights(), test);
        String figures = String.format("trained %.3f, pruned 98%% %.3f, fine-tuned %.3f", trainedAccuracy, prunedAccuracy,
                tunedAccuracy);
        assertThat(prunedAccuracy).as("pruning must hurt for this test to mean anything: " + figures)
                .isLessThan(trainedAccuracy - 0.05);
        assertThat(tunedAccuracy).as(figures).isGreaterThan(prunedAccuracy + 0.05);
    }

    private static void assertMaskKept(CnnWeights pruned, CnnWeights tuned) {
        for (int t : new int[] {CnnWeights.CONV1_W, CnnWeights.CONV2_W, CnnWeights.FC1_W, CnnWeights.FC2_W}) {
            float[] before = pruned.tensor(t);
            float[] after = tuned.tensor(t);
            for (int i = 0; i < before.length; i++) {
                if (before[i] == 0f) {
                    assertThat(after[i]).as("%s[%d] was pruned", CnnWeights.NAMES.get(t), i).isZero();
                }
            }
        }
        assertThat(tuned.zeroWeights()).isEqualTo(pruned.zeroWeights());
    }

    @Test
    void finetuneModelWorksOnSerializedPrunedVariantsWithFewerChannels() {
        CnnShape smaller = new CnnShape(3, 2, 32, 28, 28, 10);
        CnnWeights start = CnnWeights.initial(smaller, 5);
        start.tensor(CnnWeights.FC1_W)[7] = 0f;
        byte[] model = MnistCnnOnnx.export(start, "pruned").toByteArray();
        LabeledImages data = TestData.blobs(300, 4);

        byte[] tuned = CnnTrainer.finetuneModel(model, data, TrainingOptions.defaults(1), s -> { });

        CnnWeights back = MnistCnnOnnx.weightsOf(tuned);
        assertThat(back.shape()).isEqualTo(smaller);
        assertThat(back.tensor(CnnWeights.FC1_W)[7]).isZero();
        assertThat(back.tensor(CnnWeights.FC1_W)[8]).isNotEqualTo(start.tensor(CnnWeights.FC1_W)[8]);
        assertThat(Evaluator.accuracy(tuned, data)).isGreaterThan(Evaluator.accuracy(model, data));
    }

    @Test
    void imagesOfTheWrongShapeAreAUserError() {
        LabeledImages small = new LabeledImages(new float[2 * 16], new int[] {0, 1}, 1, 4, 4, 10);
        assertThatThrownBy(() -> CnnTrainer.train(small, CnnShape.MNIST_CNN, TrainingOptions.defaults(1), s -> { }))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("[1,4,4]")
                .hasMessageContaining("[1,28,28]");
    }

    /** Zeroes the given fraction of all weight entries with the smallest magnitude (global unstructured pruning). */
    private static CnnWeights pruneSmallest(CnnWeights weights, double fraction) {
        CnnWeights pruned = weights.copy();
        int[] tensors = {CnnWeights.CONV1_W, CnnWeights.CONV2_W, CnnWeights.FC1_W, CnnWeights.FC2_W};
        int total = 0;
        for (int t : tensors) {
            total += pruned.tensor(t).length;
        }
        float[] magnitudes = new float[total];
        int k = 0;
        for (int t : tensors) {
            for (float v : pruned.tensor(t)) {
                magnitudes[k++] = Math.abs(v);
            }
        }
        Arrays.sort(magnitudes);
        float threshold = magnitudes[(int) (fraction * total)];
        for (int t : tensors) {
            float[] w = pruned.tensor(t);
            for (int i = 0; i < w.length; i++) {
                if (Math.abs(w[i]) < threshold) {
                    w[i] = 0f;
                }
            }
        }
        return pruned;
    }
}
