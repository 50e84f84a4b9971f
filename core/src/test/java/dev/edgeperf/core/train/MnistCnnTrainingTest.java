package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.IdxFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistCnnTrainingTest {
    @TempDir
    Path dir;

    @Test
    void badOptionsAreUserErrorsNamingTheFlag() {
        Path out = Path.of("w.bin");
        assertThatThrownBy(() -> new MnistCnnTraining.Options(0, null, out, null, 1, 1, 0))
                .isInstanceOf(EdgeperfException.class).hasMessage("--epochs is 0, expected a positive integer");
        assertThatThrownBy(() -> new MnistCnnTraining.Options(1, null, out, null, 1, 0, 0))
                .isInstanceOf(EdgeperfException.class).hasMessage("--threads is 0, expected a positive integer");
        assertThatThrownBy(() -> new MnistCnnTraining.Options(1, null, out, null, 1, 1, -1))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("--limit must be 0 (all) or positive");
    }

    @Test
    void runTrainsEvaluatesAndWritesWeightsHeaderAndModel() throws Exception {
        // a tiny fake MNIST folder keeps this an end-to-end test of the command that needs no download
        IdxFiles.writeDataset(dir.resolve("datasets/mnist"), 64, 20, true);
        Path out = dir.resolve("out/w.bin");
        Path onnx = dir.resolve("out/m.onnx");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        MnistCnnTraining.Report report = MnistCnnTraining.run(new MnistCnnTraining.Options(1, dir.resolve("datasets"), out, onnx, 1, 1, 0),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(report.testImages()).isEqualTo(20);
        assertThat(report.training().epochs()).hasSize(1);
        assertThat(Files.size(out)).isEqualTo(370_338L * 4);
        assertThat(Files.readAllBytes(onnx)).isEqualTo(report.onnxBytes());
        assertThat(WeightsFile.parseHeader(Files.readString(dir.resolve("out/w.properties"))))
                .containsEntry("test_accuracy", String.format(java.util.Locale.ROOT, "%.4f", report.testAccuracy()))
                .containsEntry("epochs", "1");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("epoch 1:").contains("test accuracy (ONNX Runtime");
    }
}
