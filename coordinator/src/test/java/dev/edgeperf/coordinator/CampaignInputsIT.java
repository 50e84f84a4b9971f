package dev.edgeperf.coordinator;

import static dev.edgeperf.coordinator.testing.OpenModels.input;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.OpenModels;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 2: a user's model with open dimensions measured in a campaign from flags, with a real
 * coordinator and agent; the shapes used are stored with every result, and bad sizes are refused at
 * submit with one line, exit 2 and nothing stored.
 */
class CampaignInputsIT {
    private static final String[] QUICK = {"--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "0",
        "--max-duration-ms", "20000"};

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

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            if (System.nanoTime() > deadline) {
                Path agentLog = log.resolveSibling("agent.log");
                throw new AssertionError("timed out waiting for '" + text + "' in " + log + "; agent log: "
                        + (Files.exists(agentLog) ? Files.readString(agentLog) : "none"));
            }
            Thread.sleep(250);
        }
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void aModelWithOpenDimensionsIsMeasuredAtTheGivenShapesAndBadSizesAreRefusedAtSubmit() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "shapes-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent").toString()),
                tmp.resolve("agent.log"));
        awaitLog(tmp.resolve("coordinator.log"), "agent 'shapes-agent' connected");
        Path det = OpenModels.write(tmp, "det.onnx", input("x", "batch", 3, "?", "?"),
                input("ids", "batch", "sequence"));

        Processes.Outcome run = cli(grpc, dataDir, with(new String[] {"campaign", "run", "--model", det.toString(),
            "--input", "x=1x3x24x40", "--dim", "sequence=16", "--batch", "1,2", "--json"}, QUICK));
        assertThat(run.exitCode()).as(run.stderr() + Files.readString(tmp.resolve("agent.log"))).isZero();
        JsonNode done = new ObjectMapper().readTree(run.stdout());
        assertThat(done.get("state").asText()).isEqualTo("done");
        String id = done.get("campaignId").asText();

        Processes.Outcome csv = cli(grpc, dataDir, "campaign", "export", id, "--format", "csv");
        assertThat(csv.exitCode()).as(csv.stderr()).isZero();
        List<String> lines = csv.stdout().lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        int shapes = header.indexOf("input_shapes");
        int batch = header.indexOf("batch_size");
        assertThat(shapes).isPositive();
        assertThat(lines).hasSize(3);
        List<String> stored = lines.subList(1, 3).stream().map(l -> {
            String[] cells = l.split(",", -1);
            return cells[batch] + ": " + cells[shapes];
        }).toList();
        assertThat(stored).containsExactlyInAnyOrder("1: x=1x3x24x40 ids=1x16", "2: x=2x3x24x40 ids=2x16");

        // a fixed batch of 1 that the graph allows is rebatched at submit, saying so, and measured at batch 4
        Path fixed = OpenModels.write(tmp, "fixed.onnx", input("x", 1, 3, "?", "?"));
        Processes.Outcome rebatched = cli(grpc, dataDir, with(new String[] {"campaign", "run", "--model",
            fixed.toString(), "--input", "x=1x3x24x40", "--batch", "1,4", "--json"}, QUICK));
        assertThat(rebatched.exitCode()).as(rebatched.stderr()).isZero();
        // on the submit line, and on a line of its own from the campaign's stored warnings once it is prepared
        assertThat(rebatched.stderr()).contains("then its jobs; rebatched: fixed.onnx input x leading dim 1 → batch");
        // the note names both files: the user's upload and the rebatched one the rows' modelDigest names
        String note = "rebatched: fixed.onnx input x leading dim 1 → batch (uploaded "
                + dev.edgeperf.core.io.Digests.sha256Hex(Files.readAllBytes(fixed)).substring(0, 12) + ", measured as ";
        assertThat(rebatched.stderr().lines()).anyMatch(l -> l.startsWith(note) && l.endsWith(")"));
        JsonNode rebatchedDone = new ObjectMapper().readTree(rebatched.stdout());
        assertThat(rebatchedDone.get("state").asText()).isEqualTo("done");
        // --json carries the same note the text output prints
        assertThat(rebatchedDone.get("rebatched")).singleElement().satisfies(n -> assertThat(n.asText()).startsWith(note));
        Processes.Outcome rebatchedCsv = cli(grpc, dataDir, "campaign", "export",
                rebatchedDone.get("campaignId").asText(), "--format", "csv");
        assertThat(rebatchedCsv.stdout()).contains("x=4x3x24x40").contains("x=1x3x24x40");

        // bad sizes: one line, exit 2, nothing stored
        Path pinned = OpenModels.pinnedReshape(tmp, "pinned.onnx");
        Processes.Outcome fixedBatch = cli(grpc, dataDir, with(new String[] {"campaign", "run", "--model",
            pinned.toString(), "--batch", "1,2"}, QUICK));
        assertThat(fixedBatch.exitCode()).as(fixedBatch.stderr()).isEqualTo(2);
        assertThat(fixedBatch.stderr().strip()).hasLineCount(1).isEqualTo("edgeperf: model pinned.onnx: input 'x' has"
                + " a fixed batch dimension of 1 ([1, 4]), so batch 2 cannot be measured; measure batch 1, or"
                + " export the model with a symbolic leading dimension (it cannot be rebatched: node 'reshape'"
                + " (Reshape) has a constant shape leading with 1)");

        Processes.Outcome unresolved = cli(grpc, dataDir, with(new String[] {"campaign", "run", "--model",
            det.toString(), "--input", "x=1x3x24x40", "--batch", "1"}, QUICK));
        assertThat(unresolved.exitCode()).as(unresolved.stderr()).isEqualTo(2);
        assertThat(unresolved.stderr().strip()).hasLineCount(1).isEqualTo("edgeperf: input 'ids' of det.onnx has no"
                + " value for dimension 1 (symbol 'sequence') of [batch, sequence]; pass --dim sequence=SIZE or"
                + " --input ids=1x<sequence>");

        Processes.Outcome unknown = cli(grpc, dataDir, with(new String[] {"campaign", "run", "--model",
            det.toString(), "--input", "images=1x3x24x40", "--dim", "sequence=16", "--batch", "1"}, QUICK));
        assertThat(unknown.exitCode()).as(unknown.stderr()).isEqualTo(2);
        assertThat(unknown.stderr().strip()).hasLineCount(1).startsWith("edgeperf: model det.onnx has no input"
                + " 'images'; its inputs are 'x' [batch, 3, ?, ?], 'ids' [batch, sequence]");

        Path spec = Files.writeString(tmp.resolve("spec.yaml"), "batch_sizes: [1]\nmodels:\n  - file: det.onnx\n"
                + "    inputs: {x: 1x3x24x40, images: 1x3}\n");
        Processes.Outcome badSpec = cli(grpc, dataDir, "campaign", "run", spec.toString());
        assertThat(badSpec.exitCode()).as(badSpec.stderr()).isEqualTo(2);
        assertThat(badSpec.stderr().strip()).hasLineCount(1).startsWith("edgeperf: " + spec
                + ":4: models.inputs: model det.onnx has no input 'images'");

        Processes.Outcome list = cli(grpc, dataDir, "campaign", "list", "--json");
        assertThat(new ObjectMapper().readTree(list.stdout())).hasSize(2);
    }
}
