package dev.edgeperf.agent.net;

import com.google.protobuf.ByteString;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.FetchArtifactRequest;
import dev.edgeperf.proto.Welcome;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written coordinator on the in-process transport: welcomes agents, records what they send,
 * serves artifacts in small chunks and checks the bearer token like the real one.
 */
final class FakeCoordinator implements AutoCloseable {
    static final int CHUNK = 4096;

    final String name = InProcessServerBuilder.generateName();
    final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    final AtomicInteger connects = new AtomicInteger();
    volatile StreamObserver<CoordinatorMessage> toAgent;
    private final String token;
    private final Server server;

    FakeCoordinator(String token) throws IOException {
        this(token, null);
    }

    /** A coordinator served by {@code builder} (e.g. Netty on loopback) instead of the in-process transport. */
    FakeCoordinator(String token, ServerBuilder<?> builder) throws IOException {
        this.token = token;
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                String got = headers.get(BearerTokenInterceptor.AUTHORIZATION_HEADER);
                if (!("Bearer " + FakeCoordinator.this.token).equals(got)) {
                    call.close(Status.UNAUTHENTICATED.withDescription("unknown join token"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        };
        server = (builder != null ? builder : InProcessServerBuilder.forName(name))
                .addService(ServerInterceptors.intercept(new Agents(), auth))
                .addService(ServerInterceptors.intercept(new Artifacts(), auth))
                .build().start();
    }

    /** The port of a coordinator served over the network. */
    int port() {
        return server.getPort();
    }

    ManagedChannel channel() {
        return InProcessChannelBuilder.forName(name).build();
    }

    void send(CoordinatorMessage m) {
        synchronized (this) {
            toAgent.onNext(m);
        }
    }

    /** The next message of the given kind, skipping others (heartbeats), or fails after the timeout. */
    AgentMessage next(AgentMessage.KindCase kind, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            AgentMessage m = received.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m != null && m.getKindCase() == kind) {
                return m;
            }
        }
        throw new AssertionError("no " + kind + " message within " + timeout);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Agents extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<CoordinatorMessage> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(AgentMessage m) {
                    if (m.hasHello()) {
                        // Before publishing the hello: a test that sees it may send a job at once.
                        toAgent = responses;
                        int n = connects.incrementAndGet();
                        send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
                                .setAgentId("agent-" + n).setHeartbeatIntervalMs(100)).build());
                    }
                    received.add(m);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }

    private final class Artifacts extends ArtifactServiceGrpc.ArtifactServiceImplBase {
        @Override
        public void fetch(FetchArtifactRequest request, StreamObserver<ArtifactChunk> out) {
            byte[] data = artifacts.get(request.getDigest());
            if (data == null) {
                out.onError(Status.NOT_FOUND.withDescription("no artifact " + request.getDigest()).asRuntimeException());
                return;
            }
            for (int off = 0; off < data.length; off += CHUNK) {
                out.onNext(ArtifactChunk.newBuilder().setOffset(off).setTotalSizeBytes(data.length)
                        .setData(ByteString.copyFrom(Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK))))
                        .build());
            }
            out.onCompleted();
        }
    }
}
