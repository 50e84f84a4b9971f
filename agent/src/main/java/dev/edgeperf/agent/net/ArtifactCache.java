package dev.edgeperf.agent.net;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.FetchArtifactRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model files by SHA-256 digest under {@code <work-dir>/cache/<digest>.onnx}. A download goes to a
 * temporary file, is hashed while written and renamed into place only when the digest verifies. File
 * names come only from a validated 64-hex-char digest, never from other network strings.
 *
 * <p>The cache is an LRU bounded by a size limit: every use sets a file's modification time (the
 * last use survives agent restarts that way), and after each download the least recently used
 * files are deleted until the total is within the limit. The file just fetched for the current job
 * is never deleted, even when it alone is over the limit.
 */
public final class ArtifactCache {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
    private static final String SUFFIX = ".onnx";
    private static final String PARTIAL_SUFFIX = ".part";

    private final Path dir;
    private final ArtifactServiceGrpc.ArtifactServiceBlockingStub stub;
    private final Duration fetchTimeout;
    private final long maxBytes;
    private final Clock clock;

    /** A cache with the default size limit. */
    public ArtifactCache(Path dir, ArtifactServiceGrpc.ArtifactServiceBlockingStub stub, Duration fetchTimeout) {
        this(dir, stub, fetchTimeout, AgentConfig.DEFAULT_CACHE_MAX_BYTES, Clock.systemUTC());
    }

    /**
     * @param maxBytes size limit of all cached files, bytes, > 0
     * @param clock    stamps each use (injectable so tests control the LRU order)
     */
    public ArtifactCache(Path dir, ArtifactServiceGrpc.ArtifactServiceBlockingStub stub, Duration fetchTimeout,
                         long maxBytes, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir is null");
        this.stub = Objects.requireNonNull(stub, "stub is null");
        this.fetchTimeout = Objects.requireNonNull(fetchTimeout, "fetchTimeout is null");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /**
     * The verified local file for {@code digest}, downloaded when not cached; either way marked as
     * just used. A download is followed by evicting least recently used files down to the limit.
     *
     * @throws EdgeperfException USER_ERROR for a malformed digest; EXTERNAL when the coordinator does
     *                           not have it, the download fails or the bytes do not match the digest
     */
    public Path get(String digest) {
        if (!Digests.isSha256Hex(digest)) {
            throw EdgeperfException.userError("model_digest '" + abbreviate(digest)
                    + "' is not a SHA-256 digest (64 lower-case hex characters)");
        }
        Path target = dir.resolve(digest + SUFFIX);
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target)) {
                if (Digests.sha256Hex(target).equals(digest)) {
                    touch(target);
                    return target;
                }
                LOG.warn("cached artifact {} is corrupt; fetching it again", target);
                Files.delete(target);
            }
            download(digest, target);
            touch(target);
            trim(target);
            return target;
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact cache " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the cached file for {@code digest} (a model that verified but does not load); true
     * when there was one. Never throws.
     */
    public boolean evict(String digest) {
        if (!Digests.isSha256Hex(digest)) {
            return false;
        }
        try {
            boolean removed = Files.deleteIfExists(dir.resolve(digest + SUFFIX));
            if (removed) {
                LOG.warn("evicted cached artifact {} after it failed to load", digest.substring(0, 12));
            }
            return removed;
        } catch (IOException e) {
            LOG.warn("cannot evict cached artifact {}: {}", digest.substring(0, 12), e.getMessage());
            return false;
        }
    }

    private void download(String digest, Path target) throws IOException {
        Path tmp = Files.createTempFile(dir, digest.substring(0, 12) + "-", PARTIAL_SUFFIX);
        MessageDigest md = Digests.sha256();
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
        String actual = Digests.hex(md);
        if (!actual.equals(digest)) {
            Files.deleteIfExists(tmp);
            throw EdgeperfException.external("artifact " + digest + " failed verification: the " + written
                    + " bytes received have SHA-256 " + actual, null);
        }
        AtomicFiles.commit(tmp, target);
        LOG.info("fetched artifact {} ({} bytes)", digest.substring(0, 12), written);
    }

    private void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
        } catch (IOException e) {
            // only the LRU order suffers: the file is evicted a little early
            LOG.debug("cannot mark {} as used: {}", file, e.toString());
        }
    }

    /** A cached file, for the LRU. */
    private record Entry(Path file, long bytes, FileTime lastUse) {
    }

    /**
     * Deletes least recently used files, never {@code keep}, until the total is within the limit.
     * Failing to trim never fails the job: the cache is only larger than asked until the next fetch.
     */
    private void trim(Path keep) {
        List<Entry> entries;
        try {
            entries = cachedFiles();
        } catch (IOException e) {
            LOG.warn("cannot list artifact cache {} to trim it: {}", dir, e.toString());
            return;
        }
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        entries.sort(Comparator.comparing(Entry::lastUse).thenComparing(Entry::file));
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (!e.file().equals(keep) && delete(e.file())) {
                total -= e.bytes();
                LOG.info("evicted cached artifact {} ({} bytes, last used {}) to keep the cache within {} bytes",
                        e.file().getFileName().toString().substring(0, 12), e.bytes(), e.lastUse(), maxBytes);
            }
        }
        entries.stream().filter(e -> e.file().equals(keep) && e.bytes() > maxBytes).findFirst().ifPresent(e ->
                LOG.warn("artifact {} ({} bytes) is larger than the whole cache limit of {} bytes (--cache-max-bytes);"
                        + " using it for this job, the next download evicts it",
                        keep.getFileName().toString().substring(0, 12), e.bytes(), maxBytes));
    }

    /** Verified artifacts with size and last use; abandoned partial downloads are deleted on the way. */
    private List<Entry> cachedFiles() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(PARTIAL_SUFFIX)) {
                    deleteIfAbandoned(f);
                } else if (name.endsWith(SUFFIX)
                        && Digests.isSha256Hex(name.substring(0, name.length() - SUFFIX.length()))) {
                    try {
                        entries.add(new Entry(f, Files.size(f), Files.getLastModifiedTime(f)));
                    } catch (IOException e) {
                        // deleted meanwhile (e.g. evicted after a load failure): nothing to count
                    }
                }
            }
        }
        return entries;
    }

    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot evict cached artifact {}: {}", file, e.toString());
            return false;
        }
    }

    /** A partial download from an agent that died mid-fetch; one still being written is younger than the fetch timeout. */
    private void deleteIfAbandoned(Path partial) {
        try {
            Instant modified = Files.getLastModifiedTime(partial).toInstant();
            if (modified.plus(fetchTimeout).isBefore(clock.instant()) && Files.deleteIfExists(partial)) {
                LOG.info("deleted abandoned partial download {}", partial.getFileName());
            }
        } catch (IOException e) {
            LOG.debug("cannot check partial download {}: {}", partial, e.toString());
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
