package dev.edgeperf.coordinator.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejects every call whose {@code authorization} header is not {@code Bearer <join token>} with
 * UNAUTHENTICATED, before any handler runs.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {
    /** The metadata key every edgeperf call carries its join token in. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final String BEARER_PREFIX = "Bearer ";

    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthInterceptor.class);

    private final byte[] expected;

    public TokenAuthInterceptor(String joinToken) {
        Objects.requireNonNull(joinToken, "joinToken is null");
        if (joinToken.isBlank()) {
            throw new IllegalArgumentException("join token is empty");
        }
        this.expected = (BEARER_PREFIX + joinToken).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String presented = headers.get(AUTHORIZATION);
        // MessageDigest.isEqual takes time independent of where the first difference is.
        if (presented == null || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("rejected {} from {}: {} join token", call.getMethodDescriptor().getFullMethodName(),
                    call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), presented == null ? "missing" : "wrong");
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong join token"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
