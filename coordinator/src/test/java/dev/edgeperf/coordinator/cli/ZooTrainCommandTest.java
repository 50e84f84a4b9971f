package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.train.CnnShape;
import dev.edgeperf.core.train.WeightsFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooTrainCommandTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void onlyMnistCnnCanBeTrained() {
        int code = run("zoo", "train", "resnet18", "--out", dir.resolve("w.bin").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: only mnist-cnn can be trained, got 'resnet18'"
                + System.lineSeparator());
        assertThat(dir.resolve("w.bin")).doesNotExist();
    }

    @Test
    void missingDatasetIsAOneLineError() {
        int code = run("zoo", "train", "mnist-cnn", "--datasets", dir.toString(), "--out", dir.resolve("w.bin").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf: dataset 'mnist' not found").hasLineCount(1);
    }

    @Test
    void trainsOnAnIdxFolderAndWritesWeightsAndOnnx() throws Exception {
        VariantsBuildCommandTest.idxFolder(dir.resolve("datasets/mnist"), 64, 28, true);
        Path weights = dir.resolve("out/w.bin");
        Path onnx = dir.resolve("out/m.onnx");

        int code = run("zoo", "train", "mnist-cnn", "--epochs", "1", "--datasets", dir.resolve("datasets").toString(),
                "--out", weights.toString(), "--onnx", onnx.toString(), "--threads", "1", "--json");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("epoch 1"); // progress on stderr under --json
        assertThat(out.toString()).contains("\"testImages\" : 64").contains("\"epochs\" : 1");
        assertThat(WeightsFile.decode(Files.readAllBytes(weights), CnnShape.MNIST_CNN, weights.toString())).isNotNull();
        assertThat(Files.size(onnx)).isGreaterThan(1_000_000);
    }
}
