package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.Measurement;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.proto.LatencyStats;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code campaign export} and {@code campaign status} through the real CLI against a real coordinator
 * on loopback, whose store holds one measured job (engine-default threads, resolved to 4 by the
 * agent) and one failed job (2 threads asked).
 */
class CampaignExportCommandTest {
    @TempDir
    Path dir;

    private CoordinatorRuntime runtime;
    private NewJob measured;
    private NewJob failed;

    @BeforeEach
    void start() {
        runtime = CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", 0, 0, dir.resolve("data"),
                Optional.empty()));
        Store store = runtime.store();
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        measured = Fixtures.job(agent, 1, 1_060_400, 10.0);
        failed = new NewJob("failed-job", agent, "name=pi-1", "mnist-cnn", Fixtures.DIGEST, 1234, "baseline", 8, 2,
                new Measurement(2, 5, 10, 1000), 8_483_200);
        store.insertCampaign("c1", "export test", "{}", "", List.of(measured, failed));
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.commitResult(agent, Fixtures.result(measured.id(), 1, 1, 0.5).toBuilder().setP999Ms(0.9)
                .setEndToEndLatency(LatencyStats.newBuilder().setCount(100).setP50Ms(0.6))
                .setStopReason("ci-target-met").build())).isEqualTo(CommitOutcome.STORED);
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.failJob(failed.id(), 1, agent, "agent 'pi-1': ORT error, out of memory")).isTrue();
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private String run(String... args) {
        CliCapture cli = new CliCapture();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--coordinator", "127.0.0.1:" + runtime.grpcPort(), "--data-dir",
                runtime.config().dataDir().toString()));
        int code = cli.run(all.toArray(String[]::new));
        assertThat(code).as("stderr: %s", cli.err).isZero();
        return cli.out.toString();
    }

    private static Map<String, String> csvRow(List<String> header, String line) {
        // no cell of these rows holds a quote; the failure reason's comma makes it a quoted cell
        List<String> cells = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        assertThat(cells).hasSameSizeAs(header);
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), cells.get(i));
        }
        return row;
    }

    @Test
    void csvCarriesUsedAndRequestedThreadsTailsEndToEndPeakBasisTimesAndStopReason() {
        List<String> lines = run("campaign", "export", "c1", "--format", "csv").lines().toList();

        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertThat(header).containsSubsequence("threads", "requested_threads", "peak_basis", "p99_ms", "p999_ms",
                "end_to_end_p50_ms", "queue_wait_ms", "measurement_ms", "stop_reason", "failure_reason");
        assertThat(lines).hasSize(3);
        Map<String, String> done = csvRow(header, lines.get(1));
        assertThat(done).containsEntry("job_id", measured.id()).containsEntry("state", "done")
                .containsEntry("threads", "4").containsEntry("requested_threads", "0")
                .containsEntry("peak_basis", "theoretical").containsEntry("p999_ms", "0.900000")
                .containsEntry("end_to_end_p50_ms", "0.600000")
                .containsEntry("stop_reason", "ci-target-met").containsEntry("failure_reason", "");
        assertThat(Long.parseLong(done.get("queue_wait_ms"))).isNotNegative();
        assertThat(Long.parseLong(done.get("measurement_ms"))).isNotNegative();
        Map<String, String> bad = csvRow(header, lines.get(2));
        assertThat(bad).containsEntry("job_id", failed.id()).containsEntry("state", "failed")
                .containsEntry("threads", "0").containsEntry("requested_threads", "2")
                .containsEntry("stop_reason", "")
                .containsEntry("failure_reason", "agent 'pi-1': ORT error, out of memory");
    }

    @Test
    void jsonCarriesTheSameFields() throws Exception {
        JsonNode json = new ObjectMapper().readTree(run("campaign", "export", "c1", "--format", "json"));

        JsonNode row = json.get("rows").get(0);
        assertThat(row.get("jobId").asText()).isEqualTo(measured.id());
        assertThat(row.get("threads").asInt()).isEqualTo(4);
        assertThat(row.get("requestedThreads").asInt()).isZero();
        assertThat(row.get("p999Ms").asDouble()).isEqualTo(0.9);
        assertThat(row.get("endToEndP50Ms").asDouble()).isEqualTo(0.6);
        assertThat(row.get("peakBasis").asText()).isEqualTo("theoretical");
        assertThat(row.get("queueWaitMs").asLong()).isNotNegative();
        assertThat(row.get("measurementMs").asLong()).isNotNegative();
        assertThat(row.get("stopReason").asText()).isEqualTo("ci-target-met");
        assertThat(json.get("rows").get(1).get("requestedThreads").asInt()).isEqualTo(2);
    }

    @Test
    void statusTableShowsTheThreadsTheSessionUsedNotTheRequestedDefault() {
        List<String> lines = run("campaign", "status", "c1").lines().toList();

        List<String> header = Arrays.asList(lines.get(1).trim().split("\\s{2,}"));
        int threads = header.indexOf("threads");
        assertThat(threads).isPositive();
        List<String> measuredRow = Arrays.asList(lines.get(3).trim().split("\\s{2,}"));
        List<String> failedRow = Arrays.asList(lines.get(4).trim().split("\\s{2,}"));
        assertThat(measuredRow.get(threads)).isEqualTo("4");
        assertThat(failedRow.get(threads)).as("a failed job used none: the request").isEqualTo("2");
    }
}
