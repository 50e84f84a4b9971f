package dev.edgeperf.agent.net;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.FetchArtifactRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model files by SHA-256 digest under {@code <work-dir>/cache/<digest>.onnx}. A download goes to a
 * temporary file, is hashed while written and renamed into place only when the digest verifies. File
 * names come only from a validated 64-hex-char digest, never from other network strings.
 */
public final class ArtifactCache {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);

    private final Path dir;
    private final ArtifactServiceGrpc.ArtifactServiceBlockingStub stub;
    private final Duration fetchTimeout;

    public ArtifactCache(Path dir, ArtifactServiceGrpc.ArtifactServiceBlockingStub stub, Duration fetchTimeout) {
        this.dir = Objects.requireNonNull(dir, "dir is null");
        this.stub = Objects.requireNonNull(stub, "stub is null");
        this.fetchTimeout = Objects.requireNonNull(fetchTimeout, "fetchTimeout is null");
    }

    /**
     * The verified local file for {@code digest}, downloaded when not cached.
     *
     * @throws EdgeperfException USER_ERROR for a malformed digest; EXTERNAL when the coordinator does
     *                           not have it, the download fails or the bytes do not match the digest
     */
    public Path get(String digest) {
        if (!Sha256.isDigest(digest)) {
            throw EdgeperfException.userError("model_digest '" + abbreviate(digest)
                    + "' is not a SHA-256 digest (64 lower-case hex characters)");
        }
        Path target = dir.resolve(digest + ".onnx");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target)) {
                if (Sha256.ofFile(target).equals(digest)) {
                    return target;
                }
                LOG.warn("cached artifact {} is corrupt; fetching it again", target);
                Files.delete(target);
            }
            return download(digest, target);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact cache " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the cached file for {@code digest} (a model that verified but does not load); true
     * when there was one. Never throws.
     */
    public boolean evict(String digest) {
        if (!Sha256.isDigest(digest)) {
            return false;
        }
        try {
            boolean removed = Files.deleteIfExists(dir.resolve(digest + ".onnx"));
            if (removed) {
                LOG.warn("evicted cached artifact {} after it failed to load", digest.substring(0, 12));
            }
            return removed;
        } catch (IOException e) {
            LOG.warn("cannot evict cached artifact {}: {}", digest.substring(0, 12), e.getMessage());
            return false;
        }
    }

    private Path download(String digest, Path target) throws IOException {
        Path tmp = Files.createTempFile(dir, digest.substring(0, 12) + "-", ".part");
        MessageDigest md = Sha256.newDigest();
        long written = 0;
        Context.CancellableContext call = Context.current().withCancellation();
        Context previous = call.attach();
        try (OutputStream out = Files.newOutputStream(tmp)) {
            Iterator<ArtifactChunk> chunks = stub.withDeadlineAfter(fetchTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .fetch(FetchArtifactRequest.newBuilder().setDigest(digest).build());
            long total = -1;
            while (chunks.hasNext()) {
                ArtifactChunk chunk = chunks.next();
                if (chunk.getOffset() != written) {
                    throw EdgeperfException.external("artifact " + digest + " arrived out of order: chunk at offset "
                            + chunk.getOffset() + ", expected " + written, null);
                }
                byte[] data = chunk.getData().toByteArray();
                out.write(data);
                md.update(data);
                written += data.length;
                total = chunk.getTotalSizeBytes();
            }
            if (total > 0 && written != total) {
                throw EdgeperfException.external("artifact " + digest + " is truncated: got " + written + " of "
                        + total + " bytes", null);
            }
        } catch (StatusRuntimeException e) {
            Files.deleteIfExists(tmp);
            Status s = e.getStatus();
            if (s.getCode() == Status.Code.NOT_FOUND) {
                throw EdgeperfException.external("coordinator has no artifact " + digest, e);
            }
            throw EdgeperfException.external("fetching artifact " + digest + " failed: " + s.getCode()
                    + (s.getDescription() == null ? "" : ": " + s.getDescription()), e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            call.detach(previous);
            call.cancel(null);
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(digest)) {
            Files.deleteIfExists(tmp);
            throw EdgeperfException.external("artifact " + digest + " failed verification: the " + written
                    + " bytes received have SHA-256 " + actual, null);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("fetched artifact {} ({} bytes)", digest.substring(0, 12), written);
        return target;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
