package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.predict.DevicePeaks;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.store.CampaignState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.JobFailure;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.coordinator.store.LeasedJob;
import io.grpc.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases, expiry by silence, who may deliver a result, selector matching, prediction basis. */
class LeaseTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private Store store;
    private FleetRegistry fleet;
    private JobScheduler scheduler;

    private static final class FakeLink extends RecordingLink {
    }

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        fleet = new FleetRegistry();
        scheduler = new JobScheduler(store, fleet, new SchedulerSettings(Duration.ofSeconds(1), 2), nanos::get,
                new NaivePredictor());
    }

    @AfterEach
    void tearDown() {
        Database.close(store.dataSource());
    }

    private ConnectedAgent connect(AgentHello hello, AgentLink link) {
        return scheduler.connect(JoiningAgent.of(hello), link);
    }

    private void failure(ConnectedAgent agent, JobFailure f) {
        scheduler.failure(agent, f.getJobId(), f.getAttempt(), f.getReason());
    }

    private void submit(List<NewJob> jobs) {
        store.insertCampaign("c1", "test", "{}", "", jobs);
        scheduler.enqueue(store.queuedJobs());
    }

    private int count(String sql) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void silentAgentLosesItsLeaseAndTheJobGoesToAnotherAgentWithTheNextAttempt() throws Exception {
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), linkA);
        NewJob job = Fixtures.openJob("arch=x86_64", 1, 1_000_000);
        submit(List.of(job));
        assertThat(linkA.jobs()).singleElement().extracting(LeasedJob::attempt).isEqualTo(1);
        ConnectedAgent b = connect(Fixtures.hello("b", 10), linkB);
        assertThat(linkB.jobs()).isEmpty();

        nanos.addAndGet(Duration.ofMillis(600).toNanos());
        scheduler.heartbeat(b);
        nanos.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(scheduler.expireSilentAgents()).containsExactly("a");

        assertThat(linkA.closedWith()).singleElement().asString().startsWith("lease expired: agent 'a'");
        assertThat(linkB.jobs()).singleElement().satisfies(j -> {
            assertThat(j.jobId()).isEqualTo(job.id());
            assertThat(j.attempt()).isEqualTo(2);
        });
        assertThat(fleet.connected()).extracting(ConnectedAgent::name).containsExactly("b");

        // b delivers attempt 2; then a, reconnected, re-sends its spooled attempt 1: refused, one row only
        scheduler.result(b, Fixtures.result(job.id(), 2, 1, 0.5));
        FakeLink linkA2 = new FakeLink();
        ConnectedAgent a2 = connect(Fixtures.hello("a", 10), linkA2);
        scheduler.result(a2, Fixtures.result(job.id(), 1, 1, 0.4));

        assertThat(linkB.acks()).singleElement().extracting(RecordingLink.Ack::statusCode).isEqualTo(0);
        assertThat(linkA2.acks()).singleElement().satisfies(ack -> {
            assertThat(ack.statusCode()).isEqualTo(Status.Code.ALREADY_EXISTS.value());
            assertThat(ack.message()).contains("already has a result");
        });
        assertThat(count("SELECT COUNT(*) FROM results")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM job_attempts WHERE outcome = 'released'")).isEqualTo(1);
        assertThat(store.campaignSummary("c1").orElseThrow().rows()).singleElement().satisfies(row -> {
            assertThat(row.text(ResultField.AGENT_NAME)).isEqualTo("b");
            assertThat(row.integer(ResultField.ATTEMPT)).isEqualTo(2);
        });
    }

    @Test
    void lateResultOfAnEarlierAttemptFromItsHolderCompletesTheJobOnce() throws Exception {
        FakeLink linkA = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), linkA);
        NewJob job = Fixtures.openJob("name=a", 1, 1_000_000);
        submit(List.of(job));
        scheduler.disconnect(a); // e.g. a network cut: attempt 2 is queued

        FakeLink again = new FakeLink();
        ConnectedAgent a2 = connect(Fixtures.hello("a", 10), again);
        assertThat(again.jobs()).singleElement().extracting(LeasedJob::attempt).isEqualTo(2);
        scheduler.result(a2, Fixtures.result(job.id(), 1, 1, 0.4)); // spooled attempt 1, re-sent
        scheduler.result(a2, Fixtures.result(job.id(), 2, 1, 0.5)); // attempt 2 finishes too

        assertThat(again.acks()).extracting(RecordingLink.Ack::statusCode)
                .containsExactly(0, Status.Code.ALREADY_EXISTS.value());
        assertThat(count("SELECT COUNT(*) FROM results WHERE job_id = '" + job.id() + "' AND attempt = 1"))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM results")).isEqualTo(1);
        assertThat(store.campaignSummary("c1").orElseThrow().state()).isEqualTo(CampaignState.DONE);
    }

    @Test
    void resultForAJobTheAgentDoesNotHoldIsRefusedAndNothingIsStored() throws Exception {
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        connect(Fixtures.hello("a", 10), linkA);
        ConnectedAgent b = connect(Fixtures.hello("b", 10), linkB);
        NewJob job = Fixtures.openJob("name=a", 1, 1_000_000);
        submit(List.of(job));

        scheduler.result(b, Fixtures.result(job.id(), 1, 1, 0.4));

        assertThat(linkB.acks()).singleElement().satisfies(ack -> {
            assertThat(ack.statusCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
            assertThat(ack.message()).isEqualTo("agent 'b' does not hold job " + job.id()
                    + " attempt 1; result not stored");
        });
        assertThat(count("SELECT COUNT(*) FROM results")).isZero();
        assertThat(store.campaignSummary("c1").orElseThrow().leased()).isEqualTo(1);

        // nor may b fail a's job, and a result for a job no one ever queued is refused as unknown
        failure(b, JobFailure.newBuilder().setJobId(job.id()).setAttempt(1)
                .setReason("not mine").build());
        scheduler.result(b, Fixtures.result("no-such-job", 1, 1, 0.4));

        assertThat(store.campaignSummary("c1").orElseThrow().leased()).isEqualTo(1);
        assertThat(linkB.acks()).hasSize(2).last().satisfies(ack -> {
            assertThat(ack.statusCode()).isEqualTo(Status.Code.NOT_FOUND.value());
            assertThat(ack.message()).isEqualTo("job no-such-job is unknown to this coordinator;"
                    + " result not stored");
        });
        assertThat(count("SELECT COUNT(*) FROM results")).isZero();
        assertThat(linkA.jobs()).singleElement().extracting(LeasedJob::jobId).isEqualTo(job.id());
    }

    @Test
    void attemptsAreBoundedAndTheReasonIsKept() {
        NewJob job = Fixtures.openJob("arch=x86_64", 1, 1_000_000);
        submit(List.of(job));
        for (int i = 0; i < 2; i++) {
            ConnectedAgent a = connect(Fixtures.hello("a", 10), new FakeLink());
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            assertThat(scheduler.expireSilentAgents()).containsExactly("a");
            assertThat(fleet.isConnected(a)).isFalse();
        }
        var summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.state()).isEqualTo(CampaignState.FAILED);
        assertThat(summary.rows().get(0).text(ResultField.FAILURE_REASON)).startsWith("lease expired: agent 'a' sent nothing for more"
                + " than 1000 ms").endsWith("(after 2 attempts)");
    }

    @Test
    void selectorJobsWaitForAMatchingAgentAndStatusSaysSo() {
        FakeLink x86 = new FakeLink();
        connect(Fixtures.hello("x", 10), x86);
        NewJob pi = Fixtures.openJob("board=rpi5", 1, 1_000_000);
        submit(List.of(pi));
        assertThat(x86.jobs()).isEmpty();
        assertThat(store.campaignSummary("c1").orElseThrow().queuedSelectors()).containsExactly("board=rpi5");

        AgentHello piHello = Fixtures.hello("pi", 10).toBuilder().setHardware(Fixtures.hello("pi", 10).getHardware()
                .toBuilder().setBoard("raspberry-pi-5").setArch("aarch64")).build();
        FakeLink piLink = new FakeLink();
        connect(piHello, piLink);

        assertThat(piLink.jobs()).singleElement().extracting(LeasedJob::jobId).isEqualTo(pi.id());
    }

    @Test
    void predictionUsesTheCalibratedPeakWhenTheAgentHasOne() throws Exception {
        AgentHello calibrated = Fixtures.hello("cal", 100).toBuilder()
                .setCalibration(Calibration.newBuilder().setMatmulGflops(40).setConvGflops(25).setThreads(4)).build();
        FakeLink link = new FakeLink();
        ConnectedAgent agent = connect(calibrated, link);
        NewJob job = Fixtures.openJob("name=cal", 1, 4_000_000_000L);
        submit(List.of(job));
        scheduler.result(agent, Fixtures.result(job.id(), 1, 1, 120));

        var row = store.campaignSummary("c1").orElseThrow().rows().get(0);
        assertThat(row.text(ResultField.PEAK_BASIS)).isEqualTo("calibrated");
        assertThat(row.real(ResultField.PEAK_GFLOPS).orElseThrow()).isEqualTo(40.0);
        assertThat(row.real(ResultField.PREDICTED_MS).orElseThrow()).isEqualTo(100.0);
        assertThat(count("SELECT COUNT(*) FROM agents WHERE calib_matmul_gflops = 40 AND calib_conv_gflops = 25"))
                .isEqualTo(1);
        ConnectedAgent uncalibrated = new ConnectedAgent("i", "n", "n.local", agent.traits(),
                DevicePeaks.theoretical(50), "CPU", link);
        assertThat(scheduler.predict(uncalibrated, 5_000_000_000L, 1, 0).basis()).isEqualTo("theoretical");
    }
}
