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
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import com.google.protobuf.ByteString;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.StatArtifactRequest;
import dev.edgeperf.proto.UploadChunk;
import dev.edgeperf.proto.UploadHeader;
import dev.edgeperf.proto.UploadResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;

/** The CLI's CampaignService client: owns its channel, puts a deadline on every call, maps errors. */
final class CoordinatorClient implements AutoCloseable {
    /** Submit only checks and stores the campaign (its variants are built afterwards); user models are uploaded before. */
    static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(30);
    static final Duration STATUS_DEADLINE = Duration.ofSeconds(15);

    /** Bytes per upload message: well under the coordinator's 16 MiB message limit. */
    static final int UPLOAD_CHUNK_BYTES = 1024 * 1024;

    private final String address;
    private final Path tokenFile;
    private final ManagedChannel channel;
    private final CampaignServiceBlockingStub stub;
    private final ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts;
    private final ArtifactServiceGrpc.ArtifactServiceStub artifactsAsync;

    private CoordinatorClient(String address, Path tokenFile, ManagedChannel channel, String token) {
        this.address = address;
        this.tokenFile = tokenFile;
        this.channel = channel;
        BearerTokenCredentials credentials = new BearerTokenCredentials(token);
        this.stub = CampaignServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
        this.artifacts = ArtifactServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
        this.artifactsAsync = ArtifactServiceGrpc.newStub(channel).withCallCredentials(credentials);
    }

    /** A client over a channel someone else built (tests: in-process); closing it shuts the channel down. */
    static CoordinatorClient over(ManagedChannel channel, String token) {
        return new CoordinatorClient("in-process", Path.of("token"), channel, token);
    }

    /** How long an upload of {@code bytes} may take: 60 s plus 1 s per 2 MiB (a slow link still finishes). */
    static Duration uploadDeadline(long bytes) {
        return Duration.ofSeconds(60 + bytes / (2L * 1024 * 1024));
    }

    /**
     * Uploads one file, streamed from disk in {@link #UPLOAD_CHUNK_BYTES} messages, sent only as fast
     * as the connection takes them, so memory stays at a few chunks whatever the file's size.
     *
     * @param label    names the file in errors
     * @param digest   its SHA-256, computed by the caller
     * @param progress told the bytes sent so far
     * @return true when the coordinator already held it (nothing was sent)
     * @throws EdgeperfException USER_ERROR when the coordinator refuses it (limit, digest mismatch);
     *         EXTERNAL when it cannot be reached or the file changes while read
     */
    boolean upload(Path file, String label, String digest, long size, LongConsumer progress) {
        Duration deadline = uploadDeadline(size);
        var stat = call(() -> artifacts.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .stat(StatArtifactRequest.newBuilder().setDigest(digest).build()), STATUS_DEADLINE);
        if (stat.getStored() && stat.getSizeBytes() == size) {
            progress.accept(size);
            return true;
        }
        if (stat.getMaxSizeBytes() > 0 && size > stat.getMaxSizeBytes()) {
            throw EdgeperfException.userError(label + " file " + file + " is " + size + " bytes; coordinator "
                    + address + " accepts at most " + stat.getMaxSizeBytes() + " bytes per file");
        }
        CompletableFuture<UploadResult> result = new CompletableFuture<>();
        Object lock = new Object();
        ClientResponseObserver<UploadChunk, UploadResult> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<UploadChunk> requestStream) {
                requestStream.setOnReadyHandler(() -> {
                    synchronized (lock) {
                        lock.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(UploadResult value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
                synchronized (lock) {
                    lock.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                result.complete(UploadResult.getDefaultInstance());
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        };
        var requests = (ClientCallStreamObserver<UploadChunk>) artifactsAsync
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).upload(responses);
        try (InputStream in = Files.newInputStream(file)) {
            requests.onNext(UploadChunk.newBuilder().setHeader(UploadHeader.newBuilder().setDigest(digest)
                    .setSizeBytes(size).setName(file.getFileName().toString())).build());
            byte[] buffer = new byte[UPLOAD_CHUNK_BYTES];
            long sent = 0;
            int n;
            while (!result.isDone() && (n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                synchronized (lock) {
                    while (!requests.isReady() && !result.isDone()) {
                        lock.wait(100);
                    }
                }
                if (result.isDone()) {
                    break; // answered early: already stored, or refused
                }
                requests.onNext(UploadChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
                sent += n;
                progress.accept(sent);
            }
            if (!result.isDone()) {
                requests.onCompleted();
            }
        } catch (IOException e) {
            requests.cancel("cannot read " + file, e);
            throw EdgeperfException.userError("cannot read " + label + " file " + file + ": " + e.getMessage());
        } catch (InterruptedException e) {
            requests.cancel("interrupted", e);
            Thread.currentThread().interrupt();
            throw EdgeperfException.external("upload of " + file + " interrupted", e);
        } catch (RuntimeException e) {
            requests.cancel("upload failed", e);
            throw e;
        }
        try {
            UploadResult r = result.get();
            return r.getAlreadyStored();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EdgeperfException.external("upload of " + file + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw translate(sre, deadline);
            }
            throw EdgeperfException.external("upload of " + file + " failed: " + e.getCause(), e.getCause());
        }
    }

    private <T> T call(java.util.function.Supplier<T> call, Duration deadline) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw translate(e, deadline);
        }
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

    /** The status with each row's stored latency histogram, for speedups with confidence intervals. */
    CampaignStatus statusWithHistograms(String campaignId, boolean withLayers) {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .getStatus(CampaignStatusRequest.newBuilder().setCampaignId(campaignId).setWithHistograms(true)
                        .setWithLayers(withLayers).build()),
                STATUS_DEADLINE);
    }

    /** The status with the done rows of every stored campaign on its devices (leave-one-model-out analysis). */
    CampaignStatus statusWithDeviceHistory(String campaignId) {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .getStatus(CampaignStatusRequest.newBuilder().setCampaignId(campaignId).setWithDeviceHistory(true)
                        .build()), STATUS_DEADLINE);
    }

    /** An agent's stored rows, and the newest result of {@code digest} at that batch and threads ("" = none asked). */
    dev.edgeperf.proto.DeviceHistoryResponse deviceHistory(String agentName, String digest, int batch, int threads) {
        return call(s -> s.withDeadlineAfter(STATUS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .deviceHistory(dev.edgeperf.proto.DeviceHistoryRequest.newBuilder().setAgentName(agentName)
                        .setModelDigest(digest).setBatchSize(batch).setThreads(threads).build()), STATUS_DEADLINE);
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
