package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLauncherTest {
    @TempDir
    Path dir;

    @Test
    void withoutAPrefixTheWorkerRunsThisJvmsJava() {
        assertThat(WorkerLauncher.javaCommand(Map.of(), "/opt/jdk")).containsExactly("/opt/jdk/bin/java");
        assertThat(WorkerLauncher.javaCommand(Map.of(WorkerLauncher.PREFIX_ENV, "  "), "/opt/jdk"))
                .containsExactly("/opt/jdk/bin/java");
    }

    @Test
    void thePrefixsWordsGoBeforeJavaAndItsProgramIsFoundOnThePath() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path qemu = Files.writeString(bin.resolve("qemu-aarch64-static"), "#!/bin/sh\n");
        qemu.toFile().setExecutable(true);
        Map<String, String> env = Map.of(WorkerLauncher.PREFIX_ENV, " qemu-aarch64-static  -L /sysroot ",
                "PATH", "/nowhere:" + bin);
        assertThat(WorkerLauncher.javaCommand(env, "/sysroot/usr/lib/jvm/java-17-openjdk-arm64"))
                .containsExactly("qemu-aarch64-static", "-L", "/sysroot", "/sysroot/usr/lib/jvm/java-17-openjdk-arm64/bin/java");
    }

    @Test
    void aPrefixWhoseProgramIsMissingIsAOneLineUserError() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("qemu"), "");
        for (String prefix : List.of("qemu-nowhere -L /s", notExecutable + " -L /s")) {
            assertThatThrownBy(() -> WorkerLauncher.javaCommand(Map.of(WorkerLauncher.PREFIX_ENV, prefix,
                    "PATH", dir.toString()), "/opt/jdk"))
                    .isInstanceOf(EdgeperfException.class)
                    .hasMessage(WorkerLauncher.PREFIX_ENV + "='" + prefix + "': '" + prefix.split(" ")[0]
                            + "' is not an executable file (nor found on PATH); expected the emulator that runs this"
                            + " JVM, e.g. 'qemu-aarch64-static -L SYSROOT'")
                    .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        }
    }

    @Test
    void aWorkerThatCannotStartSaysWhatToDoUnderEmulation() {
        IOException spawn = new IOException("Cannot run program \"/sysroot/bin/java\": error=0, Failed to exec spawn"
                + " helper: pid: 15895, exit value: 127");
        EdgeperfException plain = WorkerLauncher.cannotStart(List.of("/sysroot/bin/java"), "m.onnx", spawn);
        assertThat(plain.getMessage()).startsWith("cannot start the measurement worker JVM for m.onnx (/sysroot/bin/java): "
                + spawn.getMessage() + "; if this agent's JVM runs under user-mode emulation")
                .contains("set " + WorkerLauncher.PREFIX_ENV + " to the emulator command").endsWith("--in-process")
                .doesNotContain("\n");
        assertThat(plain.category()).isEqualTo(ErrorCategory.EXTERNAL);

        EdgeperfException prefixed = WorkerLauncher.cannotStart(List.of("qemu", "-L", "/s", "/s/bin/java"), "m.onnx", spawn);
        assertThat(prefixed.getMessage()).endsWith("; check " + WorkerLauncher.PREFIX_ENV + " (qemu -L /s)");
    }

    @Test
    void withAPrefixThisJvmForksWithoutTheSpawnHelperUnlessTheUserChose() {
        String before = System.getProperty(WorkerLauncher.LAUNCH_MECHANISM);
        try {
            System.clearProperty(WorkerLauncher.LAUNCH_MECHANISM);
            WorkerLauncher.prepareThisJvm(Map.of());
            assertThat(System.getProperty(WorkerLauncher.LAUNCH_MECHANISM)).isNull();
            WorkerLauncher.prepareThisJvm(Map.of(WorkerLauncher.PREFIX_ENV, "qemu-aarch64-static -L /s"));
            assertThat(System.getProperty(WorkerLauncher.LAUNCH_MECHANISM)).isEqualTo("FORK");
            System.setProperty(WorkerLauncher.LAUNCH_MECHANISM, "VFORK");
            WorkerLauncher.prepareThisJvm(Map.of(WorkerLauncher.PREFIX_ENV, "qemu-aarch64-static -L /s"));
            assertThat(System.getProperty(WorkerLauncher.LAUNCH_MECHANISM)).isEqualTo("VFORK");
        } finally {
            if (before == null) {
                System.clearProperty(WorkerLauncher.LAUNCH_MECHANISM);
            } else {
                System.setProperty(WorkerLauncher.LAUNCH_MECHANISM, before);
            }
        }
    }
}
