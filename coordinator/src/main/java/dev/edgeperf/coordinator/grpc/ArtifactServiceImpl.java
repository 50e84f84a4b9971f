package dev.edgeperf.coordinator.grpc;

import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.FetchArtifactRequest;
import dev.edgeperf.proto.StatArtifactRequest;
import dev.edgeperf.proto.StatArtifactResponse;
import dev.edgeperf.proto.UploadChunk;
import dev.edgeperf.proto.UploadResult;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts over gRPC: {@code Fetch} streams a stored file in 256 KiB chunks, sending only as fast as
 * the receiver takes them (so a 1 GB model never queues up in memory); {@code Upload} writes a file
 * chunk by chunk through {@link ArtifactStore#begin}; {@code Stat} says whether a digest is stored.
 */
public final class ArtifactServiceImpl extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Bytes per chunk: well under the default 4 MiB message limit of clients. */
    public static final int CHUNK_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactServiceImpl.class);

    private final ArtifactStore artifacts;
    private final long maxFileBytes;

    public ArtifactServiceImpl(ArtifactStore artifacts) {
        this(artifacts, ArtifactStore.MAX_FILE_BYTES);
    }

    /** @param maxFileBytes largest upload accepted (injectable so tests need no 4 GiB file) */
    public ArtifactServiceImpl(ArtifactStore artifacts, long maxFileBytes) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public void stat(StatArtifactRequest request, StreamObserver<StatArtifactResponse> responseObserver) {
        String digest = request.getDigest();
        if (!ArtifactStore.isDigest(digest)) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription("artifact digest must be 64 lower-case"
                    + " hex characters").asRuntimeException());
            return;
        }
        StatArtifactResponse.Builder response = StatArtifactResponse.newBuilder().setMaxSizeBytes(maxFileBytes);
        try {
            if (artifacts.contains(digest)) {
                response.setStored(true).setSizeBytes(artifacts.size(digest));
            }
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus(e));
            return;
        }
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    @Override
    public StreamObserver<UploadChunk> upload(StreamObserver<UploadResult> responseObserver) {
        return new UploadReceiver(responseObserver);
    }

    /** One upload: header, data chunks, then finish; any failure aborts the temporary file. */
    private final class UploadReceiver implements StreamObserver<UploadChunk> {
        private final StreamObserver<UploadResult> responses;
        private ArtifactStore.Pending pending;
        private UploadResult answered; // set once the call is answered (already stored, or failed)
        private String digest = "";
        private long size;

        UploadReceiver(StreamObserver<UploadResult> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(UploadChunk chunk) {
            if (answered != null) {
                return; // already stored or failed: the rest of the stream is dropped
            }
            try {
                if (pending == null && digest.isEmpty()) {
                    header(chunk);
                } else if (chunk.hasHeader()) {
                    throw EdgeperfException.userError("upload of " + digest + ": a second header arrived");
                } else {
                    ByteString data = chunk.getData();
                    // ByteString may be a rope of buffers; copy chunk-sized pieces, never the file
                    byte[] bytes = data.toByteArray();
                    pending.write(bytes, 0, bytes.length);
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void header(UploadChunk chunk) {
            if (!chunk.hasHeader()) {
                throw EdgeperfException.userError("upload: the first message must be the header (digest and size)");
            }
            var h = chunk.getHeader();
            String name = h.getName().isBlank() ? h.getDigest() : h.getName().replaceAll("\\p{Cntrl}", "?");
            if (ArtifactStore.isDigest(h.getDigest()) && artifacts.contains(h.getDigest())) {
                long stored = artifacts.size(h.getDigest());
                if (stored == h.getSizeBytes()) {
                    answered = UploadResult.newBuilder().setDigest(h.getDigest()).setSizeBytes(stored)
                            .setAlreadyStored(true).build();
                    responses.onNext(answered);
                    responses.onCompleted();
                    return;
                }
                throw EdgeperfException.userError("upload of '" + name + "': announced " + h.getSizeBytes()
                        + " bytes, but the stored file with digest " + h.getDigest() + " has " + stored);
            }
            pending = artifacts.begin(h.getDigest(), h.getSizeBytes(), maxFileBytes, name);
            digest = h.getDigest();
            size = h.getSizeBytes();
        }

        @Override
        public void onError(Throwable t) {
            // the client went away (cancelled, deadline, connection lost): nothing is stored
            if (pending != null) {
                pending.abort();
                LOG.info("upload of {} abandoned after {} of {} bytes: {}", digest, pending.written(), size,
                        Status.fromThrowable(t).getCode());
            }
        }

        @Override
        public void onCompleted() {
            if (answered != null) {
                return;
            }
            try {
                if (pending == null) {
                    throw EdgeperfException.userError("upload: the stream ended before its header");
                }
                pending.finish();
                LOG.info("stored uploaded artifact {} ({} bytes)", digest, size);
                answered = UploadResult.newBuilder().setDigest(digest).setSizeBytes(size).build();
                responses.onNext(answered);
                responses.onCompleted();
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(RuntimeException e) {
            if (pending != null) {
                pending.abort();
            }
            answered = UploadResult.getDefaultInstance();
            var status = StatusMapping.toStatus(e);
            LOG.info("upload rejected: {}", status.getStatus().getDescription());
            responses.onError(status);
        }
    }

    @Override
    public void fetch(FetchArtifactRequest request, StreamObserver<ArtifactChunk> responseObserver) {
        var call = (ServerCallStreamObserver<ArtifactChunk>) responseObserver;
        long total;
        InputStream in;
        try {
            total = artifacts.size(request.getDigest());
            in = artifacts.open(request.getDigest());
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus(e));
            return;
        }
        Sender sender = new Sender(call, in, total, request.getDigest());
        call.setOnCancelHandler(sender::close);
        // called whenever the transport can take more; gRPC calls it once after this method returns too
        call.setOnReadyHandler(sender);
    }

    /** Sends chunks while the call is ready, and continues when it is ready again. */
    private static final class Sender implements Runnable {
        private final ServerCallStreamObserver<ArtifactChunk> call;
        private final InputStream in;
        private final long total;
        private final String digest;
        private final byte[] buffer = new byte[CHUNK_BYTES];
        private long offset;
        private boolean done;

        Sender(ServerCallStreamObserver<ArtifactChunk> call, InputStream in, long total, String digest) {
            this.call = call;
            this.in = in;
            this.total = total;
            this.digest = digest;
        }

        @Override
        public synchronized void run() {
            if (done) {
                return;
            }
            try {
                while (call.isReady() && !call.isCancelled()) {
                    int read = in.readNBytes(buffer, 0, buffer.length);
                    if (read <= 0) {
                        close();
                        call.onCompleted();
                        return;
                    }
                    call.onNext(ArtifactChunk.newBuilder().setOffset(offset)
                            .setData(ByteString.copyFrom(buffer, 0, read)).setTotalSizeBytes(total).build());
                    offset += read;
                }
            } catch (IOException e) {
                close();
                call.onError(StatusMapping.toStatus(EdgeperfException.external(
                        "cannot read artifact " + digest + ": " + e.getMessage(), e)));
            } catch (RuntimeException e) {
                close();
                call.onError(StatusMapping.toStatus(e));
            }
        }

        synchronized void close() {
            done = true;
            try {
                in.close();
            } catch (IOException e) {
                // nothing more is read from it
            }
        }
    }
}
