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
 * Through the binaries: {@code campaign run --training mnist} has the coordinator train a distilled student at
 * preparation and an agent measure it; without {@code --training} the recipe is refused at submit in one line.
 */
class DistilledCampaignIT {
    private static final String RECIPE = "distilled:mnist-cnn:width=0.5,epochs=1";

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void aCampaignTrainsAndMeasuresADistilledStudentAndRefusesItWithoutTrainingData() throws Exception {
        dev.edgeperf.coordinator.testing.Fixtures.mnist();
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "kd-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("agent.log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Path log = tmp.resolve("coordinator.log");
        while (!(Files.exists(log) && Files.readString(log).contains("agent 'kd-agent' connected"))) {
            assertThat(System.nanoTime()).as("agent connected").isLessThan(deadline);
            Thread.sleep(250);
        }

        Processes.Outcome refused = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "run", "--model", "mnist-cnn", "--variant", RECIPE, "--batch", "1");
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
        assertThat(refused.stderr().strip()).hasLineCount(1)
                .contains("trains a student on labelled data, and none was given");

        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(5),
                "campaign", "run", "--model", "mnist-cnn", "--variant", "baseline," + RECIPE, "--training", "mnist",
                "--train-images", "1000", "--batch", "1", "--warmup", "1", "--min-iterations", "3",
                "--min-duration-ms", "0", "--max-duration-ms", "20000", "--json");
        assertThat(run.exitCode()).as(run.stderr() + Files.readString(log)).isZero();
        JsonNode done = new ObjectMapper().readTree(run.stdout());
        assertThat(done.get("state").asText()).isEqualTo("done");
        assertThat(done.toString()).contains(RECIPE);
    }
}
