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
        store.insertCampaign("c1", "test", "{}", List.of(job));

        LeasedJob leased = store.leaseNextJob(agent).orElseThrow();
        assertThat(leased.jobId()).isEqualTo(job.id());
        assertThat(leased.attempt()).isEqualTo(1);
        assertThat(store.leaseNextJob(agent)).isEmpty();

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
        store.insertCampaign("c1", "mnist", "{}", List.of(done, open));
        store.leaseNextJob(agent);
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
        store.insertCampaign("c1", "test", "{}", List.of(job));

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(store.leaseNextJob(agent).orElseThrow().attempt()).isEqualTo(attempt);
            assertThat(store.releaseLeases(agent, 3, "gone")).containsExactly(job.id());
        }
        assertThat(store.leaseNextJob(agent).orElseThrow().attempt()).isEqualTo(3);
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
        store.insertCampaign("c1", "test", "{}", List.of(job, leased));
        store.leaseNextJob(agent);
        assertThat(store.failJob(job.id(), 1, "ORT: cannot load model")).isTrue();
        assertThat(store.failJob(job.id(), 1, "again")).isFalse();
        store.leaseNextJob(agent);

        store.resetAfterRestart(3);

        assertThat(store.agents().get(0).connected()).isFalse();
        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.queued()).as("the lease of the previous run is back in the queue").isEqualTo(1);
        assertThat(summary.disconnectedTargets()).containsExactly("pi-1");
        assertThat(summary.rows().get(0).failureReason()).isEqualTo("ORT: cannot load model");
        assertThat(store.leaseNextJob(agent).orElseThrow().attempt()).isEqualTo(2);
    }
}
