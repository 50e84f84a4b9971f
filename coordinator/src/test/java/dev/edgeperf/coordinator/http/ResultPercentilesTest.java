package dev.edgeperf.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.proto.LatencyStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/results/{jobId}/percentiles} and the result fields of {@code /api/results}, on a
 * real HTTP server (ephemeral loopback port) over a real H2 store holding committed results.
 */
class ResultPercentilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Store store;
    private DashboardServer server;
    /** 1 µs .. 1000 µs, recorded in nanoseconds as the agent records compute latencies. */
    private final Histogram recorded = LatencySummary.newHistogram();
    private NewJob withHistogram;
    private NewJob withoutHistogram;

    @BeforeEach
    void start() {
        store = Fixtures.store(dir);
        for (long us = 1; us <= 1000; us++) {
            recorded.recordValue(us * 1000);
        }
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        withHistogram = Fixtures.job(agent, 8, 8_000_000, 10.0);
        withoutHistogram = Fixtures.job(agent, 1, 1_000_000, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(withHistogram, withoutHistogram));
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.commitResult(agent, Fixtures.result(withHistogram.id(), 1, 8, 0.5).toBuilder()
                .setLatencyHistogram(ByteString.copyFrom(LatencyHistograms.encode(recorded)))
                .setP999Ms(0.999).setEndToEndLatency(LatencyStats.newBuilder().setCount(100).setP50Ms(0.6))
                .setStopReason("max-duration").build())).isEqualTo(CommitOutcome.STORED);
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.commitResult(agent, Fixtures.result(withoutHistogram.id(), 1, 1, 0.1)))
                .isEqualTo(CommitOutcome.STORED);
        server = new DashboardServer(store, "127.0.0.1", 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        Database.close(store.dataSource());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anyPercentileIsReadBackFromTheStoredHistogramInMilliseconds() throws Exception {
        HttpResponse<String> response = get("/api/results/" + withHistogram.id() + "/percentiles?p=50,99,99.9,99.99");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("jobId").asText()).isEqualTo(withHistogram.id());
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(body.get("latency").asText()).isEqualTo("compute");
        assertThat(body.get("count").asLong()).isEqualTo(1000);
        assertThat(body.get("maxMs").asDouble()).isEqualTo(recorded.getMaxValue() / 1e6);
        JsonNode ps = body.get("percentiles");
        assertThat(ps).extracting(p -> p.get("p").asDouble()).containsExactly(50.0, 99.0, 99.9, 99.99);
        for (JsonNode p : ps) {
            assertThat(p.get("ms").asDouble()).as("p%s", p.get("p"))
                    .isEqualTo(recorded.getValueAtPercentile(p.get("p").asDouble()) / 1e6);
        }
        // nearest rank over 1..1000 µs at 3 significant digits
        assertThat(ps.get(0).get("ms").asDouble()).isBetween(0.4995, 0.5005);
        assertThat(ps.get(1).get("ms").asDouble()).isBetween(0.9895, 0.9905);
        assertThat(ps.get(3).get("ms").asDouble()).isBetween(0.9995, 1.0005);
    }

    @Test
    void withoutPTheDefaultPercentilesAreAnswered() throws Exception {
        JsonNode body = JSON.readTree(get("/api/results/" + withHistogram.id() + "/percentiles").body());

        assertThat(body.get("percentiles")).extracting(p -> p.get("p").asDouble())
                .containsExactlyElementsOf(LatencyPercentiles.DEFAULT);
    }

    @Test
    void percentilesOutsideZeroToHundredOrNotNumbersAre400sNamingTheValue() throws Exception {
        for (String bad : List.of("0", "100.5", "abc", "50,,99", "-1")) {
            HttpResponse<String> response = get("/api/results/" + withHistogram.id() + "/percentiles?p=" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText()).as(bad)
                    .startsWith("query parameter p: '").contains("is not a percentile; expected comma-separated"
                            + " numbers in (0, 100]");
        }
        assertThat(get("/api/results/" + withHistogram.id() + "/percentiles?p=100").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownJobAndResultWithoutHistogramAre404sSayingWhich() throws Exception {
        HttpResponse<String> unknown = get("/api/results/no-such-job/percentiles?p=50");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText())
                .isEqualTo("job 'no-such-job' has no stored result");

        HttpResponse<String> none = get("/api/results/" + withoutHistogram.id() + "/percentiles");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("the result of job "
                + withoutHistogram.id() + " attempt 1 has no stored latency histogram");

        assertThat(JSON.readTree(get("/api/nothing-here").body()).get("error").asText())
                .isEqualTo("no such endpoint: GET /api/nothing-here");
    }

    @Test
    void resultsCarryUsedAndRequestedThreadsTailsPeakBasisTimesAttemptAndStopReason() throws Exception {
        JsonNode results = JSON.readTree(get("/api/results?campaign=c1").body());

        JsonNode row = null;
        for (JsonNode r : results) {
            if (r.get("jobId").asText().equals(withHistogram.id())) {
                row = r;
            }
        }
        assertThat(row).isNotNull();
        assertThat(row.get("threads").asInt()).as("what the session used").isEqualTo(4);
        assertThat(row.get("requestedThreads").asInt()).as("engine default asked").isZero();
        assertThat(row.get("p999Ms").asDouble()).isEqualTo(0.999);
        assertThat(row.get("endToEndP50Ms").asDouble()).isEqualTo(0.6);
        assertThat(row.get("peakBasis").asText()).isEqualTo("theoretical");
        assertThat(row.get("attempt").asInt()).isEqualTo(1);
        assertThat(row.get("queueWaitMs").asLong()).as("fixed clock").isZero();
        assertThat(row.get("measurementMs").asLong()).isZero();
        assertThat(row.get("stopReason").asText()).isEqualTo("max-duration");
        JsonNode other = results.get(0) == row ? results.get(1) : results.get(0);
        assertThat(other.get("p999Ms").isNull()).as("not reported = null, not 0").isTrue();
        assertThat(other.get("endToEndP50Ms").isNull()).isTrue();
    }
}
