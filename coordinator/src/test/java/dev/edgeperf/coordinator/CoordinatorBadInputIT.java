package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.testing.Processes;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What people get wrong, run against the packaged jars: each must fail fast with a one-line reason. */
class CoordinatorBadInputIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void agentWithWrongTokenExitsNonZeroWithAClearMessage() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        Path wrong = Files.writeString(tmp.resolve("wrong-token"), "0".repeat(64) + "\n");
        Path log = tmp.resolve("agent.log");

        Process agent = processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator",
                "127.0.0.1:" + listening.group(1), "--name", "bad-token", "--token-file", wrong.toString(),
                "--work-dir", tmp.resolve("agent").toString()), log);

        assertThat(agent.waitFor(90, TimeUnit.SECONDS)).as("agent exits by itself").isTrue();
        assertThat(agent.exitValue()).isNotZero();
        assertThat(Files.readString(log)).containsIgnoringCase("token");
        assertThat(Files.readString(tmp.resolve("coordinator.log"))).contains("rejected edgeperf.v1.AgentService/Connect from /127.0.0.1:").contains("wrong join token");
    }

    @Test
    void zeroBatchIsAUsageErrorWithTheValueNamed() throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "abc\n");

        Processes.Outcome outcome = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "0", "--token-file", token.toString()), tmp, Duration.ofSeconds(60));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr().strip()).isEqualTo("edgeperf: --batch must be positive integers, got '0'");
    }

    @Test
    void unreachableCoordinatorIsReportedWithItsAddress() throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "abc\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Processes.Outcome outcome = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1", "--coordinator", "127.0.0.1:" + port, "--token-file",
                token.toString()), tmp, Duration.ofSeconds(60));

        assertThat(outcome.exitCode()).isEqualTo(69);
        assertThat(outcome.stderr()).startsWith("edgeperf: cannot reach coordinator 127.0.0.1:" + port + ": ");
    }

    @Test
    void dashboardTokenFileOpenToOthersAndHttpsWithoutCertificateAreUsageErrors() throws Exception {
        Path loose = Files.writeString(tmp.resolve("viewer-token"), "tok\n");
        java.nio.file.Files.setPosixFilePermissions(loose, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-r--r--"));
        Path dataDir = tmp.resolve("data");

        Processes.Outcome outcome = processes.run(Processes.javaJar(Processes.coordinatorJar(), "serve",
                "--http-bind", "0.0.0.0", "--grpc-port", "0", "--http-port", "0", "--data-dir", dataDir.toString(),
                "--viewer-token-file", loose.toString()), tmp, Duration.ofSeconds(60));
        Processes.Outcome noCert = processes.run(Processes.javaJar(Processes.coordinatorJar(), "serve",
                "--http-tls", "--grpc-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()), tmp,
                Duration.ofSeconds(60));

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr().strip()).isEqualTo("edgeperf: --viewer-token-file " + loose + " is open to group"
                + " or others (mode rw-r--r--); expected rw------- (chmod 600 " + loose + ")");
        assertThat(noCert.exitCode()).isEqualTo(2);
        assertThat(noCert.stderr().strip()).isEqualTo("edgeperf: --http-tls serves the dashboard with the gRPC"
                + " certificate; give --tls-cert and --tls-key too");
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void grpcPortInUseIsAUserError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            Processes.Outcome outcome = processes.run(Processes.javaJar(Processes.coordinatorJar(), "serve",
                    "--grpc-port", String.valueOf(port), "--http-port", "0", "--data-dir",
                    tmp.resolve("data").toString()), tmp, Duration.ofSeconds(60));

            assertThat(outcome.exitCode()).isEqualTo(2);
            assertThat(outcome.stderr()).contains("edgeperf: gRPC port " + port + " on 127.0.0.1 is already in use");
            assertThat(outcome.stdout()).doesNotContain("listening");
        }
    }
}
