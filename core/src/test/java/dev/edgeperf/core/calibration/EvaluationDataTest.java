package dev.edgeperf.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.ModelEvaluator;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.zoo.ModelZoo;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationDataTest {
    private static final ModelProto MNIST_CNN = ModelZoo.buildProto("mnist-cnn");

    private static void png(Path file, int gray) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                img.getRaster().setSample(x, y, 0, (gray + x * y) % 256);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void imageFolderNumbersClassesBySortedSubFolder(@TempDir Path dir) throws Exception {
        for (int c = 0; c < 10; c++) {
            for (int i = 0; i < (c == 3 ? 3 : 1); i++) {
                png(dir.resolve("digit-" + c).resolve(i + ".png"), 20 * c + i);
            }
        }
        EvaluationData data = EvaluationData.load(CalibrationSource.parse("images:" + dir, null, null), null,
                MNIST_CNN, "mnist-cnn", 1000, ModelInputs.none());
        assertThat(data.samples()).isEqualTo(12);
        assertThat(data.classes()).isEqualTo(10);
        assertThat(data.classNames()).startsWith("digit-0", "digit-1");
        int threes = 0;
        for (InputBatch b : data.batches()) {
            for (int l : b.labels()) {
                threes += l == 3 ? 1 : 0;
            }
        }
        assertThat(threes).isEqualTo(3);
        ModelEvaluator.Reference ref = new ModelEvaluator(new OrtRunner(1)).reference(MNIST_CNN, "mnist-cnn",
                data.batches(), data.classes(), "images:" + dir);
        assertThat(ref.baseline().accuracy().samples()).isEqualTo(12);
        assertThat(ref.baseline().accuracy().top5()).isNotNull();
    }

    @Test
    void classCountThatIsNotTheModelsIsRefused(@TempDir Path dir) throws Exception {
        for (String c : new String[] {"cat", "dog", "fish"}) {
            png(dir.resolve(c).resolve("a.png"), 10);
        }
        EvaluationData data = EvaluationData.load(CalibrationSource.parse("images:" + dir, null, null), null,
                MNIST_CNN, "mnist-cnn", 1000, ModelInputs.none());
        assertThat(data.classes()).isEqualTo(3);
        assertThatThrownBy(() -> new ModelEvaluator(new OrtRunner(1)).reference(MNIST_CNN, "mnist-cnn",
                data.batches(), data.classes(), "images:x"))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("evaluation images:x has 3 classes but model mnist-cnn outputs 10; expected data with one"
                        + " class per model output");
    }

    @Test
    void looseFilesOrNoSubFoldersAreRefused(@TempDir Path dir) throws Exception {
        png(dir.resolve("a.png"), 1);
        assertThatThrownBy(() -> EvaluationData.load(CalibrationSource.parse("images:" + dir, null, null), null,
                MNIST_CNN, "mnist-cnn", 10, ModelInputs.none())).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("has no class sub-folders (1 loose files)");
        png(dir.resolve("zero").resolve("b.png"), 1);
        assertThatThrownBy(() -> EvaluationData.load(CalibrationSource.parse("images:" + dir, null, null), null,
                MNIST_CNN, "mnist-cnn", 10, ModelInputs.none())).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("holds files beside its class sub-folders (a.png)");
    }

    @Test
    void tensorsNeedALabelPerSample(@TempDir Path dir) throws Exception {
        // two .npy samples of [1, 28, 28] float32
        for (int i = 0; i < 2; i++) {
            CalibrationFixtures.npy(dir.resolve("s" + i + ".npy"), 1, "<f4", false, new long[] {1, 28, 28},
                    CalibrationFixtures.floats(CalibrationFixtures.ramp(784, 0.1f * i)));
        }
        CalibrationSource src = CalibrationSource.parse("tensors:" + dir, null, null);
        assertThatThrownBy(() -> EvaluationData.load(src, null, MNIST_CNN, "mnist-cnn", 10,
                ModelInputs.none()))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("labels.txt is missing");
        Files.writeString(dir.resolve("labels.txt"), "3\n");
        assertThatThrownBy(() -> EvaluationData.load(src, null, MNIST_CNN, "mnist-cnn", 10,
                ModelInputs.none()))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("has 1 labels but the folder gives 2 samples");
        Files.writeString(dir.resolve("labels.txt"), "3\n12\n");
        EvaluationData data = EvaluationData.load(src, null, MNIST_CNN, "mnist-cnn", 10, ModelInputs.none());
        assertThatThrownBy(() -> new ModelEvaluator(new OrtRunner(1)).reference(MNIST_CNN, "mnist-cnn",
                data.batches(), data.classes(), "tensors:t"))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("has label 12 but model mnist-cnn outputs 10");
    }

    @Test
    void randomHasNoLabels() {
        assertThatThrownBy(() -> EvaluationData.load(CalibrationSource.random(), null, MNIST_CNN, "mnist-cnn", 10,
                ModelInputs.none()))
                .isInstanceOf(EdgeperfException.class).hasMessageStartingWith("evaluation 'random' has no labels");
    }

    @Test
    void labelsParseIntegersAndNameABadOne(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("labels.txt");
        Files.writeString(f, "1, 2\n3 4\n");
        assertThat(EvaluationData.labels(f)).containsExactly(1, 2, 3, 4);
        Files.writeString(f, "1\ncat\n");
        assertThatThrownBy(() -> EvaluationData.labels(f)).hasMessageContaining("'cat' (label 2) is not a class number");
    }
}
