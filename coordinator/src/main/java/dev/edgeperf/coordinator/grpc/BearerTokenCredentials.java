package dev.edgeperf.coordinator.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.Objects;
import java.util.concurrent.Executor;

/** Client side of {@link TokenAuthInterceptor}: adds {@code authorization: Bearer <token>} to each call. */
public final class BearerTokenCredentials extends CallCredentials {
    private final String token;

    public BearerTokenCredentials(String token) {
        this.token = Objects.requireNonNull(token, "token is null");
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(TokenAuthInterceptor.AUTHORIZATION, TokenAuthInterceptor.BEARER_PREFIX + token);
        applier.apply(headers);
    }
}
