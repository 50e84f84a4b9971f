package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsExportCommandTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void exportsTheZooModelAsAFileOnnxRuntimeLoads() throws Exception {
        Path file = dir.resolve("sub/mnist.onnx");

        int code = run("models", "export", "mnist-cnn", "--out", file.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(ModelZoo.build("mnist-cnn"));
        assertThat(out.toString()).startsWith("wrote " + file + " (");
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString())) {
            assertThat(session.getInputNames()).containsExactly("input");
        }
        try (var s = Files.list(file.getParent())) {
            assertThat(s).containsExactly(file); // no temp file left beside it
        }
    }

    @Test
    void unknownNameListsTheKnownOnesAndWritesNothing() {
        Path file = dir.resolve("x.onnx");

        int code = run("models", "export", "alexnet", "--out", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf: unknown model 'alexnet': expected one of mnist-cnn, ")
                .contains("resnet18").hasLineCount(1);
        assertThat(file).doesNotExist();
    }

    @Test
    void aDirectoryAsOutIsAUserError() {
        int code = run("models", "export", "mnist-cnn", "--out", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("is a directory");
    }
}
