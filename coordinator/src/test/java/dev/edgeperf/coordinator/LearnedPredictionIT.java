package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.core.predict.learned.CampaignCorrection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned-from-campaigns predictor through the packaged jars: campaign A measures lenet5 and
 * mnist-cnn-pool on one agent, campaign B then measures mnist-cnn. B's lease-time learned figures,
 * and both campaigns' leave-one-model-out figures in {@code campaign analyze} (CLI and API), equal
 * the ones recomputed here from the exported rows with the model's own cells left out; {@code models
 * predict --device} shows B's measured p50 and per-node times.
 */
class LearnedPredictionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEARNED = "learned-from-campaigns";

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void learnedFiguresAreOutOfSampleAndRecomputable() throws Exception {
        OneProfiledAgent fleet = OneProfiledAgent.start(processes, tmp);
        String grpc = fleet.grpc();
        String http = fleet.http();
        Path dataDir = fleet.dataDir();

        String a = run(grpc, dataDir, "lenet5,mnist-cnn-pool");
        String b = run(grpc, dataDir, "mnist-cnn");
        JsonNode rowsA = export(grpc, dataDir, a);
        JsonNode rowsB = export(grpc, dataDir, b);
        assertThat(rowsA).hasSize(8);
        assertThat(rowsB).hasSize(4);
        List<CampaignCell> cellsA = cells(rowsA);
        List<CampaignCell> all = new ArrayList<>(cellsA);
        all.addAll(cells(rowsB));

        // at lease time B had A's 8 cells of other models; its own model's cells never count
        for (JsonNode row : rowsB) {
            double expected = CampaignCorrection.fit(cellsA, "mnist-cnn", "roofline").correction().orElseThrow()
                    .predictMs(cell(row));
            assertThat(row.get("predictedLearnedMs").asDouble()).isCloseTo(expected, within(1e-9 * expected));
        }

        for (String id : List.of(a, b)) {
            JsonNode rows = id.equals(a) ? rowsA : rowsB;
            Processes.Outcome analyze = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"),
                    Duration.ofMinutes(2), "campaign", "analyze", id, "--json");
            assertThat(analyze.exitCode()).as(analyze.stderr()).isZero();
            JsonNode analysis = JSON.readTree(analyze.stdout());
            assertThat(analysis.get("learnedJudging").asText()).contains("leave-one-model-out");
            JsonNode learned = summary(analysis, LEARNED);
            // leave-one-model-out over every stored campaign of the device: A's cells are judged with B's too
            List<Double> abs = new ArrayList<>();
            for (JsonNode row : rows) {
                CampaignCell c = cell(row);
                double predicted = CampaignCorrection.fit(all, c.model(), "roofline").correction().orElseThrow()
                        .predictMs(c);
                abs.add(Math.abs(predicted - c.measuredMs()) / c.measuredMs() * 100);
            }
            abs.sort(null);
            int n = abs.size();
            assertThat(learned.get("cells").asInt()).isEqualTo(n);
            assertThat(learned.get("medianAbsErrorPct").asDouble()).isCloseTo((abs.get(n / 2 - 1) + abs.get(n / 2)) / 2,
                    within(1e-6));
            assertThat(learned.get("within10").asDouble()).isEqualTo(abs.stream().filter(e -> e <= 10).count()
                    / (double) n);
            assertThat(learned.get("within25").asDouble()).isEqualTo(abs.stream().filter(e -> e <= 25).count()
                    / (double) n);
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(http + "/api/campaigns/" + id + "/analysis")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(api.body())).isEqualTo(analysis);
        }
        Processes.Outcome table = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "analyze", b);
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.stdout()).contains(LEARNED + " is judged leave-one-model-out").contains("it-agent  " + LEARNED);

        // models predict --device: B's baseline at batch 1 is the measurement shown, node by node
        JsonNode baseline1 = null;
        for (JsonNode row : rowsB) {
            if (row.get("batchSize").asInt() == 1 && row.get("variantRecipe").asText().matches("baseline|")) {
                baseline1 = row;
            }
        }
        assertThat(baseline1).isNotNull();
        Processes.Outcome predict = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "models", "predict", "mnist-cnn", "--device", "it-agent", "--threads", "1", "--json");
        assertThat(predict.exitCode()).as(predict.stderr()).isZero();
        JsonNode predicted = JSON.readTree(predict.stdout());
        assertThat(predicted.get("measuredMs").asDouble()).isEqualTo(baseline1.get("p50Ms").asDouble());
        assertThat(predicted.get("measuredJobId").asText()).isEqualTo(baseline1.get("jobId").asText());
        assertThat(predicted.get("predictors").get(LEARNED).asDouble()).isPositive();
        int measuredNodes = 0;
        for (JsonNode node : predicted.get("details").get("roofline").get("topNodes")) {
            if (!node.get("measuredMs").isNull()) {
                measuredNodes++;
                assertThat(node.get("measuredMs").asDouble()).isPositive();
            }
        }
        assertThat(measuredNodes).isPositive();
        Processes.Outcome humans = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "models", "predict", "mnist-cnn", "--device", "it-agent", "--threads", "1");
        assertThat(humans.exitCode()).as(humans.stderr()).isZero();
        assertThat(humans.stdout()).contains("measured p50 ").contains("measured ms");
        // at batch 8 nothing was measured: no measured figures, and no error
        Processes.Outcome none = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "models", "predict", "mnist-cnn", "--device", "it-agent", "--threads", "1", "--batch", "8", "--json");
        assertThat(none.exitCode()).as(none.stderr()).isZero();
        assertThat(JSON.readTree(none.stdout()).get("measuredMs").isNull()).isTrue();
    }

    private String run(String grpc, Path dataDir, String models) throws Exception {
        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(6),
                "campaign", "run", "--model", models, "--variant", "baseline,pruned:structured:0.5", "--batch", "1,4",
                "--threads", "1", "--json", "--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "10",
                "--max-duration-ms", "1000", "--timeout", "5m");
        assertThat(run.exitCode()).as("campaign run: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("agent.log"))).isZero();
        return JSON.readTree(run.stdout()).get("campaignId").asText();
    }

    private JsonNode export(String grpc, Path dataDir, String id) throws Exception {
        Processes.Outcome export = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "export", id, "--format", "json");
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        return JSON.readTree(export.stdout()).get("rows");
    }

    /** A row as the learned predictor's cell, read here from the export's columns (the base is the roofline). */
    private static CampaignCell cell(JsonNode row) {
        assertThat(row.get("state").asText()).isEqualTo("done");
        assertThat(row.get("recommendedPredictor").asText()).isEqualTo("roofline");
        return new CampaignCell(row.get("modelName").asText(), row.get("variantRecipe").asText(),
                row.get("flops").asLong(), row.get("batchSize").asInt(), row.get("threads").asInt(), "roofline",
                row.get("predictedRooflineMs").asDouble(), row.get("predictedNaiveMs").asDouble(),
                row.get("p50Ms").asDouble());
    }

    private static List<CampaignCell> cells(JsonNode rows) {
        List<CampaignCell> out = new ArrayList<>();
        rows.forEach(r -> out.add(cell(r)));
        return out;
    }

    private static JsonNode summary(JsonNode analysis, String predictor) {
        for (JsonNode s : analysis.get("byDevice")) {
            if (s.get("predictor").asText().equals(predictor)) {
                return s;
            }
        }
        throw new AssertionError("no " + predictor + " summary in " + analysis);
    }
}
