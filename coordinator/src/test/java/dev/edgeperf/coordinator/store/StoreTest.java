package dev.edgeperf.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.testing.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dir;

    private Store store;

    @BeforeEach
    void open() {
        store = Fixtures.store(dir);
    }

    @AfterEach
    void close() {
        Database.close(store.dataSource());
    }

    @Test
    void registeringTheSameNameAgainKeepsTheIdAndRefreshesHardware() {
        String first = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        store.setConnected(first, false);
        String second = store.registerAgent(Fixtures.hello("pi-1", 12.5));
        String other = store.registerAgent(Fixtures.hello("jetson", 50.0));

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        List<AgentRecord> agents = store.agents();
        assertThat(agents).extracting(AgentRecord::name).containsExactly("jetson", "pi-1");
        AgentRecord pi = agents.get(1);
        assertThat(pi.connected()).isTrue();
        assertThat(pi.hardware().peakGflopsFp32()).isEqualTo(12.5);
        assertThat(pi.hardware().isaFeatures()).containsExactly("avx2", "fma");
        assertThat(pi.labels()).containsEntry("room", "lab");
        assertThat(pi.engineVersion()).isEqualTo("1.19.2");
    }

    @Test
    void resultIsCommittedOnceAndDuplicateIsIgnored() throws Exception {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 8, 8_483_200, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));

        LeasedJob leased = Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(leased.jobId()).isEqualTo(job.id());
        assertThat(leased.attempt()).isEqualTo(1);
        assertThat(Fixtures.leaseNext(store, agent)).isEmpty();

        assertThat(store.commitResult(agent, Fixtures.result(job.id(), 1, 8, 0.5))).isEqualTo(CommitOutcome.STORED);
        assertThat(store.commitResult(agent, Fixtures.result(job.id(), 1, 8, 0.7))).isEqualTo(CommitOutcome.DUPLICATE);
        assertThat(store.commitResult(agent, Fixtures.result("no-such-job", 1, 8, 0.7)))
                .isEqualTo(CommitOutcome.UNKNOWN_JOB);

        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(p50_ms), MIN(cpu_temp_before_c),"
                     + " MIN(cpu_freq_before_hz), MIN(cpu_freq_after_hz), MIN(predicted_ms) FROM results")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getDouble(2)).isEqualTo(0.5);
            assertThat(rs.getDouble(3)).isEqualTo(45.0);
            rs.getLong(4);
            assertThat(rs.wasNull()).as("unknown frequency stays NULL").isTrue();
            assertThat(rs.getLong(5)).isEqualTo(2_900_000_000L);
            assertThat(rs.getDouble(6)).isCloseTo(0.84832, org.assertj.core.data.Offset.offset(1e-9));
        }
        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.state()).isEqualTo(CampaignState.DONE);
        assertThat(summary.done()).isEqualTo(1);
        assertThat(summary.rows()).singleElement().satisfies(row -> {
            assertThat(row.state()).isEqualTo(JobState.DONE);
            assertThat(row.get(ResultField.AGENT_NAME)).isEqualTo("pi-1");
            assertThat(row.get(ResultField.P50_MS)).isEqualTo(0.5);
            assertThat(row.get(ResultField.FLOPS)).isEqualTo(8_483_200L);
        });
    }

    @Test
    void readersShowCampaignsAndEndedJobsOnly() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob done = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob open = Fixtures.job(agent, 32, 33_932_800, 10.0);
        store.insertCampaign("c1", "mnist", "{}", "", List.of(done, open));
        Fixtures.leaseNext(store, agent);
        store.commitResult(agent, Fixtures.result(done.id(), 1, 1, 0.2));

        assertThat(store.campaigns()).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo(CampaignState.RUNNING);
            assertThat(c.total()).isEqualTo(2);
            assertThat(c.done()).isEqualTo(1);
            assertThat(c.rows()).as("lists come without rows").isEmpty();
        });
        List<ResultRecord> results = store.results(Optional.empty());
        assertThat(results).extracting(r -> r.get(ResultField.JOB_ID)).containsExactly(done.id());
        assertThat(results.get(0).get(ResultField.THROUGHPUT_SAMPLES_PER_S)).isEqualTo(5000.0);
        assertThat(store.results(Optional.of("other"))).isEmpty();
        assertThat(store.results(Optional.of("c1"))).hasSize(1);
    }

    @Test
    void releasedLeasesAreRequeuedWithNextAttemptUntilTheLimit() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 1, 1_060_400, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(Fixtures.leaseNext(store, agent).orElseThrow().attempt()).isEqualTo(attempt);
            assertThat(store.releaseLeases(agent, 3, "gone")).containsExactly(job.id());
        }
        assertThat(Fixtures.leaseNext(store, agent).orElseThrow().attempt()).isEqualTo(3);
        assertThat(store.releaseLeases(agent, 3, "agent disconnected")).isEmpty();

        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.state()).isEqualTo(CampaignState.FAILED);
        assertThat(summary.rows().get(0).state()).isEqualTo(JobState.FAILED);
        assertThat(summary.rows().get(0).get(ResultField.FAILURE_REASON)).isEqualTo("agent disconnected (after 3 attempts)");
        assertThat(summary.rows().get(0).get(ResultField.ATTEMPT)).isEqualTo(3L);
    }

    @Test
    void failedJobKeepsItsReasonAndRestartResetsConnections() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob leased = Fixtures.job(agent, 8, 8_483_200, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(job, leased));
        Fixtures.leaseNext(store, agent);
        assertThat(store.failJob(job.id(), 1, agent, "ORT: cannot load model")).isTrue();
        assertThat(store.failJob(job.id(), 1, agent, "again")).isFalse();
        Fixtures.leaseNext(store, agent);

        store.resetAfterRestart(3);

        assertThat(store.agents().get(0).connected()).isFalse();
        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.queued()).as("the lease of the previous run is back in the queue").isEqualTo(1);
        assertThat(summary.queuedSelectors()).containsExactly("name=" + agent);
        assertThat(summary.rows().get(0).get(ResultField.FAILURE_REASON)).isEqualTo("ORT: cannot load model");
        assertThat(Fixtures.leaseNext(store, agent).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void everyNewResultFieldIsStoredIncludingTheHistogramAndTheTimes() throws Exception {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (int v = 1; v <= 1000; v++) {
            h.recordValue(v * 1000L);
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] encoded = java.util.Arrays.copyOf(buffer.array(), length);
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 8, 8_483_200, 10.0);
        store.insertCampaign("c1", "test", "{}", "models: [mnist-cnn]", List.of(job));
        Fixtures.leaseNext(store, agent).orElseThrow();
        dev.edgeperf.proto.JobResult r = Fixtures.result(job.id(), 1, 8, 0.5).toBuilder()
                .setLatencyHistogram(com.google.protobuf.ByteString.copyFrom(encoded))
                .setEndToEndLatency(dev.edgeperf.proto.LatencyStats.newBuilder().setCount(100).setP50Ms(0.6))
                .setP999Ms(0.99).setP50Ci95LowMs(0.48).setP50Ci95HighMs(0.52).setConcurrency(4)
                .setWorkerPeakRssBytes(123_456_789).setSessionFootprintBytes(2_000_000).setCpuGovernor("performance")
                .setLoadAverage1M(0.25).addExecutionProvidersAvailable("CPU").addExecutionProvidersAvailable("XNNPACK")
                .setThrottleEvidence("vcgencmd get_throttled=0x50005").setInProcess(true).build();

        assertThat(store.commitResult(agent, r)).isEqualTo(CommitOutcome.STORED);

        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM results")) {
            assertThat(rs.next()).isTrue();
            org.HdrHistogram.Histogram back = org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
                    java.nio.ByteBuffer.wrap(rs.getBytes("latency_histogram")), 0);
            assertThat(back.getTotalCount()).isEqualTo(1000);
            assertThat(back.getValueAtPercentile(50)).isEqualTo(h.getValueAtPercentile(50));
            assertThat(rs.getDouble("e2e_p50_ms")).isEqualTo(0.6);
            assertThat(rs.getDouble("p999_ms")).isEqualTo(0.99);
            assertThat(rs.getDouble("p50_ci95_low_ms")).isEqualTo(0.48);
            assertThat(rs.getDouble("p50_ci95_high_ms")).isEqualTo(0.52);
            assertThat(rs.getInt("concurrency")).isEqualTo(4);
            assertThat(rs.getLong("worker_peak_rss_bytes")).isEqualTo(123_456_789);
            assertThat(rs.getLong("session_footprint_bytes")).isEqualTo(2_000_000);
            assertThat(rs.getString("cpu_governor")).isEqualTo("performance");
            assertThat(rs.getDouble("load_average_1m")).isEqualTo(0.25);
            assertThat(rs.getString("execution_providers_available")).isEqualTo("CPU,XNNPACK");
            assertThat(rs.getString("throttle_evidence")).isEqualTo("vcgencmd get_throttled=0x50005");
            assertThat(rs.getBoolean("in_process")).isTrue();
            assertThat(rs.getString("peak_basis")).isEqualTo("theoretical");
            assertThat(rs.getLong("queue_wait_ms")).as("fixed clock").isZero();
            assertThat(rs.getLong("measurement_ms")).isZero();
            assertThat(rs.next()).isFalse();
        }
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT spec_source FROM campaigns")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("models: [mnist-cnn]");
        }
    }

    @Test
    void unknownFieldsStayNullWhenTheAgentDidNotReportThem() throws Exception {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 1, 1_060_400, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.commitResult(agent, Fixtures.result(job.id(), 1, 1, 0.5));

        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT latency_histogram, e2e_p50_ms, load_average_1m, cpu_governor,"
                     + " worker_peak_rss_bytes FROM results")) {
            rs.next();
            for (int i = 1; i <= 5; i++) {
                rs.getObject(i);
                assertThat(rs.wasNull()).as("column %d", i).isTrue();
            }
        }
    }

    @Test
    void cancellingACampaignMakesItsOpenJobsCancelledNotFailedAndCountsThemApart() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob done = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob failed = Fixtures.job(agent, 8, 8_483_200, 10.0);
        NewJob held = Fixtures.job(agent, 32, 33_932_800, 10.0);
        NewJob queued = Fixtures.job(agent, 64, 67_865_600, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(done, failed, held, queued));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.commitResult(agent, Fixtures.result(done.id(), 1, 1, 0.2));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.failJob(failed.id(), 1, agent, "agent 'pi-1': ONNX Runtime cannot load model x.onnx: bad opset");
        Fixtures.leaseNext(store, agent).orElseThrow();

        assertThat(store.cancelCampaign("c1")).containsExactlyInAnyOrder(held.id(), queued.id());

        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.state()).isEqualTo(CampaignState.CANCELLED);
        assertThat(summary.cancelledUnixMs()).isPositive();
        assertThat(List.of(summary.queued(), summary.leased(), summary.done(), summary.failed(), summary.cancelled()))
                .containsExactly(0, 0, 1, 1, 2);
        assertThat(summary.total()).isEqualTo(4);
        assertThat(summary.rows()).as("every ended job has a row").hasSize(4);
        for (ResultRecord row : summary.rows()) {
            String id = (String) row.get(ResultField.JOB_ID);
            JobState expected = id.equals(done.id()) ? JobState.DONE : id.equals(failed.id()) ? JobState.FAILED
                    : JobState.CANCELLED;
            assertThat(row.state()).as(id).isEqualTo(expected);
            if (expected == JobState.CANCELLED) {
                assertThat(row.get(ResultField.FAILURE_REASON)).isEqualTo("cancelled by the user");
                assertThat(row.get(ResultField.P50_MS)).as("no result, no latency").isNull();
                assertThat(row.get(ResultField.STOP_REASON)).isNull();
                assertThat(row.get(ResultField.THREADS)).isNull();
            }
        }
        assertThat(store.queuedJobs()).isEmpty();
        assertThat(store.commitResult(agent, Fixtures.result(held.id(), 1, 32, 3.0)))
                .as("the held job's result after the cancel").isEqualTo(CommitOutcome.CANCELLED);
        assertThat(store.campaignSummary("c1").orElseThrow().done()).isEqualTo(1);
        assertThat(store.cancelCampaign("c1")).as("a second cancel finds nothing open").isEmpty();
    }

    @Test
    void cancellingAnEndedCampaignChangesNothing() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob done = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob failed = Fixtures.job(agent, 8, 8_483_200, 10.0);
        store.insertCampaign("all-done", "test", "{}", "", List.of(done));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.commitResult(agent, Fixtures.result(done.id(), 1, 1, 0.2));
        store.insertCampaign("one-failed", "test", "{}", "", List.of(failed));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.failJob(failed.id(), 1, agent, "ORT error");
        CampaignSummary doneBefore = store.campaignSummary("all-done").orElseThrow();
        CampaignSummary failedBefore = store.campaignSummary("one-failed").orElseThrow();

        assertThat(store.cancelCampaign("all-done")).isEmpty();
        assertThat(store.cancelCampaign("one-failed")).isEmpty();

        assertThat(store.campaignSummary("all-done").orElseThrow()).isEqualTo(doneBefore)
                .satisfies(s -> assertThat(s.state()).isEqualTo(CampaignState.DONE))
                .satisfies(s -> assertThat(s.cancelledUnixMs()).isZero());
        assertThat(store.campaignSummary("one-failed").orElseThrow()).isEqualTo(failedBefore)
                .satisfies(s -> assertThat(s.state()).isEqualTo(CampaignState.FAILED))
                .satisfies(s -> assertThat(s.cancelled()).isZero());
    }

    @Test
    void rowsKeepTheAgentsHardwareAtMeasurementTime() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob job = Fixtures.job(agent, 1, 1_060_400, 10.0);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        Fixtures.leaseNext(store, agent).orElseThrow();
        store.commitResult(agent, Fixtures.result(job.id(), 1, 1, 0.2));

        dev.edgeperf.proto.AgentHello moved = Fixtures.hello("pi-1", 10.0);
        store.registerAgent(moved.toBuilder().setHardware(moved.getHardware().toBuilder().setArch("aarch64")
                .setBoard("raspberry-pi-5").setCpuModel("ARM Cortex-A76")).build());

        assertThat(store.agents().get(0).hardware().board()).isEqualTo("raspberry-pi-5");
        ResultRecord row = store.results(Optional.of("c1")).get(0);
        assertThat(row.get(ResultField.ARCH)).isEqualTo("x86_64");
        assertThat(row.get(ResultField.BOARD)).isEqualTo("generic-x86_64");
        assertThat(row.get(ResultField.CPU_MODEL)).isEqualTo("Test CPU");
    }

    @Test
    void migrationV5TurnsOldStyleCancelledJobsIntoTheCancelledState(@TempDir Path v4) throws Exception {
        javax.sql.DataSource dataSource = Database.open("jdbc:h2:file:" + v4.resolve("edgeperf"));
        try {
            CancelledStateMigrationCheck.run(dataSource);
        } finally {
            Database.close(dataSource);
        }
    }
}
