package dev.edgeperf.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.http.DashboardData.AgentView;
import dev.edgeperf.coordinator.http.DashboardData.ResultView;
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
        List<AgentView> agents = store.agents();
        assertThat(agents).extracting(AgentView::name).containsExactly("jetson", "pi-1");
        AgentView pi = agents.get(1);
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
        assertThat(summary.state()).isEqualTo("done");
        assertThat(summary.done()).isEqualTo(1);
        assertThat(summary.rows()).singleElement().satisfies(row -> {
            assertThat(row.agentName()).isEqualTo("pi-1");
            assertThat(row.p50Ms()).isEqualTo(0.5);
            assertThat(row.flops()).isEqualTo(8_483_200);
        });
    }

    @Test
    void dashboardViewsShowCampaignsAndFinishedResultsOnly() {
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob done = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob open = Fixtures.job(agent, 32, 33_932_800, 10.0);
        store.insertCampaign("c1", "mnist", "{}", "", List.of(done, open));
        Fixtures.leaseNext(store, agent);
        store.commitResult(agent, Fixtures.result(done.id(), 1, 1, 0.2));

        assertThat(store.campaigns()).singleElement().satisfies(c -> {
            assertThat(c.state()).isEqualTo("running");
            assertThat(c.jobsTotal()).isEqualTo(2);
            assertThat(c.jobsDone()).isEqualTo(1);
        });
        List<ResultView> results = store.results(Optional.empty());
        assertThat(results).extracting(ResultView::jobId).containsExactly(done.id());
        assertThat(results.get(0).throughputSamplesPerS()).isEqualTo(5000.0);
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
        assertThat(summary.state()).isEqualTo("failed");
        assertThat(summary.rows().get(0).failureReason()).isEqualTo("agent disconnected (after 3 attempts)");
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
        assertThat(summary.rows().get(0).failureReason()).isEqualTo("ORT: cannot load model");
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
}
