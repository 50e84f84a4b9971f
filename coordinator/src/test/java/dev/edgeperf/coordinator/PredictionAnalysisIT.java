package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real small campaign (mnist-cnn, baseline and pruned, batches 1 and 4, one agent process with a
 * device profile calibrated elsewhere), then {@code campaign analyze} through the packaged jar: its
 * figures equal the ones recomputed here from {@code campaign export}'s rows, the API serves the
 * same, every row carries every predictor's figure and is marked stale.
 */
class PredictionAnalysisIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void analyzeEqualsWhatTheExportedRowsSay() throws Exception {
        OneProfiledAgent fleet = OneProfiledAgent.start(processes, tmp);
        String grpc = fleet.grpc();
        String http = fleet.http();
        Path dataDir = fleet.dataDir();

        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(5),
                "campaign", "run", "--model", "mnist-cnn", "--variant", "baseline,pruned:structured:0.5", "--batch",
                "1,4", "--threads", "1", "--json", "--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "10",
                "--max-duration-ms", "1000", "--timeout", "4m");
        assertThat(run.exitCode()).as("campaign run: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("agent.log"))).isZero();
        String id = JSON.readTree(run.stdout()).get("campaignId").asText();

        Processes.Outcome export = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "export", id, "--format", "json");
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        JsonNode rows = JSON.readTree(export.stdout()).get("rows");
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) {
            assertThat(row.get("state").asText()).isEqualTo("done");
            assertThat(row.get("predictedNaiveMs").asDouble()).isPositive();
            assertThat(row.get("predictedRooflineMs").asDouble()).isPositive();
            assertThat(row.get("predictedKernelMs").isNull()).isTrue();
            // the existing column keeps its meaning: the injected (naive) predictor
            assertThat(row.get("predictedMs").asDouble()).isEqualTo(row.get("predictedNaiveMs").asDouble());
            assertThat(row.get("recommendedPredictor").asText()).isEqualTo("roofline");
            assertThat(row.get("predictionStale").asBoolean()).isTrue();
            // its profile says it was measured at the epoch: stale by age too, past serve's default 7 days
            assertThat(row.get("predictionStaleReason").asText()).startsWith("calibrated on hardware fp-elsewhere,"
                    + " agent now reports ").contains("; measured ").contains("days ago, more than the 7 days limit"
                    + " (--profile-max-age)");
        }
        assertThat(Files.readString(tmp.resolve("coordinator.log"))).contains("agent 'it-agent' has a stale device"
                + " profile").contains("agent 'it-agent' has an old device profile (measured ");

        Processes.Outcome analyze = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "analyze", id, "--json");
        assertThat(analyze.exitCode()).as(analyze.stderr()).isZero();
        JsonNode analysis = JSON.readTree(analyze.stdout());
        assertThat(analysis.get("rows").asInt()).isEqualTo(4);
        assertThat(analysis.get("measured").asInt()).isEqualTo(4);
        JsonNode byDevice = analysis.get("byDevice");
        assertThat(byDevice).hasSize(2);
        for (JsonNode s : byDevice) {
            String column = s.get("predictor").asText().equals("roofline") ? "predictedRooflineMs" : "predictedNaiveMs";
            assertThat(s.get("device").asText()).isEqualTo("it-agent");
            List<Double> abs = new ArrayList<>();
            for (JsonNode row : rows) {
                double measured = row.get("p50Ms").asDouble();
                abs.add(Math.abs(row.get(column).asDouble() - measured) / measured * 100);
            }
            abs.sort(null);
            assertThat(s.get("cells").asInt()).isEqualTo(4);
            assertThat(s.get("medianAbsErrorPct").asDouble()).isCloseTo((abs.get(1) + abs.get(2)) / 2, within(1e-6));
            assertThat(s.get("mapePct").asDouble()).isCloseTo(abs.stream().mapToDouble(d -> d).sum() / 4,
                    within(1e-6));
            assertThat(s.get("within10").asDouble()).isEqualTo(abs.stream().filter(e -> e <= 10).count() / 4.0);
            assertThat(s.get("within25").asDouble()).isEqualTo(abs.stream().filter(e -> e <= 25).count() / 4.0);
            assertThat(s.get("worst")).hasSize(4);
            assertThat(Math.abs(s.get("worst").get(0).get("errorPct").asDouble())).isCloseTo(abs.get(3), within(1e-6));
        }
        Map<String, Integer> kinds = new HashMap<>();
        analysis.get("byVariantKind").forEach(k -> kinds.put(k.get("variantKind").asText() + "/"
                + k.get("predictor").asText(), k.get("cells").asInt()));
        assertThat(kinds).containsOnly(Map.entry("baseline/naive-flops", 2), Map.entry("baseline/roofline", 2),
                Map.entry("pruned/naive-flops", 2), Map.entry("pruned/roofline", 2));

        // per op type: where the measured time goes vs where the FLOPs are; conv carries most of mnist-cnn's FLOPs
        JsonNode ops = analysis.get("byOpType");
        assertThat(ops).isNotEmpty();
        double timeShares = 0;
        double flopsShares = 0;
        java.util.Set<String> graphOps = new java.util.HashSet<>(List.of("(inserted)"));
        ModelZoo.buildProto("mnist-cnn").getGraph().getNodeList().forEach(n -> graphOps.add(n.getOpType()));
        for (JsonNode o : ops) {
            assertThat(graphOps).contains(o.get("opType").asText());
            timeShares += o.get("timeShare").asDouble();
            flopsShares += o.get("flopsShare").asDouble();
        }
        assertThat(timeShares).isCloseTo(1, within(1e-9));
        assertThat(flopsShares).isCloseTo(1, within(1e-9));
        JsonNode conv = null;
        for (JsonNode o : ops) {
            if (o.get("opType").asText().equals("Conv")) {
                conv = o;
            }
        }
        assertThat(conv).isNotNull();
        // the baseline's conv FLOPs at batches 1 and 4, recomputed here; the pruned variant adds at most as much again
        long baselineConv = 0;
        for (int b : new int[] {1, 4}) {
            baselineConv += ModelProfiler.profile(ModelZoo.build("mnist-cnn"), "mnist-cnn", ProfileOptions.batch(b))
                    .nodes().stream().filter(n -> n.opType().equals("Conv")).mapToLong(n -> n.flops()).sum();
        }
        assertThat(conv.get("flops").asLong()).isBetween(baselineConv, 2 * baselineConv);
        assertThat(conv.get("measuredUs").asDouble()).isPositive();

        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(http + "/api/campaigns/" + id + "/analysis")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(api.body())).isEqualTo(analysis);
        HttpResponse<String> unknownApi = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(http + "/api/campaigns/no-such/analysis")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknownApi.statusCode()).isEqualTo(404);
        assertThat(unknownApi.body()).contains("no campaign has the id 'no-such'");

        Processes.Outcome table = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "analyze", id);
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.stdout()).contains("Per device and predictor:").contains("it-agent").contains("roofline")
                .contains("Worst cells, it-agent / naive-flops:").contains("Per variant kind and predictor:")
                .contains("Per op type, measured per-layer time vs FLOPs");

        // the agent's profiled pass: per-node times of mnist-cnn's graph, stored with each result
        String jobId = rows.get(0).get("jobId").asText();
        HttpResponse<String> layers = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(http + "/api/jobs/" + jobId + "/layers")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(layers.statusCode()).as(layers.body()).isEqualTo(200);
        JsonNode layerView = JSON.readTree(layers.body());
        assertThat(layerView.get("attempt").asInt()).isEqualTo(1);
        assertThat(layerView.get("totalUs").asDouble()).isPositive();
        java.util.Set<String> graphNodes = new java.util.HashSet<>();
        ModelZoo.buildProto("mnist-cnn").getGraph().getNodeList().forEach(n -> graphNodes.add(n.getName()));
        int inGraph = 0;
        for (JsonNode l : layerView.get("layers")) {
            if (l.get("inGraph").asBoolean()) {
                inGraph++;
                assertThat(graphNodes).contains(l.get("node").asText());
            }
        }
        assertThat(inGraph).isPositive();

        // models predict --device NAME: the profile the agent sent, stale as the coordinator sees it
        Processes.Outcome predict = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "models", "predict", "mnist-cnn", "--device", "it-agent", "--json");
        assertThat(predict.exitCode()).as(predict.stderr()).isZero();
        JsonNode predicted = JSON.readTree(predict.stdout());
        long flops = ModelProfiler.profile(ModelZoo.build("mnist-cnn"), "mnist-cnn", ProfileOptions.batch(1))
                .totalFlops();
        assertThat(predicted.get("predictors").get("naive-flops").asDouble()).isCloseTo(flops / 20e9 * 1e3,
                within(1e-9));
        assertThat(predicted.get("predictors").get("roofline").asDouble()).isPositive();
        assertThat(predicted.get("stale").asBoolean()).isTrue();
        assertThat(predict.stderr()).contains("warning: the profile of agent 'it-agent' is stale (calibrated on"
                + " hardware fp-elsewhere").contains("warning: the profile of agent 'it-agent' is stale (measured ");
        assertOneLine(processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2), "models",
                "predict", "mnist-cnn", "--device", "nobody"), "--device nobody: no agent of that name; the coordinator"
                + " knows it-agent");
        assertOneLine(processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2), "models",
                "predict", "mnist-cnn"), "give exactly one of --device-profile FILE and --device NAME");

        Processes.Outcome unknown = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "analyze", "ffffffff-nope");
        assertThat(unknown.exitCode()).as(unknown.stderr()).isEqualTo(2);
        assertThat(unknown.stdout()).isEmpty();
        assertThat(unknown.stderr().strip().lines()).hasSize(1);
        assertThat(unknown.stderr()).contains("no campaign has the id or id prefix 'ffffffff-nope'");
    }

    private static void assertOneLine(Processes.Outcome o, String message) {
        assertThat(o.exitCode()).as(o.stderr()).isEqualTo(2);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr().strip().lines()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).contains(message);
    }
}
