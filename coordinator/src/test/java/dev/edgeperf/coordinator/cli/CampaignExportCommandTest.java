package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.core.measure.MeasurementSettings;
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
 * agent), one failed job (2 threads asked) and one job cancelled while queued.
 */
class CampaignExportCommandTest {
    @TempDir
    Path dir;

    private CoordinatorRuntime runtime;
    private NewJob measured;
    private NewJob failed;
    private NewJob cancelled;
    private Store store;
    private String agent;

    @BeforeEach
    void start() {
        runtime = CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", 0, 0, dir.resolve("data"),
                Optional.empty()));
        store = runtime.store();
        agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        measured = Fixtures.job(agent, 1, 1_060_400, 10.0);
        failed = new NewJob("failed-job", agent, "name=pi-1", "mnist-cnn", Fixtures.DIGEST, 1234, "baseline", 8, 2,
                new MeasurementSettings(2, 5, 10, 1000), 8_483_200);
        cancelled = new NewJob("cancelled-job", agent, "name=pi-1", "mnist-cnn", Fixtures.DIGEST, 1234, "baseline", 32,
                0, new MeasurementSettings(2, 5, 10, 1000), 33_932_800);
        store.insertCampaign("c1", "export test", "{}", "", List.of(measured, failed, cancelled));
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.commitResult(agent, Fixtures.result(measured.id(), 1, 1, 0.5).toBuilder().setP999Ms(0.9)
                .setEndToEndLatency(LatencyStats.newBuilder().setCount(100).setP50Ms(0.6))
                .setStopReason("ci-target-met").build())).isEqualTo(CommitOutcome.STORED);
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.failJob(failed.id(), 1, agent, "agent 'pi-1': ORT error, out of memory")).isTrue();
        assertThat(store.cancelCampaign("c1")).containsExactly(cancelled.id());
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private String run(String... args) {
        CliCapture cli = cli(args);
        return cli.out.toString();
    }

    private CliCapture cli(String... args) {
        CliCapture cli = new CliCapture();
        int code = cli.run(withConnection(args));
        assertThat(code).as("stderr: %s", cli.err).isZero();
        return cli;
    }

    private String[] withConnection(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--coordinator", "127.0.0.1:" + runtime.grpcPort(), "--data-dir",
                runtime.config().dataDir().toString()));
        return all.toArray(String[]::new);
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
        assertThat(header).as("one column per result field, in declaration order").containsExactlyElementsOf(
                dev.edgeperf.coordinator.store.ResultField.all().stream()
                        .map(dev.edgeperf.coordinator.store.ResultField::csvName).toList());
        assertThat(header).contains("threads", "requested_threads", "peak_basis", "p99_ms", "p999_ms",
                "end_to_end_p50_ms", "queue_wait_ms", "measurement_ms", "stop_reason", "arch", "board", "cpu_model",
                "failure_reason");
        assertThat(lines).hasSize(4);
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
                .containsEntry("threads", "").containsEntry("requested_threads", "2")
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

    /** Fields only a result has: a failed or cancelled job has none of them. */
    private static final List<String> MEASURED = List.of("threads", "sample_count", "mean_ms", "stdev_ms", "min_ms",
            "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "p50_ci95_low_ms", "p50_ci95_high_ms",
            "measured_over_predicted", "throughput_samples_per_s", "end_to_end_count", "end_to_end_p50_ms",
            "session_create_ms", "first_inference_ms", "warmup_iterations", "stop_reason", "engine", "engine_version",
            "execution_provider", "arch", "board", "cpu_model", "cpu_temp_before_c", "cpu_freq_after_hz", "throttled",
            "in_process", "queue_wait_ms", "measurement_ms", "agent_finished_unix_ms", "received_unix_ms");

    @Test
    void failedAndCancelledRowsExportEmptyCellsForMeasuredFieldsNeverZero() {
        List<String> lines = run("campaign", "export", "c1", "--format", "csv").lines().toList();
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertThat(header).containsAll(MEASURED);
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            Map<String, String> row = csvRow(header, line);
            rows.put(row.get("job_id"), row);
        }
        Map<String, String> done = rows.get(measured.id());
        Map<String, String> bad = rows.get(failed.id());
        Map<String, String> gone = rows.get(cancelled.id());
        assertThat(gone).containsEntry("state", "cancelled").containsEntry("failure_reason", "cancelled by the user")
                .containsEntry("requested_threads", "0").containsEntry("batch_size", "32");
        assertThat(gone.get("predicted_ms")).as("never leased, never predicted").isEmpty();
        for (String column : MEASURED) {
            if (List.of("p50_ms", "p99_ms", "sample_count", "threads", "stop_reason", "arch", "queue_wait_ms")
                    .contains(column)) {
                assertThat(done.get(column)).as("done %s", column).isNotEmpty();
            }
            assertThat(bad.get(column)).as("failed %s", column).isEmpty();
            assertThat(gone.get(column)).as("cancelled %s", column).isEmpty();
        }
    }

    @Test
    void failedAndCancelledRowsExportNullForMeasuredFieldsInJson() throws Exception {
        JsonNode json = new ObjectMapper().readTree(run("campaign", "export", "c1", "--format", "json"));
        assertThat(json.get("state").asText()).isEqualTo("cancelled");
        assertThat(json.get("jobsFailed").asInt()).isEqualTo(1);
        assertThat(json.get("jobsCancelled").asInt()).isEqualTo(1);

        Map<String, JsonNode> rows = new HashMap<>();
        json.get("rows").forEach(r -> rows.put(r.get("jobId").asText(), r));
        assertThat(rows.get(cancelled.id()).get("state").asText()).isEqualTo("cancelled");
        for (NewJob ended : List.of(failed, cancelled)) {
            JsonNode row = rows.get(ended.id());
            for (String column : MEASURED) {
                String key = dev.edgeperf.coordinator.store.ResultField.all().stream()
                        .filter(f -> f.csvName().equals(column)).findFirst().orElseThrow().key();
                assertThat(row.has(key)).as(key).isTrue();
                assertThat(row.get(key).isNull()).as("%s %s", row.get("state").asText(), key).isTrue();
            }
        }
    }

    @Test
    void cancellingAnEndedCampaignIsRefusedWithOneLineAndChangesNothing() throws Exception {
        Store s = runtime.store();
        NewJob job = Fixtures.job(agent, 1, 1_060_400, 10.0);
        s.insertCampaign("c2", "all done", "{}", "", List.of(job));
        Fixtures.leaseNext(s, agent).orElseThrow();
        assertThat(s.commitResult(agent, Fixtures.result(job.id(), 1, 1, 0.4))).isEqualTo(CommitOutcome.STORED);

        for (String[] campaign : new String[][] {{"c2", "done"}, {"c1", "cancelled"}}) {
            CliCapture cli = new CliCapture();
            int code = cli.run(withConnection("campaign", "cancel", campaign[0]));
            assertThat(code).as("stderr: %s", cli.err).isEqualTo(2);
            assertThat(cli.err.toString().strip()).doesNotContain("\n")
                    .isEqualTo("edgeperf: campaign " + campaign[0] + " is already " + campaign[1]
                            + "; nothing to cancel");
        }
        JsonNode c2 = new ObjectMapper().readTree(run("campaign", "export", "c2", "--format", "json"));
        assertThat(c2.get("state").asText()).isEqualTo("done");
        assertThat(c2.get("jobsCancelled").asInt()).isZero();
        assertThat(c2.get("rows").get(0).get("state").asText()).isEqualTo("done");
    }
}
