package dev.edgeperf.coordinator.grpc;

import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.FetchArtifactRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** Streams a stored model in 256 KiB chunks. */
public final class ArtifactServiceImpl extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Bytes per chunk: well under the default 4 MiB message limit of clients. */
    public static final int CHUNK_BYTES = 256 * 1024;

    private final ArtifactStore artifacts;

    public ArtifactServiceImpl(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
    }

    @Override
    public void fetch(FetchArtifactRequest request, StreamObserver<ArtifactChunk> responseObserver) {
        try {
            long total = artifacts.size(request.getDigest());
            var call = (ServerCallStreamObserver<ArtifactChunk>) responseObserver;
            try (InputStream in = artifacts.open(request.getDigest())) {
                byte[] buffer = new byte[CHUNK_BYTES];
                long offset = 0;
                int read;
                while ((read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    if (call.isCancelled()) {
                        return;
                    }
                    responseObserver.onNext(ArtifactChunk.newBuilder().setOffset(offset)
                            .setData(ByteString.copyFrom(buffer, 0, read)).setTotalSizeBytes(total).build());
                    offset += read;
                }
            }
            responseObserver.onCompleted();
        } catch (IOException e) {
            responseObserver.onError(StatusMapping.toStatus(dev.edgeperf.core.EdgeperfException.external(
                    "cannot read artifact " + request.getDigest() + ": " + e.getMessage(), e)));
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapping.toStatus(e));
        }
    }
}
