package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.Heartbeat;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent stream that sends a message over the inbound limit, on a real coordinator over loopback. */
class AgentStreamLimitsTest {
    @TempDir
    Path tmp;

    private static void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as(what + " within 10 s").isTrue();
    }

    @Test
    void oversizedAgentMessageEndsThatStreamOnlyAndTheAgentMayJoinAgain() throws Exception {
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", 0, 0,
                tmp.resolve("data"), Optional.empty()))) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", runtime.grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                var stub = AgentServiceGrpc.newStub(channel)
                        .withCallCredentials(new BearerTokenCredentials(runtime.joinToken()));
                StreamRecorder first = new StreamRecorder();
                StreamObserver<AgentMessage> out = stub.connect(first);
                out.onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("big", 10)).build());
                await("the welcome", () -> !first.messages.isEmpty());
                assertThat(runtime.fleet().connected()).hasSize(1);

                String huge = "x".repeat(CoordinatorGrpcServer.MAX_INBOUND_MESSAGE_BYTES + 1024);
                out.onNext(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setBusyJobId(huge)).build());

                Status status = first.closed.get(20, TimeUnit.SECONDS);
                // the server answers RESOURCE_EXHAUSTED and resets the stream; a client still sending may see
                // the reset (CANCELLED) first
                assertThat(status.getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
                await("the agent removed from the fleet", () -> runtime.fleet().connected().isEmpty());
                assertThat(runtime.store().agents()).singleElement()
                        .satisfies(a -> assertThat(a.connected()).isFalse());

                StreamRecorder again = new StreamRecorder();
                stub.connect(again).onNext(AgentMessage.newBuilder().setHello(Fixtures.hello("big", 10)).build());
                await("a second welcome", () -> !again.messages.isEmpty());
                assertThat(again.messages.get(0).getWelcome().getAgentId())
                        .isEqualTo(first.messages.get(0).getWelcome().getAgentId());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            // the stream's clean-up writes to the store: let it finish before the store closes
            await("the second stream's clean-up", () -> runtime.fleet().connected().isEmpty());
        }
    }
}
