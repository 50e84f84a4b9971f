package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 1: the real agent jar on an aarch64 JVM under qemu user-mode emulation
 * ({@code scripts/arm64/java}, its sysroot made by {@code scripts/arm64/prepare.sh}) against the real x86
 * coordinator on loopback. A small campaign's row lands from an agent reporting aarch64, measured in a
 * forked worker (itself an emulated aarch64 JVM), and the agent's log shows the aarch64 natives of ONNX
 * Runtime and of gRPC's Netty (epoll) mapped. Latency under emulation means nothing and is never asserted.
 * Skipped, with the reason, where qemu or the sysroot are not prepared; {@code scripts/test-arm64.sh}
 * prepares them and runs this test.
 */
class Arm64AgentIT {
    private static final Path LAUNCHER = Processes.repoRoot().resolve("scripts/arm64/java");
    private static final Duration CONNECT = Duration.ofMinutes(4);

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @BeforeEach
    void needsThePreparedAarch64Jvm() throws Exception {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "emulating aarch64 is checked on x86 hosts; this is "
                + arch);
        Processes.Outcome prepared = processes.run(List.of(LAUNCHER.toString(), "--prepared"), tmp.resolve("check"),
                Duration.ofMinutes(1));
        assumeTrue(prepared.exitCode() == 0, prepared.stderr().strip() + " (scripts/test-arm64.sh prepares and runs"
                + " this test)");
        System.out.println("Arm64AgentIT: " + prepared.stdout().strip());
    }

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void anAarch64AgentUnderQemuMeasuresACampaignInForkedWorkers() throws Exception {
        Path dataDir = tmp.resolve("data");
        String grpc = "127.0.0.1:" + processes.startCoordinator(dataDir, tmp.resolve("coordinator.log")).group(1);
        Path agentLog = tmp.resolve("agent.log");
        long start = System.nanoTime();
        Process agent = processes.start(aarch64Java("-Xmx512m", "-jar", Processes.agentJar().toString(), "run",
                "--coordinator", grpc, "--name", "qemu-arm64", "--token-file", dataDir.resolve("join-token").toString(),
                "--work-dir", tmp.resolve("agent").toString(), "--connect-timeout", "3m"), agentLog);
        awaitLogLine(agent, agentLog, "connected to coordinator");
        long connected = System.nanoTime();

        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(8),
                "campaign", "run", "--model", "mnist-cnn", "--batch", "1", "--device", "arch=aarch64", "--warmup", "1",
                "--min-iterations", "3", "--min-duration-ms", "10", "--max-duration-ms", "1000", "--timeout", "7m",
                "--json");
        System.out.printf(Locale.ROOT, "Arm64AgentIT: agent start to connected %.1f s, campaign %.1f s%n",
                (connected - start) / 1e9, (System.nanoTime() - connected) / 1e9);

        assertThat(run.exitCode()).as("campaign stderr: %s%nagent log: %s", run.stderr(), Files.readString(agentLog))
                .isZero();
        JsonNode rows = new ObjectMapper().readTree(run.stdout()).get("rows");
        assertThat(rows).hasSize(1);
        JsonNode row = rows.get(0);
        assertThat(row.get("state").asText()).isEqualTo("done");
        assertThat(row.get("agentName").asText()).isEqualTo("qemu-arm64");
        assertThat(row.get("arch").asText()).isEqualTo("aarch64");
        assertThat(row.get("inProcess").asBoolean()).as("measured in a forked worker").isFalse();
        assertThat(row.get("sampleCount").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(row.get("executionProvider").asText()).isEqualTo("CPU");
        assertThat(row.get("providerNodes").asText()).matches("CPUExecutionProvider=[1-9]\\d*");

        String log = Files.readString(agentLog);
        assertThat(lineWith(log, "ONNX Runtime ")).containsPattern("linux-aarch64/libonnxruntime\\.so[,\\]]")
                .contains("linux-aarch64/libonnxruntime4j_jni.so");
        assertThat(lineWith(log, "gRPC transport ")).containsPattern("gRPC transport epoll \\(/\\S*"
                + "netty_transport_native_epoll_aarch_64\\S*\\.so\\)");
        System.out.println("Arm64AgentIT: " + lineWith(log, "ONNX Runtime ").replaceFirst(".*\\] ", ""));
        System.out.println("Arm64AgentIT: " + lineWith(log, "gRPC transport ").replaceFirst(".*\\] ", ""));
    }

    /** Without the emulator prefix the kernel cannot exec the worker's aarch64 java: the failure says what to do. */
    @Test
    void withoutThePrefixAnAgentUnderQemuSaysWhyItsWorkerCannotStart() throws Exception {
        assumeFalse(Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64")), "a binfmt_misc handler for"
                + " aarch64 is registered here, so the kernel can exec the worker without the prefix");
        Processes.Outcome bench = processes.run(aarch64Java("-Xmx256m", "-jar", Processes.agentJar().toString(), "bench",
                        "mnist-cnn", "--warmup", "0", "--min-iterations", "1", "--min-duration-ms", "0",
                        "--max-duration-ms", "100", "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("bench"), Duration.ofMinutes(4), Map.of("EDGEPERF_WORKER_PREFIX", ""));

        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isNotZero();
        assertThat(lineWith(bench.stderr(), "cannot start the measurement worker JVM"))
                .contains("java-17-openjdk-arm64/bin/java")
                .contains("set EDGEPERF_WORKER_PREFIX to the emulator command");
    }

    private static List<String> aarch64Java(String... args) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static void awaitLogLine(Process process, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            String now = Files.readString(log);
            if (now.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the agent exited (" + process.exitValue() + ") before '" + text + "':\n" + now);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + text + "' within " + CONNECT + ":\n" + Files.readString(log));
    }

    private static String lineWith(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + fragment + "' in:\n" + text));
    }
}
