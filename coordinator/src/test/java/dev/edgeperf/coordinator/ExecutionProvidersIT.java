package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Execution providers per job (issue 14 item 3) through the real binaries, one CPU-only agent: a campaign
 * requesting cpu runs and stores the nodes each provider ran; one requesting cuda (spec providers:) fails its
 * job with one line naming the agent and what it has; a misspelt --providers is refused before submitting.
 */
class ExecutionProvidersIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    private Processes.Outcome cli(String grpc, Path dataDir, String... args) throws Exception {
        return processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(4), args);
    }

    @Test
    void requestedProvidersRunOrFailTheJobWithOneLine() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "cpu-box",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("agent.log"));
        // a campaign submitted before the agent connects is refused ("no agent is connected")
        CampaignEndToEndIT.awaitConnectedAgents("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf")
                + ";AUTO_SERVER=TRUE", 1);

        Processes.Outcome typo = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1",
                "--providers", "cpu,cudda");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.stderr().strip()).startsWith("edgeperf: --providers: unknown execution provider 'cudda';"
                + " expected one of cpu, cuda,").doesNotContain("\n");

        Processes.Outcome cpu = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1",
                "--providers", "CPU", "--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "10", "--json");
        assertThat(cpu.exitCode()).as(cpu.stderr() + Files.readString(tmp.resolve("agent.log"))).isZero();
        JsonNode row = new ObjectMapper().readTree(cpu.stdout()).get("rows").get(0);
        assertThat(row.get("state").asText()).isEqualTo("done");
        assertThat(row.get("providersRequested").asText()).isEqualTo("cpu");
        assertThat(row.get("executionProvider").asText()).isEqualTo("CPU");
        // every kernel of the profiled pass ran on the CPU provider, and mnist-cnn has several
        assertThat(row.get("providerNodes").asText()).matches("CPUExecutionProvider=[1-9]\\d*");

        Path spec = Files.writeString(tmp.resolve("gpu.yaml"), """
                models: [mnist-cnn]
                batch_sizes: [1]
                providers: [cuda, cpu]
                measurement: {warmup_iterations: 1, min_iterations: 3, min_duration_ms: 10, max_duration_ms: 2000}
                """);
        Processes.Outcome cuda = cli(grpc, dataDir, "campaign", "run", spec.toString(), "--json");
        assertThat(cuda.exitCode()).as(cuda.stderr()).isNotZero();
        JsonNode failed = new ObjectMapper().readTree(cuda.stdout()).get("rows").get(0);
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("providersRequested").asText()).isEqualTo("cuda,cpu");
        // the coordinator prefixes every agent-reported failure with the agent's name
        assertThat(failed.get("failureReason").asText())
                .isEqualTo("agent 'cpu-box': provider cuda is not available on agent cpu-box (available: cpu)");
    }
}
