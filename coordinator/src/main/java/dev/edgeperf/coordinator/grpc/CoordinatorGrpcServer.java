package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.core.EdgeperfException;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Owns the gRPC {@link Server}: every service behind the join-token check, bounded inbound messages. */
public final class CoordinatorGrpcServer {
    /** Largest inbound message, bytes: results and hellos are small; this bounds what a peer can make us buffer. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Server server;
    private final String description;

    /**
     * @param description how to name the endpoint in errors, e.g. "gRPC port 7700 on 127.0.0.1"
     */
    public CoordinatorGrpcServer(ServerBuilder<?> builder, TokenAuthInterceptor auth, List<BindableService> services,
                                 String description) {
        Objects.requireNonNull(builder, "builder is null");
        builder.maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        builder.addStreamTracerFactory(new OversizeLogging());
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, auth));
        }
        this.server = builder.build();
        this.description = Objects.requireNonNull(description, "description is null");
    }

    /** @throws EdgeperfException USER_ERROR "... is already in use" when the port is taken */
    public void start() {
        try {
            server.start();
        } catch (IOException e) {
            if (isAddressInUse(e)) {
                throw EdgeperfException.userError(description + " is already in use");
            }
            throw EdgeperfException.external("cannot start the gRPC server on " + description + ": " + e.getMessage(),
                    e);
        }
    }

    /** The bound port (the one picked when 0 was asked for). */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting calls, gives running ones up to 5 s, then cancels them. */
    public void stop() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    private static boolean isAddressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("in use")) {
                return true;
            }
        }
        return false;
    }
}
