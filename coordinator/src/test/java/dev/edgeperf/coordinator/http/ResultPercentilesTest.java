package dev.edgeperf.coordinator.http;

import static dev.edgeperf.coordinator.testing.StoreFixture.PI;
import static dev.edgeperf.coordinator.testing.StoreFixture.X86;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.testing.StoreFixture;
import dev.edgeperf.proto.JobResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/results/{jobId}/percentiles} on a real HTTP server over a real H2 store whose
 * results carry the compressed HdrHistogram the agent recorded ({@link StoreFixture}); one more
 * result, as an agent that sends no histogram would deliver it, is committed through the store.
 */
class ResultPercentilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    private static StoreFixture fixture;
    private static DashboardServer server;
    private static NewJob measured;
    private static NewJob withoutHistogram;

    @BeforeAll
    static void start() {
        fixture = StoreFixture.fill(dir);
        measured = fixture.job(fixture.sweep, PI, 8);
        // a result without a histogram, as agents before histograms were sent deliver it
        String pi = fixture.agentId(PI);
        withoutHistogram = new NewJob(UUID.randomUUID().toString(), pi, "name=" + PI, StoreFixture.MODEL,
                fixture.modelDigest(), fixture.modelSizeBytes(), "baseline", 1, 0, StoreFixture.SWEEP_SETTINGS,
                fixture.flops(1));
        fixture.store().insertCampaign(UUID.randomUUID().toString(), "old agent", "{}", "", List.of(withoutHistogram));
        LeasedJob queued = fixture.store().queuedJob(withoutHistogram.id()).orElseThrow();
        assertThat(fixture.store().lease(queued, pi, StoreFixture.prediction(PI, withoutHistogram.flops()))).isTrue();
        JobResult old = fixture.result(measured.id()).toBuilder().setJobId(withoutHistogram.id()).setBatchSize(1)
                .clearLatencyHistogram().build();
        assertThat(fixture.store().commitResult(pi, old)).isEqualTo(CommitOutcome.STORED);
        server = new DashboardServer(fixture.store(), "127.0.0.1", 0);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        fixture.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anyPercentileIsReadBackFromTheAgentsHistogramInMilliseconds() throws Exception {
        HttpResponse<String> response = get("/api/results/" + measured.id() + "/percentiles?p=50,99,99.9,99.99");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Histogram recorded = fixture.histogram(measured.id());
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("jobId").asText()).isEqualTo(measured.id());
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(body.get("latency").asText()).isEqualTo("compute");
        assertThat(body.get("count").asLong()).isEqualTo(recorded.getTotalCount())
                .isEqualTo(fixture.result(measured.id()).getComputeLatency().getCount());
        assertThat(body.get("maxMs").asDouble()).isEqualTo(recorded.getMaxValue() / 1e6);
        JsonNode ps = body.get("percentiles");
        assertThat(ps).extracting(p -> p.get("p").asDouble()).containsExactly(50.0, 99.0, 99.9, 99.99);
        for (JsonNode p : ps) {
            assertThat(p.get("ms").asDouble()).as("p%s", p.get("p"))
                    .isEqualTo(recorded.getValueAtPercentile(p.get("p").asDouble()) / 1e6);
        }
        assertThat(ps.get(3).get("ms").asDouble()).isGreaterThanOrEqualTo(ps.get(2).get("ms").asDouble())
                .isGreaterThanOrEqualTo(ps.get(1).get("ms").asDouble());
    }

    @Test
    void theHistogramAgreesWithTheStatisticsStoredBesideIt() throws Exception {
        for (int batch : StoreFixture.SWEEP_BATCHES) {
            for (String agent : List.of(PI, X86)) {
                String job = fixture.job(fixture.sweep, agent, batch).id();
                JsonNode ps = JSON.readTree(get("/api/results/" + job + "/percentiles?p=50,99,99.9").body())
                        .get("percentiles");
                JsonNode row = row(job);
                assertThat(ps.get(0).get("ms").asDouble()).as("%s batch %d p50", agent, batch)
                        .isEqualTo(row.get("p50Ms").asDouble());
                assertThat(ps.get(1).get("ms").asDouble()).isEqualTo(row.get("p99Ms").asDouble());
                assertThat(ps.get(2).get("ms").asDouble()).isEqualTo(row.get("p999Ms").asDouble());
            }
        }
    }

    private static JsonNode row(String jobId) throws Exception {
        for (JsonNode r : JSON.readTree(get("/api/results?campaign=" + fixture.sweep).body())) {
            if (r.get("jobId").asText().equals(jobId)) {
                return r;
            }
        }
        throw new AssertionError("no row for job " + jobId);
    }

    @Test
    void withoutPTheDefaultPercentilesAreAnswered() throws Exception {
        JsonNode body = JSON.readTree(get("/api/results/" + measured.id() + "/percentiles").body());

        assertThat(body.get("percentiles")).extracting(p -> p.get("p").asDouble())
                .containsExactlyElementsOf(LatencyPercentiles.DEFAULT);
    }

    @Test
    void percentilesOutsideZeroToHundredOrNotNumbersAre400sNamingTheValue() throws Exception {
        for (String bad : List.of("0", "100.5", "abc", "50,,99", "-1")) {
            HttpResponse<String> response = get("/api/results/" + measured.id() + "/percentiles?p=" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText()).as(bad)
                    .startsWith("query parameter p: '").contains("is not a percentile; expected comma-separated"
                            + " numbers in (0, 100]");
        }
        assertThat(get("/api/results/" + measured.id() + "/percentiles?p=100").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownFailedAndCancelledJobsAndAResultWithoutHistogramAre404sSayingWhich() throws Exception {
        HttpResponse<String> unknown = get("/api/results/no-such-job/percentiles?p=50");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText())
                .isEqualTo("job 'no-such-job' has no stored result");

        String failed = fixture.job(fixture.bigBatch, PI, 256).id();
        assertThat(JSON.readTree(get("/api/results/" + failed + "/percentiles").body()).get("error").asText())
                .isEqualTo("job '" + failed + "' has no stored result");
        String cancelled = fixture.job(fixture.cancelled, PI, 1).id();
        HttpResponse<String> refused = get("/api/results/" + cancelled + "/percentiles");
        assertThat(refused.statusCode()).as("its late result was refused").isEqualTo(404);

        HttpResponse<String> none = get("/api/results/" + withoutHistogram.id() + "/percentiles");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("the result of job "
                + withoutHistogram.id() + " attempt 1 has no stored latency histogram");

        assertThat(JSON.readTree(get("/api/nothing-here").body()).get("error").asText())
                .isEqualTo("no such endpoint: GET /api/nothing-here");
    }
}
