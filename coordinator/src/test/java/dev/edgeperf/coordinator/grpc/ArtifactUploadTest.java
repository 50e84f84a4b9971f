package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.FetchArtifactRequest;
import dev.edgeperf.proto.StatArtifactRequest;
import dev.edgeperf.proto.UploadChunk;
import dev.edgeperf.proto.UploadHeader;
import dev.edgeperf.proto.UploadResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ArtifactService.Upload/Stat/Fetch over in-process gRPC. */
class ArtifactUploadTest {
    private static final long LIMIT = 3 * 1024 * 1024;

    @TempDir
    Path dir;

    private ArtifactStore store;
    private Server server;
    private ManagedChannel channel;
    private ArtifactServiceGrpc.ArtifactServiceStub async;
    private ArtifactServiceGrpc.ArtifactServiceBlockingStub blocking;

    @BeforeEach
    void start() throws Exception {
        store = new ArtifactStore(dir.resolve("artifacts"));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new ArtifactServiceImpl(store, LIMIT)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        async = ArtifactServiceGrpc.newStub(channel);
        blocking = ArtifactServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends a header then {@code data} in 1000-byte chunks (fewer when {@code sendBytes} is shorter). */
    private UploadResult upload(String digest, long announced, byte[] data, int sendBytes) throws Exception {
        CompletableFuture<UploadResult> result = new CompletableFuture<>();
        StreamObserver<UploadChunk> requests = async.upload(new StreamObserver<>() {
            @Override
            public void onNext(UploadResult value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(null);
            }
        });
        requests.onNext(UploadChunk.newBuilder().setHeader(UploadHeader.newBuilder().setDigest(digest)
                .setSizeBytes(announced).setName("m.onnx")).build());
        for (int off = 0; off < sendBytes; off += 1000) {
            requests.onNext(UploadChunk.newBuilder()
                    .setData(ByteString.copyFrom(data, off, Math.min(1000, sendBytes - off))).build());
        }
        requests.onCompleted();
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private List<Path> storedFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("artifacts"))) {
            return files.toList();
        }
    }

    @Test
    void anUploadIsVerifiedStoredUnderItsDigestAndFetchedBackInChunks() throws Exception {
        byte[] data = bytes(1_000_000, 1);
        String digest = Digests.sha256Hex(data);
        assertThat(blocking.stat(StatArtifactRequest.newBuilder().setDigest(digest).build()).getStored()).isFalse();

        UploadResult r = upload(digest, data.length, data, data.length);

        assertThat(r.getDigest()).isEqualTo(digest);
        assertThat(r.getAlreadyStored()).isFalse();
        assertThat(store.path(digest)).hasBinaryContent(data);
        var stat = blocking.stat(StatArtifactRequest.newBuilder().setDigest(digest).build());
        assertThat(stat.getStored()).isTrue();
        assertThat(stat.getSizeBytes()).isEqualTo(data.length);
        assertThat(stat.getMaxSizeBytes()).isEqualTo(LIMIT);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        int chunks = 0;
        for (var it = blocking.fetch(FetchArtifactRequest.newBuilder().setDigest(digest).build()); it.hasNext(); ) {
            ArtifactChunk c = it.next();
            assertThat(c.getOffset()).isEqualTo(back.size());
            c.getData().writeTo(back);
            chunks++;
        }
        assertThat(back.toByteArray()).isEqualTo(data);
        assertThat(chunks).isEqualTo((data.length + ArtifactServiceImpl.CHUNK_BYTES - 1) / ArtifactServiceImpl.CHUNK_BYTES);
    }

    @Test
    void theSameFileTwiceIsStoredOnceAndAnsweredAlreadyStored() throws Exception {
        byte[] data = bytes(5000, 2);
        String digest = Digests.sha256Hex(data);
        upload(digest, data.length, data, data.length);

        UploadResult again = upload(digest, data.length, data, data.length);

        assertThat(again.getAlreadyStored()).isTrue();
        assertThat(storedFiles()).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                .isEqualTo(digest + ".onnx"));
    }

    @Test
    void aDigestMismatchIsRefusedAndNothingIsStored() throws Exception {
        byte[] data = bytes(5000, 3);
        String wrong = Digests.sha256Hex(bytes(5000, 4));

        assertThatThrownBy(() -> upload(wrong, data.length, data, data.length))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("upload of 'm.onnx' does not match its"
                            + " digest: announced " + wrong + ", the 5000 bytes received have SHA-256 "
                            + Digests.sha256Hex(data)).doesNotContain("\n");
                });
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aTruncatedStreamIsRefusedAndNothingIsStored() throws Exception {
        byte[] data = bytes(5000, 5);

        assertThatThrownBy(() -> upload(Digests.sha256Hex(data), data.length, data, 3000))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("upload of 'm.onnx' is truncated: 3000 of 5000 bytes arrived");
                });
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void moreBytesThanAnnouncedAreRefused() throws Exception {
        byte[] data = bytes(5000, 6);

        assertThatThrownBy(() -> upload(Digests.sha256Hex(data), 4000, data, data.length))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getDescription()).contains("more than the announced 4000 bytes"));
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aFileOverTheLimitIsRefusedFromItsHeaderAlone() throws Exception {
        String digest = Digests.sha256Hex(new byte[1]);

        assertThatThrownBy(() -> upload(digest, LIMIT + 1, new byte[0], 0))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("upload of 'm.onnx': " + (LIMIT + 1)
                            + " bytes is over the limit of " + LIMIT + " bytes per file");
                });
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void aStreamWithoutHeaderOrWithABadDigestIsRefused() throws Exception {
        assertThatThrownBy(() -> upload("not-a-digest", 10, new byte[10], 10))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getDescription()).contains("digest must be 64 lower-case hex"));
        assertThat(storedFiles()).isEmpty();
    }

    @Test
    void anAbandonedUploadLeavesNoTemporaryFile() throws Exception {
        byte[] data = bytes(5000, 7);
        StreamObserver<UploadChunk> requests = async.upload(new StreamObserver<>() {
            public void onNext(UploadResult value) {
            }

            public void onError(Throwable t) {
            }

            public void onCompleted() {
            }
        });
        requests.onNext(UploadChunk.newBuilder().setHeader(UploadHeader.newBuilder()
                .setDigest(Digests.sha256Hex(data)).setSizeBytes(data.length)).build());
        requests.onNext(UploadChunk.newBuilder().setData(ByteString.copyFrom(data, 0, 1000)).build());
        requests.onError(new RuntimeException("client gave up"));

        assertThat(storedFiles()).isEmpty();
    }
}
