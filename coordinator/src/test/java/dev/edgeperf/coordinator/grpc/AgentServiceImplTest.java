package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent stream over the in-process transport: welcome, duplicate names, disconnect clean-up. */
class AgentServiceImplTest {
    @TempDir
    Path dir;

    private Store store;
    private FleetRegistry fleet;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        store = Fixtures.store(dir);
        fleet = new FleetRegistry();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(new AgentServiceImpl(new JobScheduler(store, fleet, new NaivePredictor()))).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Database.close(store.dataSource());
    }

    private StreamObserver<AgentMessage> connect(String agentName, StreamRecorder recorder) {
        StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel).connect(recorder);
        requests.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello(agentName, 10)).build());
        return requests;
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }

    @Test
    void duplicateLiveNameIsAlreadyExistsAndDisconnectFreesTheName() throws Exception {
        StreamRecorder first = new StreamRecorder();
        StreamObserver<AgentMessage> firstStream = connect("pi", first);
        await(() -> !first.messages.isEmpty());
        assertThat(first.messages.get(0).getWelcome().getAgentId()).isNotEmpty();

        StreamRecorder second = new StreamRecorder();
        connect("pi", second);
        Status status = second.closed.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(status.getDescription())
                .isEqualTo("agent name 'pi' is already connected; give the second agent another --name");
        // the first agent keeps its stream and its stored identity; the refused one changed nothing
        assertThat(fleet.connected()).singleElement().satisfies(a -> assertThat(a.name()).isEqualTo("pi"));
        assertThat(store.agents()).singleElement().satisfies(a -> assertThat(a.connected()).isTrue());

        firstStream.onCompleted();
        await(() -> fleet.connected().isEmpty());
        assertThat(store.agents().get(0).connected()).isFalse();

        StreamRecorder third = new StreamRecorder();
        connect("pi", third);
        await(() -> !third.messages.isEmpty());
        assertThat(third.messages.get(0).getWelcome().getAgentId())
                .isEqualTo(first.messages.get(0).getWelcome().getAgentId());
    }

    @Test
    void firstMessageOtherThanHelloIsInvalidArgument() throws Exception {
        StreamRecorder recorder = new StreamRecorder();
        StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel).connect(recorder);
        requests.onNext(AgentMessage.newBuilder().setHeartbeat(dev.edgeperf.proto.Heartbeat.getDefaultInstance())
                .build());

        Status status = recorder.closed.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("first message on an agent stream must be hello");
    }
}
