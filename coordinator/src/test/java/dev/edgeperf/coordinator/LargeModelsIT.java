package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.bench.LargeModel;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ExternalData;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User models past the old 12 MiB inline cap, and with ONNX external data, uploaded by the real CLI
 * to a real coordinator and measured by a real agent process.
 */
class LargeModelsIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    private Processes.Outcome cli(String grpc, Path dataDir, String... args) throws Exception {
        return processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(6), args);
    }

    @Test
    void aModelWithExternalDataAndASixtyMegabyteModelAreUploadedAndMeasured() throws Exception {
        Path models = Files.createDirectories(tmp.resolve("models"));
        var cnn = ExternalData.externalize(ModelZoo.buildProto("mnist-cnn"), models, "weights.bin", 64);
        Files.write(models.resolve("cnn.onnx"), cnn.toByteArray());
        // generated under target/ (not the temp folder: /tmp may be small), never committed
        Path big = Path.of("target", "large-models-it", "big.onnx").toAbsolutePath();
        long bigSize = LargeModel.write(big, 60L * 1024 * 1024);
        assertThat(bigSize).isGreaterThan(60L * 1000 * 1000);
        String cnnDigest = Digests.sha256Hex(models.resolve("cnn.onnx"));
        String bigDigest = Digests.sha256Hex(big);

        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        Path agentDir = tmp.resolve("agent");
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "big-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", agentDir.toString()),
                tmp.resolve("agent.log"));

        Path spec = Files.writeString(tmp.resolve("large.yaml"), "name: large\nmodels:\n  - ./models/cnn.onnx\n"
                + "  - " + big + "\nbatch_sizes: [1]\n"
                + "measurement: {warmup_iterations: 1, min_iterations: 3, min_duration_ms: 10, max_duration_ms: 2000}\n");
        Processes.Outcome run = cli(grpc, dataDir, "campaign", "run", spec.toString(), "--json");

        assertThat(run.exitCode()).as(run.stderr() + Files.readString(tmp.resolve("agent.log"))).isZero();
        assertThat(run.stderr()).contains("uploaded cnn.onnx: ").contains("uploaded weights.bin: ")
                .contains("uploaded big.onnx: " + bigSize + " bytes");
        JsonNode json = new ObjectMapper().readTree(run.stdout());
        assertThat(json.get("state").asText()).isEqualTo("done");
        assertThat(json.get("rows")).hasSize(2);
        // stored once each under its digest on the coordinator
        assertThat(dataDir.resolve("artifacts").resolve(bigDigest + ".onnx")).hasSize(bigSize);
        assertThat(dataDir.resolve("artifacts").resolve(cnnDigest + ".onnx"))
                .hasSameBinaryContentAs(models.resolve("cnn.onnx"));
        // the agent ran the model from a folder with weights.bin beside it
        Path bundle = agentDir.resolve("cache").resolve("bundles").resolve(cnnDigest);
        if (Files.isDirectory(bundle)) { // removed again when a later job runs a self-contained model
            assertThat(bundle.resolve("weights.bin")).hasSameBinaryContentAs(models.resolve("weights.bin"));
        }
        assertThat(Files.readString(tmp.resolve("agent.log"))).doesNotContain("OutOfMemoryError");

        // a second run sends nothing: every file is already stored
        Processes.Outcome again = cli(grpc, dataDir, "campaign", "run", spec.toString(), "--detach");
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stderr()).contains("uploaded big.onnx: already stored")
                .contains("uploaded weights.bin: already stored");

        // a missing external-data file: one line, exit 2, nothing submitted
        Files.delete(models.resolve("weights.bin"));
        Processes.Outcome missing = cli(grpc, dataDir, "campaign", "run", spec.toString(), "--detach");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).hasLineCount(1).isEqualTo("edgeperf: model cnn.onnx reads external data"
                + " from 'weights.bin', which does not exist (looked for " + models.resolve("weights.bin") + ")");
        Files.deleteIfExists(big);
    }
}
