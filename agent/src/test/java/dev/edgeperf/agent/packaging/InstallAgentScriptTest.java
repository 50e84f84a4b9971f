package dev.edgeperf.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code scripts/test-install-agent.sh} so the build checks the release tarball and the installer
 * (dry run, install into a fake root, idempotent re-install, upgrade, uninstall, bad arguments, wrong
 * checksum) like any other test; the script works in a temporary directory and never touches the machine.
 */
class InstallAgentScriptTest {
    @Test
    void installerHoldsOnFakeRoots() throws Exception {
        Path script = repoRoot().resolve("scripts/test-install-agent.sh");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "needs bash");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // read before waiting: a full pipe would block the script
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("test-install-agent.sh finished").isTrue();
        assertThat(p.exitValue()).as("test-install-agent.sh output:%n%s", out).isZero();
        assertThat(out).contains("checks passed").doesNotContain("FAIL:");
    }

    /** The checkout's root: the folder above this module holding scripts/ (also for the other script tests). */
    static Path repoRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/test-install-agent.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IOException("scripts/test-install-agent.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
