package dev.edgeperf.coordinator.http;

import static dev.edgeperf.coordinator.testing.StoreFixture.PI;
import static dev.edgeperf.coordinator.testing.StoreFixture.X86;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.StoreFixture;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.JobResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API on a real loopback server over a real H2 store that {@link StoreFixture} filled
 * through the store's write API: what comes back is what the store holds, spelled as the store
 * and the agent spell it.
 */
class DashboardServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    private static StoreFixture fixture;
    private static DashboardServer server;

    @BeforeAll
    static void start() {
        fixture = StoreFixture.fill(dir.resolve("store"));
        server = new DashboardServer(fixture.store(), "127.0.0.1", 0);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        fixture.close();
    }

    @Test
    void healthSaysOk() throws Exception {
        HttpResponse<String> response = get(server, "/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void agentsCarryTheHardwareTheirProbeReported() throws Exception {
        HttpResponse<String> response = get(server, "/api/agents");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode agents = JSON.readTree(response.body());
        assertThat(agents).extracting(a -> a.get("name").asText()).containsExactly(PI, X86);

        JsonNode pi = agents.get(0);
        assertThat(pi.get("id").asText()).isEqualTo(fixture.agentId(PI));
        assertThat(pi.get("connected").asBoolean()).isTrue();
        assertThat(pi.get("lastSeenUnixMs").asLong()).isEqualTo(fixture.nowMs());
        assertThat(pi.get("engineVersion").asText()).isEqualTo("1.19.2");
        assertThat(pi.get("labels").get("site").asText()).isEqualTo("kitchen");
        JsonNode hw = pi.get("hardware");
        assertThat(hw.get("arch").asText()).isEqualTo("aarch64");
        assertThat(hw.get("board").asText()).isEqualTo("raspberry-pi-5");
        assertThat(hw.get("cpuModel").asText()).isEqualTo("ARM Cortex-A76");
        assertThat(hw.get("physicalCores").asInt()).isEqualTo(4);
        assertThat(hw.get("maxFreqHz").asLong()).isEqualTo(2_400_000_000L);
        assertThat(hw.get("memoryBytes").asLong()).isEqualTo(8L << 30);
        assertThat(hw.get("peakGflopsFp32").asDouble()).isEqualTo(153.6);
        assertThat(hw.get("peakBasis").asText()).isEqualTo("4 cores x 2.40 GHz x 16 FLOP/cycle (armv8 asimd, Cortex-A76)");
        assertThat(hw.get("isaFeatures")).extracting(JsonNode::asText).containsExactly("neon", "asimddp", "fp16");
        assertThat(hw.get("fingerprint").asText()).matches("[0-9a-f]{16}");

        JsonNode x86 = agents.get(1);
        assertThat(x86.get("connected").asBoolean()).as("disconnected at the end of the fixture").isFalse();
        assertThat(x86.get("hardware").get("arch").asText()).isEqualTo("x86_64");
        assertThat(x86.get("hardware").get("board").asText()).isEqualTo("generic-x86_64");
        assertThat(x86.get("labels").size()).isZero();
    }

    @Test
    void campaignsAreNewestFirstWithLowerCaseStatesAndCancelledCountedApart() throws Exception {
        JsonNode campaigns = JSON.readTree(get(server, "/api/campaigns").body());

        assertThat(campaigns).extracting(c -> c.get("id").asText())
                .containsExactly(fixture.sweep, fixture.cancelled, fixture.bigBatch);
        assertThat(campaigns).extracting(c -> c.get("state").asText()).containsExactly("done", "cancelled", "failed");
        assertThat(campaigns.get(0).get("name").asText()).isEqualTo("demo: mnist-cnn batch 1,8,32");
        assertThat(counts(campaigns.get(0))).containsExactly(6, 0, 0, 6, 0, 0);
        assertThat(counts(campaigns.get(1))).as("the held job and both queued ones are cancelled, not failed")
                .containsExactly(4, 0, 0, 1, 0, 3);
        assertThat(counts(campaigns.get(2))).containsExactly(2, 0, 0, 1, 1, 0);
    }

    private static List<Integer> counts(JsonNode campaign) {
        return List.of("jobsTotal", "jobsQueued", "jobsRunning", "jobsDone", "jobsFailed", "jobsCancelled").stream()
                .map(k -> campaign.get(k).asInt()).toList();
    }

    @Test
    void schemaListsEveryResultFieldInDeclarationOrder() throws Exception {
        JsonNode schema = JSON.readTree(get(server, "/api/schema/results").body());

        assertThat(schema).extracting(f -> f.get("key").asText())
                .containsExactlyElementsOf(ResultField.all().stream().map(ResultField::key).toList());
        for (int i = 0; i < schema.size(); i++) {
            ResultField field = ResultField.all().get(i);
            JsonNode f = schema.get(i);
            assertThat(f.get("csv").asText()).isEqualTo(field.csvName());
            assertThat(f.get("type").asText()).isEqualTo(field.type().name().toLowerCase(java.util.Locale.ROOT));
            assertThat(f.get("description").asText()).as(field.key()).isEqualTo(field.description()).isNotBlank();
        }
        assertThat(schema).extracting(f -> f.get("key").asText()).contains("arch", "board", "cpuModel", "state");
    }

    @Test
    void everyRowHoldsEveryResultFieldInOrderNullWhereThereIsNone() throws Exception {
        JsonNode results = JSON.readTree(get(server, "/api/results").body());

        assertThat(results).hasSize(12);
        List<String> keys = ResultField.all().stream().map(ResultField::key).toList();
        for (JsonNode row : results) {
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            assertThat(names).as(row.get("jobId").asText()).containsExactlyElementsOf(keys);
        }
        assertThat(results).extracting(r -> r.get("campaignId").asText()).as("newest campaign first")
                .startsWith(fixture.sweep, fixture.sweep).endsWith(fixture.bigBatch, fixture.bigBatch);
    }

    @Test
    void doneRowsCarryWhatTheAgentMeasuredAndItsHardwareAtMeasurementTime() throws Exception {
        Map<String, JsonNode> rows = byJob(get(server, "/api/results?campaign=" + fixture.sweep));

        assertThat(rows).hasSize(6);
        for (int batch : StoreFixture.SWEEP_BATCHES) {
            for (String agent : List.of(PI, X86)) {
                NewJob job = fixture.job(fixture.sweep, agent, batch);
                JobResult sent = fixture.result(job.id());
                JsonNode row = rows.get(job.id());
                String which = agent + " batch " + batch;
                assertThat(row.get("state").asText()).as(which).isEqualTo("done");
                assertThat(row.get("campaignId").asText()).isEqualTo(fixture.sweep);
                assertThat(row.get("agentName").asText()).isEqualTo(agent);
                assertThat(row.get("modelName").asText()).isEqualTo("mnist-cnn");
                assertThat(row.get("variantRecipe").asText()).isEqualTo("baseline");
                assertThat(row.get("modelDigest").asText()).isEqualTo(fixture.modelDigest());
                assertThat(row.get("batchSize").asInt()).isEqualTo(batch);
                assertThat(row.get("attempt").asInt()).isEqualTo(1);
                assertThat(row.get("flops").asLong()).isEqualTo(fixture.flops(batch));
                assertThat(row.get("sampleCount").asLong()).isEqualTo(sent.getComputeLatency().getCount());
                assertThat(row.get("p50Ms").asDouble()).as(which)
                        .isEqualTo(fixture.histogram(job.id()).getValueAtPercentile(50) / 1e6)
                        .isEqualTo(sent.getComputeLatency().getP50Ms());
                assertThat(row.get("p99Ms").asDouble()).isEqualTo(sent.getComputeLatency().getP99Ms());
                assertThat(row.get("p999Ms").asDouble()).isEqualTo(sent.getP999Ms());
                assertThat(row.get("p50Ci95LowMs").asDouble()).isEqualTo(sent.getP50Ci95LowMs())
                        .isLessThanOrEqualTo(row.get("p50Ms").asDouble());
                assertThat(row.get("endToEndP50Ms").asDouble()).isGreaterThan(row.get("p50Ms").asDouble());
                assertThat(row.get("throughputSamplesPerS").asDouble()).isEqualTo(sent.getThroughputSamplesPerS());
                Prediction predicted = StoreFixture.prediction(agent, fixture.flops(batch));
                assertThat(row.get("predictedMs").asDouble()).isEqualTo(predicted.predictedMs());
                assertThat(row.get("peakGflops").asDouble()).isEqualTo(predicted.peakGflops());
                assertThat(row.get("peakBasis").asText()).isEqualTo(agent.equals(PI) ? "calibrated" : "theoretical");
                assertThat(row.get("measuredOverPredicted").asDouble())
                        .isCloseTo(sent.getComputeLatency().getP50Ms() / predicted.predictedMs(),
                                org.assertj.core.data.Offset.offset(1e-9));
                assertThat(row.get("threads").asInt()).as("engine default resolved to the physical cores")
                        .isEqualTo(agent.equals(PI) ? 4 : 6);
                assertThat(row.get("requestedThreads").asInt()).isZero();
                assertThat(row.get("stopReason").asText()).isEqualTo("min-iterations-and-min-duration-met");
                assertThat(row.get("queueWaitMs").asLong()).isEqualTo(fixture.queueWaitMs(job.id()));
                assertThat(row.get("measurementMs").asLong()).isEqualTo(fixture.measurementMs(job.id())).isPositive();
                assertThat(row.get("arch").asText()).isEqualTo(agent.equals(PI) ? "aarch64" : "x86_64");
                assertThat(row.get("board").asText()).isEqualTo(agent.equals(PI) ? "raspberry-pi-5" : "generic-x86_64");
                assertThat(row.get("cpuModel").asText()).isEqualTo(agent.equals(PI) ? "ARM Cortex-A76"
                        : "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz");
                assertThat(row.get("hardwareFingerprint").asText()).isEqualTo(sent.getHardwareFingerprint());
                assertThat(row.get("engineVersion").asText()).isEqualTo("1.19.2");
                assertThat(row.get("cpuTempBeforeC").isNull()).as("x86 reports no temperature")
                        .isEqualTo(agent.equals(X86));
                assertThat(row.get("throttled").asBoolean()).isFalse();
                assertThat(row.get("failureReason").isNull()).isTrue();
            }
        }
    }

    @Test
    void aFailedRowKeepsItsReasonAndHasNullMeasuredFields() throws Exception {
        Map<String, JsonNode> rows = byJob(get(server, "/api/results?campaign=" + fixture.bigBatch));

        assertThat(rows).hasSize(2);
        JsonNode done = rows.get(fixture.job(fixture.bigBatch, X86, 256).id());
        assertThat(done.get("state").asText()).isEqualTo("done");
        assertThat(done.get("stopReason").asText()).isEqualTo("target-ci-reached");
        assertThat(done.get("threads").asInt()).isEqualTo(2);
        assertThat(done.get("targetCiHalfWidth").asDouble()).isEqualTo(0.02);

        JsonNode failed = rows.get(fixture.job(fixture.bigBatch, PI, 256).id());
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("failureReason").asText()).isEqualTo(fixture.oomReason());
        assertThat(failed.get("agentName").asText()).as("the agent that held it").isEqualTo(PI);
        assertThat(failed.get("requestedThreads").asInt()).isEqualTo(2);
        assertThat(failed.get("peakBasis").asText()).as("predicted when leased").isEqualTo("calibrated");
        assertThat(failed.get("finishedUnixMs").isIntegralNumber()).isTrue();
        assertMeasuredFieldsNull(failed);
    }

    @Test
    void cancelledRowsAreCancelledNotFailedAndHaveNullMeasuredFields() throws Exception {
        Map<String, JsonNode> rows = byJob(get(server, "/api/results?campaign=" + fixture.cancelled));

        assertThat(rows).hasSize(4);
        assertThat(rows.get(fixture.job(fixture.cancelled, X86, 1).id()).get("state").asText()).isEqualTo("done");
        for (String agent : List.of(PI, X86)) {
            for (int batch : List.of(1, 64)) {
                if (agent.equals(X86) && batch == 1) {
                    continue;
                }
                JsonNode row = rows.get(fixture.job(fixture.cancelled, agent, batch).id());
                assertThat(row.get("state").asText()).as(agent + " " + batch).isEqualTo("cancelled");
                assertThat(row.get("failureReason").asText()).isEqualTo("cancelled by the user");
                assertMeasuredFieldsNull(row);
            }
        }
        JsonNode held = rows.get(fixture.job(fixture.cancelled, PI, 1).id());
        assertThat(held.get("peakBasis").asText()).as("leased before the cancel").isEqualTo("calibrated");
        JsonNode neverLeased = rows.get(fixture.job(fixture.cancelled, X86, 64).id());
        assertThat(neverLeased.get("predictedMs").isNull()).as("no lease, no prediction").isTrue();
        assertThat(neverLeased.get("peakBasis").isNull()).isTrue();
        assertThat(fixture.lateResultOutcome()).as("the Pi's result after the cancel is refused")
                .isEqualTo(dev.edgeperf.coordinator.store.CommitOutcome.CANCELLED);
    }

    /** The fields an ended job without a result cannot have: JSON null, never 0 or "". */
    private static void assertMeasuredFieldsNull(JsonNode row) {
        for (String key : List.of("p50Ms", "p90Ms", "p99Ms", "p999Ms", "meanMs", "minMs", "maxMs", "sampleCount",
                "throughputSamplesPerS", "measuredOverPredicted", "endToEndP50Ms", "threads", "stopReason",
                "queueWaitMs", "measurementMs", "sessionCreateMs", "warmupIterations", "throttled", "arch", "board",
                "cpuModel", "engineVersion", "hardwareFingerprint")) {
            assertThat(row.has(key)).as(key).isTrue();
            assertThat(row.get(key).isNull()).as("%s of %s job %s", key, row.get("state").asText(),
                    row.get("jobId").asText()).isTrue();
        }
    }

    @Test
    void resultsKeepTheHardwareOfMeasurementTimeWhenTheAgentChangesLater(@TempDir Path other) throws Exception {
        try (StoreFixture changed = StoreFixture.fill(other)) {
            // the same agent name comes back on other hardware (the SD card moved to a Pi 4)
            changed.store().registerAgent(piOn("raspberry-pi-4", "ARM Cortex-A72"));
            DashboardServer second = new DashboardServer(changed.store(), "127.0.0.1", 0);
            second.start();
            try {
                JsonNode agents = JSON.readTree(get(second, "/api/agents").body());
                assertThat(agents.get(0).get("hardware").get("board").asText()).isEqualTo("raspberry-pi-4");
                JsonNode row = byJob(get(second, "/api/results?campaign=" + changed.sweep))
                        .get(changed.job(changed.sweep, PI, 8).id());
                assertThat(row.get("board").asText()).isEqualTo("raspberry-pi-5");
                assertThat(row.get("cpuModel").asText()).isEqualTo("ARM Cortex-A76");
                assertThat(row.get("arch").asText()).isEqualTo("aarch64");
            } finally {
                second.stop();
            }
        }
    }

    private static AgentHello piOn(String board, String cpu) {
        AgentHello hello = StoreFixture.piHello();
        return hello.toBuilder().setHardware(hello.getHardware().toBuilder().setBoard(board).setCpuModel(cpu)).build();
    }

    /**
     * The sweep against the cancelled campaign: they share one measured cell (the x86 box's batch 1); its B / A is
     * the ratio of the two stored histograms' medians with the bootstrap CI of {@code Speedup}, computed here
     * from the histograms the fixture recorded.
     */
    @Test
    void compareGivesBOverAWithItsConfidenceIntervalFromTheStoredHistograms() throws Exception {
        HttpResponse<String> response = get(server, "/api/compare?a=" + fixture.cancelled + "&b=" + fixture.sweep);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("a").asText()).isEqualTo(fixture.cancelled);
        assertThat(answer.get("rows")).hasSize(1);
        JsonNode row = answer.get("rows").get(0);
        assertThat(row.get("device").asText()).isEqualTo(X86);
        assertThat(row.get("batch").asInt()).isEqualTo(1);
        String jobA = fixture.job(fixture.cancelled, X86, 1).id();
        String jobB = fixture.job(fixture.sweep, X86, 1).id();
        dev.edgeperf.core.stats.Speedup expected = dev.edgeperf.core.stats.Speedup.of(fixture.histogram(jobB),
                fixture.histogram(jobA));
        assertThat(row.get("ratio").asDouble()).isEqualTo(expected.speedup());
        assertThat(row.get("ciLow").asDouble()).isEqualTo(expected.ciLow()).isLessThanOrEqualTo(expected.speedup());
        assertThat(row.get("ciHigh").asDouble()).isEqualTo(expected.ciHigh()).isGreaterThan(expected.ciLow());
        assertThat(row.get("different").asBoolean()).isEqualTo(expected.ciLow() > 1 || expected.ciHigh() < 1);
        assertThat(row.get("aP50Ms").asDouble()).isEqualTo(fixture.histogram(jobA).getValueAtPercentile(50) / 1e6,
                org.assertj.core.data.Offset.offset(0.002));

        assertThat(get(server, "/api/compare?a=" + fixture.sweep + "&b=no-such").statusCode()).isEqualTo(404);
        HttpResponse<String> missing = get(server, "/api/compare?a=" + fixture.sweep);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).get("error").asText())
                .isEqualTo("query parameters a and b must both name a campaign id, got a='" + fixture.sweep
                        + "' b=(none)");
    }

    @Test
    void blankCampaignFilterIsA400WithJsonError() throws Exception {
        HttpResponse<String> response = get(server, "/api/results?campaign=");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .isEqualTo("query parameter campaign is blank; expected a campaign id or no parameter");
    }

    @Test
    void unknownCampaignHasNoRows() throws Exception {
        HttpResponse<String> response = get(server, "/api/results?campaign=no-such-campaign");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEmpty();
    }

    @Test
    void unknownPathIsA404WithJsonError() throws Exception {
        HttpResponse<String> response = get(server, "/api/nope");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("no such endpoint: GET /api/nope");
    }

    @Test
    void storeFailureIsA500WithTheStoresMessage(@TempDir Path broken) throws Exception {
        Store store = Store.open(Database.defaultUrl(broken), Clock.systemUTC());
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE agents RENAME TO agents_lost");
        }
        DashboardServer failing = new DashboardServer(store, "127.0.0.1", 0);
        failing.start();
        try {
            HttpResponse<String> response = get(failing, "/api/agents");
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(response.body()).get("error").asText()).startsWith("store cannot list agents: ")
                    .contains("AGENTS");
        } finally {
            failing.stop();
            Database.close(store.dataSource());
        }
    }

    @Test
    void rootServesTheDashboardPage() throws Exception {
        HttpResponse<String> response = get(server, "/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        assertThat(response.body()).contains("<title>edgeperf</title>");
    }

    @Test
    void metricsExposeRequestCountsAndJvmMetrics() throws Exception {
        DashboardServer fresh = new DashboardServer(fixture.store(), "127.0.0.1", 0);
        fresh.start();
        try {
            get(fresh, "/api/agents");
            get(fresh, "/api/agents");
            get(fresh, "/does-not-exist");
            HttpResponse<String> response = get(fresh, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            String body = response.body();
            assertThat(body).contains("jvm_memory_used_bytes");
            assertThat(body).containsPattern("edgeperf_http_requests_seconds_count\\{[^}]*route=\"/api/agents\"[^}]*"
                    + "status=\"200\"[^}]*} 2(\\.0)?\\n");
            assertThat(body).containsPattern("edgeperf_http_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*"
                    + "status=\"404\"");
            assertThat(body).doesNotContain("does-not-exist");
        } finally {
            fresh.stop();
        }
    }

    @Test
    void boundOnlyToTheGivenHost() throws Exception {
        assertThat(server.port()).isPositive();
        InetAddress external = nonLoopbackAddress();
        if (external == null) {
            return; // no other interface on this machine to probe
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external, server.port()), 1000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void takenPortIsAUserErrorNamingPortAndHost() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            DashboardServer second = new DashboardServer(fixture.store(), "127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(second::start)
                    .isInstanceOf(EdgeperfException.class)
                    .hasMessage("HTTP port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
                    .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        }
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> new DashboardServer(fixture.store(), "127.0.0.1", 70000))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("70000");
    }

    private static Map<String, JsonNode> byJob(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode row : JSON.readTree(response.body())) {
            rows.put(row.get("jobId").asText(), row);
        }
        return rows;
    }

    private static HttpResponse<String> get(DashboardServer on, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        var interfaces = java.net.NetworkInterface.getNetworkInterfaces();
        while (interfaces.hasMoreElements()) {
            var nic = interfaces.nextElement();
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            var addresses = nic.getInetAddresses();
            while (addresses.hasMoreElements()) {
                InetAddress address = addresses.nextElement();
                if (address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }
}
