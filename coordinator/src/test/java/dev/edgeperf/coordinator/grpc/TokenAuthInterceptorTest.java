package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CampaignServiceGrpc.CampaignServiceBlockingStub;
import dev.edgeperf.proto.ListAgentsRequest;
import dev.edgeperf.proto.ListAgentsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenAuthInterceptorTest {
    private static final String TOKEN = "0123456789abcdef";

    private final AtomicInteger handlerCalls = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        var service = new CampaignServiceGrpc.CampaignServiceImplBase() {
            @Override
            public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> responses) {
                handlerCalls.incrementAndGet();
                responses.onNext(ListAgentsResponse.newBuilder().addAgents(AgentInfo.newBuilder().setName("pi"))
                        .build());
                responses.onCompleted();
            }
        };
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new TokenAuthInterceptor(TOKEN))).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private CampaignServiceBlockingStub stub() {
        return CampaignServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    @Test
    void rightTokenReachesTheHandler() {
        ListAgentsResponse response = stub().withCallCredentials(new BearerTokenCredentials(TOKEN))
                .listAgents(ListAgentsRequest.getDefaultInstance());

        assertThat(response.getAgents(0).getName()).isEqualTo("pi");
        assertThat(handlerCalls).hasValue(1);
    }

    @Test
    void wrongTokenIsUnauthenticatedBeforeTheHandler() {
        assertThatThrownBy(() -> stub().withCallCredentials(new BearerTokenCredentials(TOKEN + "0"))
                .listAgents(ListAgentsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("missing or wrong join token");
                });
        assertThat(handlerCalls).hasValue(0);
    }

    @Test
    void missingTokenIsUnauthenticated() {
        assertThatThrownBy(() -> stub().listAgents(ListAgentsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(handlerCalls).hasValue(0);
    }
}
