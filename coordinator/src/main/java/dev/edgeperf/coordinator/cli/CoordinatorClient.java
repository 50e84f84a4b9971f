package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.grpc.BearerTokenCredentials;
import dev.edgeperf.coordinator.grpc.StatusMapping;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CampaignServiceGrpc.CampaignServiceBlockingStub;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.CampaignStatusRequest;
import dev.edgeperf.proto.SubmitCampaignRequest;
import dev.edgeperf.proto.CancelCampaignRequest;
import dev.edgeperf.proto.ListAgentsRequest;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.ListCampaignsRequest;
import dev.edgeperf.proto.ListCampaignsResponse;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The CLI's CampaignService client: owns its channel, puts a deadline on every call, maps errors. */
final class CoordinatorClient implements AutoCloseable {
    /** Submit only checks and stores the campaign (its variants are built afterwards); a user model rides along. */
    static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(30);
    static final Duration STATUS_DEADLINE = Duration.ofSeconds(15);

    private final String address;
    private final Path tokenFile;
    private final ManagedChannel channel;
    private final CampaignServiceBlockingStub stub;

    private CoordinatorClient(String address, Path tokenFile, ManagedChannel channel, String token) {
        this.address = address;
        this.tokenFile = tokenFile;
        this.channel = channel;
        this.stub = CampaignServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerTokenCredentials(token));
    }

    static CoordinatorClient connect(String address, String token, Path tokenFile) {
        return connect(address, token, tokenFile, null);
    }

    /** @param tlsCa trusted certificate (PEM) for a TLS coordinator; null = plaintext */
    static CoordinatorClient connect(String address, String token, Path tokenFile, Path tlsCa) {
        int colon = address.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw EdgeperfException.userError("--coordinator must be HOST:PORT, got '" + address + "'");
        }
        ChannelCredentials credentials = InsecureChannelCredentials.create();
        if (tlsCa != null) {
            try {
                credentials = TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
            } catch (java.io.IOException | RuntimeException e) {
                throw EdgeperfException.userError("--tls-ca " + tlsCa + " is not a readable PEM certificate: "
                        + e.getMessage());
            }
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.substring(0, colon), port, credentials)
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        return new CoordinatorClient(address, tokenFile, channel, token);
    }

    CampaignStatus submit(SubmitCampaignRequest request) {
        return call(s -> s.withDeadlineAfter(SUBMIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).submit(request),
                SUBMIT_DEADLINE);
    }

    CampaignStatus cancel(String campaignId) {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .cancel(CancelCampaignRequest.newBuilder().setCampaignId(campaignId).build()), STATUS_DEADLINE);
    }

    ListCampaignsResponse list() {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listCampaigns(ListCampaignsRequest.getDefaultInstance()), STATUS_DEADLINE);
    }

    ListAgentsResponse agents() {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listAgents(ListAgentsRequest.getDefaultInstance()), STATUS_DEADLINE);
    }

    CampaignStatus status(String campaignId) {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .getStatus(CampaignStatusRequest.newBuilder().setCampaignId(campaignId).build()), STATUS_DEADLINE);
    }

    private <T> T call(Function<CampaignServiceBlockingStub, T> call, Duration deadline) {
        try {
            return call.apply(stub);
        } catch (StatusRuntimeException e) {
            throw translate(e, deadline);
        }
    }

    private EdgeperfException translate(StatusRuntimeException e, Duration deadline) {
        String description = e.getStatus().getDescription();
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE -> new EdgeperfException(ErrorCategory.EXTERNAL, "cannot reach coordinator " + address
                    + ": " + reason(e), e);
            case DEADLINE_EXCEEDED -> new EdgeperfException(ErrorCategory.EXTERNAL, "coordinator " + address
                    + " did not answer within " + deadline.toSeconds() + " s", e);
            case UNAUTHENTICATED -> new EdgeperfException(ErrorCategory.USER_ERROR, "coordinator " + address
                    + " rejected the join token in " + tokenFile + ": " + description, e);
            default -> new EdgeperfException(StatusMapping.categoryOf(e.getStatus().getCode()),
                    description == null ? e.getStatus().getCode().toString() : description, e);
        };
    }

    private static String reason(StatusRuntimeException e) {
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return e.getStatus().getDescription() == null ? "unavailable" : e.getStatus().getDescription();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
