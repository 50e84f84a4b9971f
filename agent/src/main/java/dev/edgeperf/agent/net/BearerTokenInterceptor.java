package dev.edgeperf.agent.net;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Objects;

/** Adds {@code authorization: Bearer <join-token>} to every call, as the wire contract requires. */
public final class BearerTokenInterceptor implements ClientInterceptor {
    /** The metadata key every call carries. */
    public static final Metadata.Key<String> AUTHORIZATION_HEADER =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String headerValue;

    public BearerTokenInterceptor(String token) {
        Objects.requireNonNull(token, "token is null");
        this.headerValue = "Bearer " + token;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(AUTHORIZATION_HEADER, headerValue);
                super.start(listener, headers);
            }
        };
    }
}
