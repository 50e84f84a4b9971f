package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CampaignRunCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CoordinatorMain.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void nonPositiveBatchIsAUserError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1,0", "--data-dir", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: --batch must be positive integers, got '0'"
                + System.lineSeparator());
    }

    @Test
    void unreachableCoordinatorIsAnExternalError() throws Exception {
        Files.writeString(dir.resolve("join-token"), "t0ken\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }

        int code = run("campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--data-dir", dir.toString(),
                "--coordinator", "127.0.0.1:" + port);

        assertThat(code).isEqualTo(69);
        assertThat(err.toString()).startsWith("edgeperf: cannot reach coordinator 127.0.0.1:" + port + ": ")
                .doesNotContain("\tat ");
    }

    @Test
    void missingTokenFileNamesTheFile() {
        int code = run("campaign", "status", "abc", "--data-dir", dir.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("join token file " + dir.resolve("join-token") + " does not exist");
    }
}
