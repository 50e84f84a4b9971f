package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.coordinator.fleet.AgentNameTakenException;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.CampaignState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.proto.JobFailure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSchedulerTest {
    @TempDir
    Path dir;

    private Store store;
    private FleetRegistry fleet;
    private JobScheduler scheduler;

    /** Records what the coordinator sends; on each ack, notes whether the result was already committed. */
    private final class FakeLink extends RecordingLink {
        final List<Boolean> committedWhenAcked = new ArrayList<>();

        @Override
        protected void beforeAck(String jobId, int attempt) {
            committedWhenAcked.add(resultRows(jobId, attempt) == 1);
        }
    }

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        fleet = new FleetRegistry();
        scheduler = new JobScheduler(store, fleet, new NaivePredictor());
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

    private void insert(List<NewJob> jobs) {
        store.insertCampaign("c1", "test", "{}", "", jobs);
        scheduler.enqueue(store.queuedJobs());
    }

    private int resultRows(String jobId, int attempt) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM results WHERE job_id = ? AND attempt = ?")) {
            st.setString(1, jobId);
            st.setInt(2, attempt);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachAgentGetsOneJobAtATimeAndTheNextAfterItsResult() {
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), linkA);
        ConnectedAgent b = connect(Fixtures.hello("b", 20), linkB);
        NewJob a1 = Fixtures.job(a.id(), 1, 1_060_400, 10);
        NewJob a2 = Fixtures.job(a.id(), 8, 8_483_200, 10);
        NewJob b1 = Fixtures.job(b.id(), 1, 1_060_400, 20);
        insert(List.of(a1, a2, b1));

        scheduler.dispatch();
        scheduler.dispatch();

        assertThat(linkA.events().get(0)).isEqualTo("welcome " + a.id());
        assertThat(linkA.jobs()).extracting(LeasedJob::jobId).containsExactly(a1.id());
        assertThat(linkB.jobs()).extracting(LeasedJob::jobId).containsExactly(b1.id());
        assertThat(linkA.jobs().get(0).modelDigest()).isEqualTo(Fixtures.DIGEST);
        assertThat(linkA.jobs().get(0).measurement().minIterations()).isEqualTo(5);

        scheduler.result(a, Fixtures.result(a1.id(), 1, 1, 0.3));

        assertThat(linkA.jobs()).extracting(LeasedJob::jobId).containsExactly(a1.id(), a2.id());
        assertThat(linkA.committedWhenAcked).containsExactly(true);
        assertThat(linkB.jobs()).hasSize(1);
    }

    @Test
    void resultIsAcknowledgedOnlyAfterCommitAndDuplicatesAreAckedWithoutASecondRow() {
        FakeLink link = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), link);
        NewJob job = Fixtures.job(a.id(), 1, 1_060_400, 10);
        insert(List.of(job));
        scheduler.dispatch();

        scheduler.result(a, Fixtures.result(job.id(), 1, 1, 0.3));
        scheduler.result(a, Fixtures.result(job.id(), 1, 1, 0.3));

        assertThat(link.committedWhenAcked).containsExactly(true, true);
        assertThat(link.acks()).hasSize(2);
        assertThat(resultRows(job.id(), 1)).isEqualTo(1);
        assertThat(store.campaignSummary("c1").orElseThrow().state()).isEqualTo(CampaignState.DONE);
    }

    @Test
    void disconnectRequeuesTheLeasedJobAndTheReconnectedAgentGetsTheNextAttempt() {
        FakeLink first = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), first);
        NewJob job = Fixtures.job(a.id(), 1, 1_060_400, 10);
        insert(List.of(job));
        scheduler.dispatch();
        assertThat(first.jobs()).singleElement().extracting(LeasedJob::attempt).isEqualTo(1);

        scheduler.disconnect(a);

        CampaignSummary waiting = store.campaignSummary("c1").orElseThrow();
        assertThat(waiting.queued()).isEqualTo(1);
        assertThat(waiting.queuedSelectors()).containsExactly("name=" + a.id());
        assertThat(fleet.connected()).isEmpty();

        FakeLink second = new FakeLink();
        ConnectedAgent again = connect(Fixtures.hello("a", 10), second);
        assertThat(again.id()).isEqualTo(a.id());
        assertThat(second.jobs()).singleElement().satisfies(j -> {
            assertThat(j.jobId()).isEqualTo(job.id());
            assertThat(j.attempt()).isEqualTo(2);
        });
    }

    @Test
    void secondLiveAgentWithTheSameNameIsRejected() {
        connect(Fixtures.hello("a", 10), new FakeLink());

        assertThatThrownBy(() -> connect(Fixtures.hello("a", 10), new FakeLink()))
                .isInstanceOf(AgentNameTakenException.class)
                .hasMessage("agent name 'a' is already connected; give the second agent another --name");
        assertThat(fleet.connected()).hasSize(1);
    }

    @Test
    void agentReportedFailureFailsTheJobAtOnceAndFreesTheAgent() {
        FakeLink link = new FakeLink();
        ConnectedAgent a = connect(Fixtures.hello("a", 10), link);
        NewJob bad = Fixtures.job(a.id(), 1, 1_060_400, 10);
        NewJob next = Fixtures.job(a.id(), 8, 8_483_200, 10);
        insert(List.of(bad, next));
        scheduler.dispatch();

        failure(a, JobFailure.newBuilder().setJobId(bad.id()).setAttempt(1)
                .setReason("ONNX model cannot be loaded: mnist-cnn: bad graph").build());

        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.rows().get(0).text(ResultField.FAILURE_REASON)).isEqualTo("agent 'a': ONNX model cannot be loaded: mnist-cnn: bad graph");
        assertThat(link.jobs()).extracting(LeasedJob::jobId).containsExactly(bad.id(), next.id());
    }

    /** A second agent process on the board of {@code host}: same hostname and hardware fingerprint. */
    private static AgentHello onHost(String name, String host) {
        AgentHello hello = Fixtures.hello(name, 10);
        return hello.toBuilder().setHardware(hello.getHardware().toBuilder().setHostname(host)
                .setFingerprint("fp-" + host.toLowerCase(Locale.ROOT))).build();
    }

    /** Who holds a job right now, by agent name, from what each link was sent and acknowledged. */
    private static int running(FakeLink link) {
        return link.jobs().size() - link.acks().size();
    }

    @Test
    void agentsOnOneHostMeasureOneAtATimeAndTakeTurnsWhileOtherHostsRunAtOnce() {
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        FakeLink linkC = new FakeLink();
        ConnectedAgent a = connect(onHost("a", "pi-1"), linkA);
        ConnectedAgent b = connect(onHost("b", "PI-1"), linkB); // hostnames compare case-blind
        ConnectedAgent c = connect(onHost("c", "pi-2"), linkC);
        assertThat(a.host()).isEqualTo(b.host()).isNotEqualTo(c.host());
        NewJob a1 = Fixtures.job(a.id(), 1, 1_000, 10);
        NewJob a2 = Fixtures.job(a.id(), 8, 8_000, 10);
        NewJob b1 = Fixtures.job(b.id(), 1, 1_000, 10);
        NewJob b2 = Fixtures.job(b.id(), 8, 8_000, 10);
        NewJob c1 = Fixtures.job(c.id(), 1, 1_000, 10);
        insert(List.of(a1, a2, b1, b2, c1));
        scheduler.dispatch();

        assertThat(linkA.jobs()).extracting(LeasedJob::jobId).containsExactly(a1.id());
        assertThat(linkB.jobs()).isEmpty();
        assertThat(linkC.jobs()).extracting(LeasedJob::jobId).containsExactly(c1.id());

        // the freed board goes to the other agent on it first, then back: a1, b1, a2, b2
        scheduler.result(a, Fixtures.result(a1.id(), 1, 1, 0.3));
        assertThat(linkB.jobs()).extracting(LeasedJob::jobId).containsExactly(b1.id());
        assertThat(running(linkA) + running(linkB)).isEqualTo(1);
        scheduler.result(b, Fixtures.result(b1.id(), 1, 1, 0.3));
        assertThat(linkA.jobs()).extracting(LeasedJob::jobId).containsExactly(a1.id(), a2.id());
        assertThat(running(linkA) + running(linkB)).isEqualTo(1);
        scheduler.result(a, Fixtures.result(a2.id(), 1, 8, 0.9));
        assertThat(linkB.jobs()).extracting(LeasedJob::jobId).containsExactly(b1.id(), b2.id());
        scheduler.result(b, Fixtures.result(b2.id(), 1, 8, 0.9));
        scheduler.result(c, Fixtures.result(c1.id(), 1, 1, 0.3));

        assertThat(store.campaignSummary("c1").orElseThrow().state()).isEqualTo(CampaignState.DONE);
    }

    @Test
    void theHostIsFreedWhenItsHolderDisconnectsOrFails() {
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        ConnectedAgent a = connect(onHost("a", "pi-1"), linkA);
        ConnectedAgent b = connect(onHost("b", "pi-1"), linkB);
        NewJob a1 = Fixtures.job(a.id(), 1, 1_000, 10);
        NewJob b1 = Fixtures.job(b.id(), 1, 1_000, 10);
        NewJob b2 = Fixtures.job(b.id(), 8, 8_000, 10);
        insert(List.of(a1, b1, b2));
        assertThat(linkA.jobs()).hasSize(1);
        assertThat(linkB.jobs()).isEmpty();

        scheduler.disconnect(a); // a1 goes back to the queue, bound to a; b may use the board now
        assertThat(linkB.jobs()).extracting(LeasedJob::jobId).containsExactly(b1.id());

        failure(b, JobFailure.newBuilder().setJobId(b1.id()).setAttempt(1).setReason("ORT error").build());
        assertThat(linkB.jobs()).extracting(LeasedJob::jobId).containsExactly(b1.id(), b2.id());

        FakeLink again = new FakeLink();
        ConnectedAgent a2 = connect(onHost("a", "pi-1"), again);
        assertThat(again.jobs()).as("b still measures on the board").isEmpty();
        scheduler.result(b, Fixtures.result(b2.id(), 1, 8, 0.9));
        assertThat(again.jobs()).singleElement().satisfies(j -> {
            assertThat(j.jobId()).isEqualTo(a1.id());
            assertThat(j.attempt()).isEqualTo(2);
        });
        assertThat(a2.host()).isEqualTo(b.host());
    }

    @Test
    void shareHostsLetsAgentsOnOneHostMeasureAtOnce() {
        scheduler = new JobScheduler(store, fleet, new SchedulerSettings(Duration.ofSeconds(30), 3, true),
                System::nanoTime,
                new NaivePredictor());
        FakeLink linkA = new FakeLink();
        FakeLink linkB = new FakeLink();
        ConnectedAgent a = connect(onHost("a", "pi-1"), linkA);
        ConnectedAgent b = connect(onHost("b", "pi-1"), linkB);
        insert(List.of(Fixtures.job(a.id(), 1, 1_000, 10), Fixtures.job(b.id(), 1, 1_000, 10)));

        assertThat(linkA.jobs()).hasSize(1);
        assertThat(linkB.jobs()).hasSize(1);
    }

    @Test
    void hostKeyIsHostnameAndFingerprintOrTheAgentItselfWithoutHostname() {
        AgentHello pi = onHost("a", "Pi-1");
        assertThat(ConnectedAgent.hostOf(pi)).isEqualTo("pi-1/fp-pi-1");
        AgentHello otherBoardSameName = pi.toBuilder().setHardware(pi.getHardware().toBuilder()
                .setFingerprint("fp-jetson")).build();
        assertThat(ConnectedAgent.hostOf(otherBoardSameName)).isNotEqualTo(ConnectedAgent.hostOf(pi));
        AgentHello nameless = pi.toBuilder().setHardware(pi.getHardware().toBuilder().setHostname(" ")).build();
        assertThat(ConnectedAgent.hostOf(nameless)).isEqualTo("agent:a");
    }
}
