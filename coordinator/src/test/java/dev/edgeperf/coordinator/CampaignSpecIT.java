package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The campaign CLI on a spec file with a real coordinator and agent: waiting, cancel, list, run, export, errors. */
class CampaignSpecIT {
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
    void specCampaignsWaitForMatchingAgentsRunExportAndCancel() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "spec-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString(),
                "--labels", "room=lab"), tmp.resolve("agent.log"));

        Path typo = Files.writeString(tmp.resolve("typo.yaml"), "models: [mnist-cnn]\nbatch_sizes: [1]\ndevices:\n"
                + "  - bord=rpi5\n");
        Processes.Outcome bad = cli(grpc, dataDir, "campaign", "run", typo.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr().strip()).isEqualTo("edgeperf: " + typo + ":4: devices: unknown selector key 'bord'"
                + " (expected one of board, arch, isa, name or a label" + (bad.stderr().contains("room") ? ": room)" : ")"));

        Path pi = Files.writeString(tmp.resolve("pi.yaml"), "models: [mnist-cnn]\nbatch_sizes: [1, 2]\n"
                + "devices: [board=rpi5]\n");
        Processes.Outcome detached = cli(grpc, dataDir, "campaign", "run", pi.toString(), "--detach");
        assertThat(detached.exitCode()).as(detached.stderr()).isZero();
        String waitingId = detached.stdout().strip();
        Processes.Outcome status = cli(grpc, dataDir, "campaign", "status", waitingId);
        assertThat(status.stdout()).contains("waiting: selector board=rpi5 matches no connected agent");

        Path lab = Files.writeString(tmp.resolve("lab.yaml"), """
                name: lab sweep
                models: [mnist-cnn]
                variants: [baseline, "quantized:int8-dynamic"]
                batch_sizes: [1]
                devices: [room=lab]
                measurement: {warmup_iterations: 2, min_iterations: 5, min_duration_ms: 10, max_duration_ms: 2000}
                """);
        Processes.Outcome run = cli(grpc, dataDir, "campaign", "run", lab.toString(), "--json");
        assertThat(run.exitCode()).as(run.stderr() + Files.readString(tmp.resolve("agent.log"))).isZero();
        JsonNode json = new ObjectMapper().readTree(run.stdout());
        assertThat(json.get("state").asText()).isEqualTo("done");
        assertThat(json.get("rows")).hasSize(2);
        String labId = json.get("campaignId").asText();

        Processes.Outcome csv = cli(grpc, dataDir, "campaign", "export", labId, "--format", "csv");
        List<String> lines = csv.stdout().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("job_id,campaign_id,state,attempt,agent_name,model_name,");
        assertThat(lines.subList(1, 3)).allSatisfy(l -> assertThat(l).contains("," + labId + ",done,1,spec-agent,mnist-cnn,")
                .contains(",room=lab,").containsAnyOf(",theoretical,", ",calibrated,"));
        assertThat(String.join("\n", lines)).contains("quantized:int8-dynamic");

        Processes.Outcome cancel = cli(grpc, dataDir, "campaign", "cancel", waitingId);
        assertThat(cancel.stdout()).contains("cancelled: 2 job(s) cancelled");
        Processes.Outcome list = cli(grpc, dataDir, "campaign", "list", "--json");
        JsonNode campaigns = new ObjectMapper().readTree(list.stdout());
        assertThat(campaigns).hasSize(2);
        assertThat(campaigns.get(0).get("state").asText()).isEqualTo("done");
        assertThat(campaigns.get(1).get("state").asText()).isEqualTo("cancelled");
    }
}
