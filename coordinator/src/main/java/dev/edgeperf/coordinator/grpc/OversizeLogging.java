package dev.edgeperf.coordinator.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line, naming the call and the peer, for every call the server ends because a message was
 * over {@link CoordinatorGrpcServer#MAX_INBOUND_MESSAGE_BYTES}. grpc-java only tells the client, and
 * logs an anonymous stack trace through java.util.logging, which this replaces (raised to SEVERE for
 * the stream class that writes it).
 */
final class OversizeLogging extends ServerStreamTracer.Factory {
    private static final Logger LOG = LoggerFactory.getLogger(OversizeLogging.class);
    /** Held so the level stays set (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger NETTY_STREAM = java.util.logging.Logger.getLogger(
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    OversizeLogging() {
        if (NETTY_STREAM.getLevel() == null) {
            NETTY_STREAM.setLevel(java.util.logging.Level.SEVERE);
        }
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return new ServerStreamTracer() {
            private volatile Object peer = "an unknown peer";

            @Override
            public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
                Object address = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                if (address != null) {
                    peer = address;
                }
            }

            @Override
            public void streamClosed(Status status) {
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    LOG.warn("closed {} from {}: {}: {}", fullMethodName, peer, status.getCode(),
                            status.getDescription());
                }
            }
        };
    }
}
