package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.data.Datasets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 end to end with the packaged jars: a real campaign on two agent processes (mnist-cnn, three variants,
 * batches 1 and 4, evaluation on MNIST's test split), then pareto, recommend (a budget met and one no variant
 * meets), the report in three formats, the dashboard's two endpoints, and bad evaluation data refused at submit.
 * The HTML report is kept under {@code coordinator/target/review-artifacts/}.
 */
class ReviewIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void aCampaignWithAccuracyIsReviewedParetoRecommendAndReport() throws Exception {
        Path datasets = Processes.repoRoot().resolve("datasets");
        if (!Datasets.isPresent(Datasets.MNIST, datasets)) {
            assumeTrue(!"true".equals(System.getenv("CI")), "CI=true but MNIST is missing under " + datasets);
            assumeTrue(false, "MNIST not found under " + datasets + "; run scripts/fetch-datasets.sh");
        }
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        String http = "http://127.0.0.1:" + listening.group(2);
        String jdbc = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";
        for (int i = 1; i <= 2; i++) {
            processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name",
                    "it-agent-" + i, "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                    tmp.resolve("agent-" + i).toString()), tmp.resolve("agent-" + i + ".log"));
        }
        awaitConnectedAgents(jdbc, 2);

        // Bad evaluation data: refused at submit with one line and exit 2, nothing stored.
        Path threeClasses = tmp.resolve("three-classes");
        for (String c : new String[] {"a", "b", "c"}) {
            png(Files.createDirectories(threeClasses.resolve(c)).resolve("1.png"));
        }
        Processes.Outcome bad = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1",
                "--evaluation", "images:" + threeClasses);
        assertThat(bad.exitCode()).as(bad.stderr()).isEqualTo(2);
        assertThat(bad.stderr().strip()).isEqualTo("edgeperf: evaluation images:" + threeClasses + " has 3 classes but"
                + " model mnist-cnn outputs 10; expected data with one class per model output");
        Path noLabels = Files.createDirectories(tmp.resolve("no-labels"));
        Files.write(noLabels.resolve("x.npy"), new byte[] {1});
        Processes.Outcome missing = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1",
                "--evaluation", "tensors:" + noLabels);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).startsWith("edgeperf: evaluation tensors:").endsWith("labels.txt is missing;"
                + " expected one integer class per sample, in file order").doesNotContain("\n");
        Processes.Outcome random = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1",
                "--evaluation", "random");
        assertThat(random.exitCode()).isEqualTo(2);
        assertThat(random.stderr()).contains("evaluation 'random' has no labels");
        assertThat(count(jdbc, "SELECT COUNT(*) FROM campaigns")).isZero();

        Processes.Outcome run = cli(grpc, dataDir, "campaign", "run", "--model", "mnist-cnn", "--batch", "1,4",
                "--variant", "baseline,quantized:int8-static,pruned:structured:0.5", "--calibration", "mnist",
                "--evaluation", "mnist", "--json", "--warmup", "2", "--min-iterations", "20", "--min-duration-ms", "50",
                "--max-duration-ms", "2000", "--timeout", "8m");
        assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
        JsonNode campaign = JSON.readTree(run.stdout());
        String id = campaign.get("campaignId").asText();
        assertThat(campaign.get("rows")).hasSize(12);
        Map<String, Double> top1 = new HashMap<>();
        for (JsonNode row : campaign.get("rows")) {
            assertThat(row.get("evaluation").asText()).isEqualTo("mnist test[0:10000]");
            assertThat(row.get("evaluationSamples").asInt()).isEqualTo(10000);
            assertThat(row.get("accuracyTop5").asDouble()).isGreaterThanOrEqualTo(row.get("accuracyTop1").asDouble());
            Double before = top1.put(row.get("variantRecipe").asText(), row.get("accuracyTop1").asDouble());
            // evaluated once per variant: every row of a variant carries the same figure
            assertThat(before == null || before == row.get("accuracyTop1").asDouble()).isTrue();
        }
        assertThat(top1.get("baseline")).isGreaterThanOrEqualTo(0.98);
        assertThat(top1.get("quantized:int8-static")).isGreaterThan(top1.get("baseline") - 0.02);
        assertThat(top1.get("pruned:structured:0.5")).isLessThan(top1.get("baseline") - 0.05);

        Processes.Outcome pareto = cli(grpc, dataDir, "campaign", "pareto", id, "--metric", "p50", "--batch", "1", "--json");
        assertThat(pareto.exitCode()).as(pareto.stderr()).isZero();
        JsonNode front = JSON.readTree(pareto.stdout());
        assertThat(front.get("quality").asText()).isEqualTo("top1");
        assertThat(front.get("devices")).hasSize(2);
        for (JsonNode device : front.get("devices")) {
            assertThat(device.get("points")).hasSize(3);
            for (JsonNode p : device.get("points")) {
                boolean dominated = false;
                for (JsonNode o : device.get("points")) {
                    double ox = o.get("x").asDouble();
                    double oq = o.get("quality").asDouble();
                    double px = p.get("x").asDouble();
                    double pq = p.get("quality").asDouble();
                    dominated |= o != p && ox <= px && oq >= pq && (ox < px || oq > pq);
                }
                assertThat(p.get("paretoOptimal").asBoolean()).as("%s", p).isEqualTo(!dominated);
            }
            // the most accurate point is always on the front
            JsonNode best = null;
            for (JsonNode p : device.get("points")) {
                best = best == null || p.get("quality").asDouble() > best.get("quality").asDouble() ? p : best;
            }
            assertThat(best.get("paretoOptimal").asBoolean()).isTrue();
        }
        Processes.Outcome table = cli(grpc, dataDir, "campaign", "pareto", id, "--device", "it-agent-1");
        assertThat(table.exitCode()).isZero();
        assertThat(table.stdout()).contains("pruned:structured:0.5").contains("*");

        Processes.Outcome met = cli(grpc, dataDir, "recommend", id, "--device", "it-agent-1", "--latency-budget", "10s",
                "--min-accuracy", "0.9", "--json");
        assertThat(met.exitCode()).as(met.stderr()).isZero();
        JsonNode rec = JSON.readTree(met.stdout());
        assertThat(rec.get("met").asBoolean()).isTrue();
        assertThat(rec.at("/best/variant").asText()).isNotEqualTo("pruned:structured:0.5");
        assertThat(rec.at("/best/quality").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(rec.at("/best/ciHighMs").asDouble()).isGreaterThanOrEqualTo(rec.at("/best/p50Ms").asDouble());
        assertThat(rec.get("runnerUpReason").asText()).isNotBlank();
        Processes.Outcome unmet = cli(grpc, dataDir, "recommend", id, "--device", "it-agent-2", "--latency-budget",
                "1us");
        assertThat(unmet.exitCode()).as(unmet.stderr()).isEqualTo(1);
        assertThat(unmet.stdout()).startsWith("no variant meets 0.0010 ms per batch (batch 1) on it-agent-2; closest:"
                + " mnist-cnn ");
        Processes.Outcome unknown = cli(grpc, dataDir, "recommend", id, "--device", "pi-9", "--latency-budget", "5ms");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no measured result on device 'pi-9'");

        Path artifacts = Files.createDirectories(Processes.repoRoot().resolve("coordinator/target/review-artifacts"));
        Path html = artifacts.resolve("campaign-report.html");
        Processes.Outcome htmlRun = cli(grpc, dataDir, "campaign", "report", id, "--format", "html", "--out",
                html.toString());
        assertThat(htmlRun.exitCode()).as(htmlRun.stderr()).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("<svg", "data-pareto=\"true\"", "Speedup vs baseline", "it-agent-1", "it-agent-2")
                .doesNotContain("src=", "href=", "https://");
        Processes.Outcome md = cli(grpc, dataDir, "campaign", "report", id, "--format", "md");
        assertThat(md.exitCode()).isZero();
        assertThat(md.stdout()).contains("## Fleet", "## Variants", "## Speedup vs baseline", "## Pareto: top1 vs p50",
                "## Predicted vs measured", "## Provenance", String.format(java.util.Locale.ROOT, "%.2f%%",
                        100 * top1.get("pruned:structured:0.5")));
        Files.writeString(artifacts.resolve("campaign-report.md"), md.stdout());
        Processes.Outcome js = cli(grpc, dataDir, "campaign", "report", id, "--format", "json");
        assertThat(js.exitCode()).isZero();
        JsonNode report = JSON.readTree(js.stdout());
        // 2 devices x 2 batches x 2 variants with a baseline to compare with
        assertThat(report.get("speedups")).hasSize(8);
        for (JsonNode s : report.get("speedups")) {
            assertThat(s.get("ciLow").asDouble()).isLessThanOrEqualTo(s.get("speedup").asDouble());
            assertThat(s.get("ciHigh").asDouble()).isGreaterThanOrEqualTo(s.get("speedup").asDouble());
            assertThat(s.get("different").asBoolean()).isEqualTo(s.get("ciLow").asDouble() > 1
                    || s.get("ciHigh").asDouble() < 1);
        }

        // MACs are the cost model's (the variant's per-node profile at the job's shapes), and the top layers set
        // each measured kernel against its graph node's predicted ms and MACs
        var profile = dev.edgeperf.core.cost.ModelProfiler.profile(dev.edgeperf.core.zoo.ModelZoo.buildProto("mnist-cnn"),
                "mnist-cnn", 0, dev.edgeperf.core.cost.ProfileOptions.batch(1));
        int baselines = 0;
        for (JsonNode r : report.get("results")) {
            if (r.get("variantRecipe").asText().equals("baseline") && r.get("batchSize").asInt() == 1) {
                assertThat(r.get("macs").asLong()).isEqualTo(profile.totalMacs());
                baselines++;
            }
        }
        assertThat(baselines).isEqualTo(2);
        assertThat(md.stdout()).contains("## Top layers", String.format(java.util.Locale.ROOT, "| %,d |",
                profile.totalMacs()));
        Map<String, Long> convMacs = new HashMap<>();
        profile.nodes().stream().filter(n -> n.opType().equals("Conv")).forEach(n -> convMacs.put(n.name(), n.macs()));
        int convs = 0;
        int predicted = 0;
        assertThat(report.get("topLayers").size()).isPositive();
        for (JsonNode l : report.get("topLayers")) {
            assertThat(l.get("batch").asInt()).isEqualTo(1);
            predicted += l.get("predictedMs").isNumber() && l.get("predictedMs").asDouble() > 0 ? 1 : 0;
            if (l.get("variant").asText().equals("baseline") && convMacs.containsKey(l.get("node").asText())) {
                assertThat(l.get("macs").asLong()).as(l.toString()).isEqualTo(convMacs.get(l.get("node").asText()));
                convs++;
            }
        }
        assertThat(convs).as("baseline convolutions among the top layers").isPositive();
        assertThat(predicted).as("top layers with a per-node prediction").isPositive();

        HttpClient client = HttpClient.newHttpClient();
        JsonNode apiPareto = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(http + "/api/campaigns/" + id
                + "/pareto?metric=p50&batch=1")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(apiPareto).isEqualTo(front);
        HttpResponse<String> apiSpeedups = client.send(HttpRequest.newBuilder(URI.create(http + "/api/campaigns/" + id
                + "/speedups?batch=4")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(apiSpeedups.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(apiSpeedups.body()).get("rows")).hasSize(4);
        assertThat(client.send(HttpRequest.newBuilder(URI.create(http + "/api/campaigns/nope/pareto")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    private Processes.Outcome cli(String grpc, Path dataDir, String... args) throws Exception {
        return processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(9), args);
    }

    private static void png(Path file) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }

    private static long count(String jdbc, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitConnectedAgents(String jdbc, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (count(jdbc, "SELECT COUNT(*) FROM agents WHERE connected = TRUE") >= count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("fewer than " + count + " agents connected within 90 s");
    }
}
