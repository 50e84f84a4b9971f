package dev.edgeperf.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gpu-check.sh} on a machine without a GPU (this one, CI): one line saying so, exit 2, and
 * nothing built or started (its work dir is never made). The GPU path itself needs a GPU host.
 */
class GpuCheckScriptTest {
    @TempDir
    Path tmp;

    @Test
    void aDriverThatListsNoGpuIsExit2WithOneLineAndNothingDone() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // what nvidia-smi prints, and its exit code, where the driver is installed but no GPU is present
        Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\necho 'No devices were found'\nexit 6\n");
        assertThat(smi.toFile().setExecutable(true)).isTrue();

        Result r = run(bin + File.pathSeparator + System.getenv("PATH"));

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).isEqualTo("gpu-check: no NVIDIA GPU here: nvidia-smi -L lists none (No devices were"
                + " found); nothing to check\n");
        assertThat(tmp.resolve("work")).doesNotExist();
    }

    @Test
    void noDriverIsExit2WithOneLine() throws Exception {
        String path = System.getenv("PATH");
        assumeTrue(Stream.of(path.split(File.pathSeparator)).noneMatch(d -> Files.isExecutable(Path.of(d, "nvidia-smi"))),
                "nvidia-smi is installed here");

        Result r = run(path);

        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).isEqualTo("gpu-check: no NVIDIA GPU here: nvidia-smi is not installed (no NVIDIA"
                + " driver); nothing to check\n");
        assertThat(tmp.resolve("work")).doesNotExist();
    }

    private record Result(int exit, String output) {
    }

    private Result run(String path) throws Exception {
        Path script = InstallAgentScriptTest.repoRoot().resolve("scripts/gpu-check.sh");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), "--work", tmp.resolve("work").toString()))
                .redirectErrorStream(true);
        pb.environment().put("PATH", path);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).as("gpu-check.sh finished").isTrue();
        return new Result(p.exitValue(), out);
    }
}
