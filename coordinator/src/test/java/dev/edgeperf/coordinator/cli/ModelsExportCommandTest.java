package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
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

    @Test
    void anExistingFileIsKeptUnlessForceAndTheResultIsReadableByOthers() throws Exception {
        Path file = Files.writeString(dir.resolve("m.onnx"), "precious");

        int code = run("models", "export", "mnist-cnn", "--out", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("edgeperf: --out " + file
                + " already exists; pass --force to replace it");
        assertThat(Files.readString(file)).isEqualTo("precious");

        assertThat(run("models", "export", "mnist-cnn", "--out", file.toString(), "--force")).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(ModelZoo.build("mnist-cnn"));
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        assertThat(perms).as("not the 0600 of a temp file").contains(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(file);
        }
    }

    @Test
    void anUnwritableFolderIsAOneLineUserError() {
        int code = run("models", "export", "mnist-cnn", "--out", "/proc/edgeperf-x/m.onnx");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("edgeperf: cannot write --out /proc/edgeperf-x/m.onnx: ")
                .hasLineCount(1);
    }
}
