package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.testing.Processes;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator's life as a process: one per data folder, bad ports refused, a clean stop, garbage on the port. */
class CoordinatorLifecycleIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void secondCoordinatorOnTheSameDataDirIsRefusedAndTheFirstKeepsItsAgent() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher first = processes.startCoordinator(dataDir, tmp.resolve("first.log"));
        long firstPid = processes.lastCoordinator().pid();
        Process agent = processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator",
                "127.0.0.1:" + first.group(1), "--name", "kept", "--token-file",
                dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("agent.log"));
        awaitLogLine(tmp.resolve("first.log"), "agent 'kept' connected");

        Processes.Outcome second = processes.run(Processes.javaJar(Processes.coordinatorJar(), "serve",
                "--grpc-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()), tmp, Duration.ofSeconds(90));

        assertThat(second.exitCode()).isEqualTo(2);
        assertThat(second.stdout()).doesNotContain("listening");
        assertThat(second.stderr().strip().lines()).hasSize(1);
        assertThat(second.stderr().strip())
                .startsWith("edgeperf: data folder " + dataDir.toAbsolutePath().normalize()
                        + " is in use by another coordinator (pid " + firstPid + " on ")
                .contains("grpc 127.0.0.1:" + first.group(1))
                .contains("http 127.0.0.1:" + first.group(2))
                .contains("started 20")
                .endsWith("stop it or pass another --data-dir");
        assertThat(agent.isAlive()).isTrue();
        assertThat(Files.readString(tmp.resolve("first.log"))).doesNotContain("disconnected");
        // the first coordinator still answers the CLI and lists its agent as connected
        Processes.Outcome list = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "list",
                "--coordinator", "127.0.0.1:" + first.group(1), "--data-dir", dataDir.toString()), tmp,
                Duration.ofSeconds(60));
        assertThat(list.exitCode()).as(list.stderr()).isZero();
    }

    @Test
    void theDataDirIsFreeAgainOnceTheHolderIsKilled() throws Exception {
        Path dataDir = tmp.resolve("data");
        processes.startCoordinator(dataDir, tmp.resolve("first.log"));
        processes.lastCoordinator().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Matcher again = processes.startCoordinator(dataDir, tmp.resolve("second.log"));

        assertThat(again.group(3)).isEqualTo(dataDir.toAbsolutePath().normalize().toString());
    }

    @Test
    void portsOutOfRangeAreOneLineUsageErrors() throws Exception {
        for (List<String> bad : List.of(List.of("--grpc-port", "-5"), List.of("--grpc-port", "70000"),
                List.of("--http-port", "65536"))) {
            List<String> command = Processes.javaJar(Processes.coordinatorJar(), "serve", "--data-dir",
                    tmp.resolve("data").toString());
            command.addAll(bad);

            Processes.Outcome outcome = processes.run(command, tmp, Duration.ofSeconds(60));

            assertThat(outcome.exitCode()).as(bad.toString()).isEqualTo(2);
            assertThat(outcome.stderr().strip()).isEqualTo("edgeperf: " + bad.get(0)
                    + " must be between 0 and 65535 (0 = any free port), got '" + bad.get(1) + "'");
        }
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void sigtermWithAConnectedAgentLogsNoWarning() throws Exception {
        Path dataDir = tmp.resolve("data");
        Path log = tmp.resolve("coordinator.log");
        Matcher listening = processes.startCoordinator(dataDir, log);
        Process coordinator = processes.lastCoordinator();
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator",
                "127.0.0.1:" + listening.group(1), "--name", "watcher", "--token-file",
                dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("agent.log"));
        awaitLogLine(log, "agent 'watcher' connected");

        coordinator.destroy(); // SIGTERM
        assertThat(coordinator.waitFor(60, TimeUnit.SECONDS)).as("coordinator stops").isTrue();
        assertThat(coordinator.exitValue()).as("a requested stop is a clean exit").isZero();

        assertThat(Files.readString(log)).doesNotContain(" WARN ").doesNotContain(" ERROR ")
                .doesNotContain("Exception");
    }

    @Test
    void garbageOnTheGrpcPortIsOneWarningPerPeerWithoutStackTraces() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        Matcher listening = processes.startCoordinator(tmp.resolve("data"), log);
        int port = Integer.parseInt(listening.group(1));
        Random random = new Random(42);
        int connections = 20;
        for (int i = 0; i < connections; i++) {
            byte[] garbage = new byte[64 + random.nextInt(512)];
            random.nextBytes(garbage);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.getOutputStream().write(garbage);
                socket.getOutputStream().flush();
                socket.setSoTimeout(10_000);
                // the server answers with a GOAWAY and closes; reading to the end waits for its log line
                while (socket.getInputStream().read() >= 0) {
                    // drain
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // a reset is as good as a close here
            }
        }
        awaitLogLine(log, "WARN");
        // a real client still gets through afterwards: the transport is not wedged
        Processes.Outcome list = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "list",
                "--coordinator", "127.0.0.1:" + port, "--data-dir", tmp.resolve("data").toString()), tmp,
                Duration.ofSeconds(60));
        assertThat(list.exitCode()).as(list.stderr()).isZero();

        String text = Files.readString(log);
        // every connection comes from 127.0.0.1 (the ephemeral port differs): one peer, one line a minute
        assertThat(text.lines().filter(l -> l.contains(" WARN "))).hasSize(1);
        assertThat(text.lines().filter(l -> l.contains(" WARN ")).findFirst().orElseThrow())
                .contains("127.0.0.1").contains("not HTTP/2");
        assertThat(text).doesNotContain("\tat ").doesNotContain("Http2Exception").doesNotContain("INFO: ");
    }

    private static void awaitLogLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in " + log + " within 90 s:\n" + Files.readString(log));
    }
}
