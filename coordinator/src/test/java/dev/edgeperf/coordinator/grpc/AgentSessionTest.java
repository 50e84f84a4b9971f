package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.CampaignState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.Heartbeat;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobFailure;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent's session over the in-process transport: hello -> welcome, job -> result -> ack, failure, protocol errors. */
class AgentSessionTest {
    @TempDir
    Path dir;

    private Store store;
    private FleetRegistry fleet;
    private JobScheduler scheduler;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        store = Fixtures.store(dir);
        fleet = new FleetRegistry();
        scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new AgentServiceImpl(scheduler)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Database.close(store.dataSource());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as(what + " within 10 s").isTrue();
    }

    private static List<JobAssignment> jobs(StreamRecorder recorder) {
        return recorder.messages.stream().filter(CoordinatorMessage::hasJob).map(CoordinatorMessage::getJob).toList();
    }

    private static long acks(StreamRecorder recorder) {
        return recorder.messages.stream().filter(CoordinatorMessage::hasAck).count();
    }

    @Test
    void anAgentThatEndsItsStreamHasLeftTheFleetWhenTheCoordinatorEndsItsOwnSoItsRejoinIsWelcomed()
            throws Exception {
        StreamRecorder first = new StreamRecorder();
        StreamObserver<AgentMessage> out = AgentServiceGrpc.newStub(channel).connect(first);
        out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("pi", 10)).build());
        await("the welcome", () -> !first.messages.isEmpty());
        out.onCompleted();
        assertThat(first.closed.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        // no wait: the end of the stream comes after the agent left (what `agent run --refresh-every` relies on)
        assertThat(fleet.connected()).isEmpty();

        StreamRecorder second = new StreamRecorder();
        AgentServiceGrpc.newStub(channel).connect(second).onNext(AgentMessage.newBuilder()
                .setHello(Fixtures.hello("pi", 20)).build());
        await("the second welcome", () -> !second.messages.isEmpty() || second.closed.isDone());
        assertThat(second.closed).isNotDone();
        assertThat(second.messages.get(0).hasWelcome()).isTrue();
        assertThat(fleet.connected()).singleElement().satisfies(a -> assertThat(a.name()).isEqualTo("pi"));
    }

    @Test
    void helloIsWelcomedJobsAreAssignedResultsAckedAfterCommitAndFailuresRecorded() throws Exception {
        NewJob first = Fixtures.openJob("arch=x86_64", 1, 1_000_000_000L);
        NewJob second = Fixtures.openJob("arch=x86_64", 8, 8_000_000_000L);
        store.insertCampaign("c1", "test", "{}", "", List.of(first, second));
        scheduler.enqueue(store.queuedJobs());

        StreamRecorder recorder = new StreamRecorder();
        StreamObserver<AgentMessage> out = AgentServiceGrpc.newStub(channel).connect(recorder);
        out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello(" pi ", 10)).build());
        await("welcome and a job", () -> recorder.messages.size() >= 2);

        CoordinatorMessage welcome = recorder.messages.get(0);
        assertThat(welcome.hasWelcome()).isTrue();
        assertThat(welcome.getWelcome().getAgentId()).isEqualTo(store.agents().get(0).id());
        assertThat(welcome.getWelcome().getHeartbeatIntervalMs())
                .isEqualTo(SchedulerSettings.DEFAULTS.heartbeatIntervalMs());
        assertThat(store.agents().get(0).name()).as("the name is stripped").isEqualTo("pi");
        assertThat(jobs(recorder)).singleElement().satisfies(j -> {
            assertThat(j.getJobId()).isEqualTo(first.id());
            assertThat(j.getAttempt()).isEqualTo(1);
            assertThat(j.getModelName()).isEqualTo("mnist-cnn");
            assertThat(j.getModelDigest()).isEqualTo(Fixtures.DIGEST);
            assertThat(j.getModelSizeBytes()).isEqualTo(1234);
            assertThat(j.getVariantRecipe()).isEqualTo("baseline");
            assertThat(j.getBatchSize()).isEqualTo(1);
            assertThat(j.getSettings().getWarmupIterations()).isEqualTo(2);
            assertThat(j.getSettings().getMinIterations()).isEqualTo(5);
            assertThat(j.getSettings().getMaxDurationMs()).isEqualTo(1000);
        });

        out.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setBusyJobId(first.id())).build());
        out.onNext(AgentMessage.newBuilder().setResult(Fixtures.result(first.id(), 1, 1, 0.3)).build());
        await("the ack and the next job", () -> acks(recorder) == 1 && jobs(recorder).size() == 2);

        CoordinatorMessage ack = recorder.messages.stream().filter(CoordinatorMessage::hasAck).findFirst().orElseThrow();
        assertThat(ack.getAck().getJobId()).isEqualTo(first.id());
        assertThat(ack.getAck().getAttempt()).isEqualTo(1);
        assertThat(ack.getAck().getStatusCode()).as("stored").isZero();
        assertThat(ack.getAck().getStatusMessage()).isEmpty();
        assertThat(recorder.messages.indexOf(ack)).as("acked before the next job").isLessThan(
                recorder.messages.size() - 1);
        assertThat(store.campaignSummary("c1").orElseThrow().done()).isEqualTo(1);
        // the prediction made at lease time came from the injected predictor: 1 GFLOP at 10 GFLOP/s
        assertThat(store.campaignSummary("c1").orElseThrow().rows().get(0).real(ResultField.PREDICTED_MS).orElseThrow()).isEqualTo(100.0);

        out.onNext(AgentMessage.newBuilder().setFailure(JobFailure.newBuilder().setJobId(second.id()).setAttempt(1)
                .setReason("ORT error")).build());
        await("the failure recorded", () -> store.campaignSummary("c1").orElseThrow().failed() == 1);
        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.state()).isEqualTo(CampaignState.FAILED);
        assertThat(summary.rows()).filteredOn(r -> r.text(ResultField.JOB_ID).equals(second.id())).singleElement()
                .satisfies(r -> assertThat(r.text(ResultField.FAILURE_REASON)).isEqualTo("agent 'pi': ORT error"));

        out.onCompleted();
        assertThat(recorder.closed.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        await("the agent disconnected", () -> fleet.connected().isEmpty());
        assertThat(store.agents().get(0).connected()).isFalse();
    }

    @Test
    void aResultRefusedByTheStoreIsAckedWithItsStatusAndReason() throws Exception {
        StreamRecorder recorder = new StreamRecorder();
        StreamObserver<AgentMessage> out = AgentServiceGrpc.newStub(channel).connect(recorder);
        out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("pi", 10)).build());
        out.onNext(AgentMessage.newBuilder().setResult(Fixtures.result("no-such-job", 1, 1, 0.3)).build());
        await("the ack", () -> acks(recorder) == 1);

        var ack = recorder.messages.stream().filter(CoordinatorMessage::hasAck).findFirst().orElseThrow().getAck();
        assertThat(ack.getStatusCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(ack.getStatusMessage()).isEqualTo("job no-such-job is unknown to this coordinator; result not stored");
    }

    @Test
    void aSecondHelloEndsTheStreamAndDisconnectsTheAgent() throws Exception {
        StreamRecorder recorder = new StreamRecorder();
        StreamObserver<AgentMessage> out = AgentServiceGrpc.newStub(channel).connect(recorder);
        out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("pi", 10)).build());
        await("the welcome", () -> !recorder.messages.isEmpty());
        out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("pi", 10)).build());

        Status status = recorder.closed.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("agent 'pi' sent a second hello on one stream");
        await("the agent disconnected", () -> fleet.connected().isEmpty());
    }

    @Test
    void aHelloWithoutANameIsRefusedAndNothingIsStored() throws Exception {
        StreamRecorder recorder = new StreamRecorder();
        AgentServiceGrpc.newStub(channel).connect(recorder)
                .onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("  ", 10)).build());

        Status status = recorder.closed.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("agent hello must carry a name of 1 to 200 characters, got '  '");
        assertThat(store.agents()).isEmpty();
    }
}
