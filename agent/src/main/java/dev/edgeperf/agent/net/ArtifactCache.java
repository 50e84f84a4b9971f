package dev.edgeperf.agent.net;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ExternalData;
import dev.edgeperf.proto.ArtifactChunk;
import dev.edgeperf.proto.ExternalDataFile;
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
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model files by SHA-256 digest under {@code <work-dir>/cache/<digest>.onnx}. A download goes to a
 * temporary file chunk by chunk, is hashed while written and renamed into place only when the digest
 * verifies, so memory stays at one chunk whatever the model's size. File names come only from a
 * validated 64-hex-char digest; a model's external-data files are linked beside it under their
 * names, checked to be plain relative paths ({@link #model}).
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
    /** Folder (under the cache) of per-model job folders that hold a model beside its external data. */
    static final String BUNDLES = "bundles";
    /** The model's file name in its job folder. */
    static final String BUNDLE_MODEL_NAME = "model.onnx";

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
        Path target = fetch(digest);
        trim(Set.of(target));
        return target;
    }

    /**
     * The model file of a job whose initializers read external data, in a folder of its own where
     * each external-data file lies under its name beside it (ONNX Runtime resolves those names
     * relative to the model file's folder). Files are cached by digest like any artifact and linked
     * into {@code <cache>/bundles/<model-digest>/}; without external data this is {@link #get}.
     *
     * @throws EdgeperfException USER_ERROR for a malformed digest or a name that is not a plain
     *                           relative path; EXTERNAL as for {@link #get}
     */
    public Path model(String modelDigest, List<ExternalDataFile> externalData) {
        if (externalData.isEmpty()) {
            return get(modelDigest);
        }
        for (ExternalDataFile f : externalData) {
            ExternalData.checkLocation(f.getName(), abbreviate(modelDigest));
            if (f.getName().equals(BUNDLE_MODEL_NAME)) {
                throw EdgeperfException.userError("model " + abbreviate(modelDigest) + ": external data file name '"
                        + BUNDLE_MODEL_NAME + "' is the model's own name in the job folder");
            }
        }
        Set<Path> keep = new HashSet<>();
        Path model = fetch(modelDigest);
        keep.add(model);
        Map<String, Path> files = new LinkedHashMap<>();
        for (ExternalDataFile f : externalData) {
            Path p = fetch(f.getDigest());
            keep.add(p);
            files.put(f.getName(), p);
        }
        Path bundle = dir.resolve(BUNDLES).resolve(modelDigest);
        try {
            deleteTree(bundle);
            Files.createDirectories(bundle);
            link(bundle.resolve(BUNDLE_MODEL_NAME), model);
            for (Map.Entry<String, Path> e : files.entrySet()) {
                Path target = bundle.resolve(e.getKey()).normalize();
                if (!target.startsWith(bundle)) {
                    throw EdgeperfException.userError("external data name '" + e.getKey() + "' leaves the model's folder");
                }
                Files.createDirectories(target.getParent());
                link(target, e.getValue());
            }
        } catch (IOException e) {
            throw EdgeperfException.external("cannot lay out model " + abbreviate(modelDigest) + " with its external"
                    + " data in " + bundle + ": " + e.getMessage(), e);
        }
        keep.add(bundle);
        trim(keep);
        return bundle.resolve(BUNDLE_MODEL_NAME);
    }

    /** A hard link (no copy, no extra space); a copy where the file system has none. */
    private static void link(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(existing, link, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The verified cached file for {@code digest}, downloaded when absent; marked as just used. No trim. */
    private Path fetch(String digest) {
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
                // one chunk at a time from the stream to disk: memory stays at a chunk whatever the size
                for (java.nio.ByteBuffer b : chunk.getData().asReadOnlyByteBufferList()) {
                    md.update(b.duplicate());
                }
                chunk.getData().writeTo(out);
                written += chunk.getData().size();
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
    private void trim(Set<Path> keep) {
        deleteOtherBundles(keep);
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
            if (!keep.contains(e.file()) && delete(e.file())) {
                total -= e.bytes();
                LOG.info("evicted cached artifact {} ({} bytes, last used {}) to keep the cache within {} bytes",
                        e.file().getFileName().toString().substring(0, 12), e.bytes(), e.lastUse(), maxBytes);
            }
        }
        List<Entry> kept = entries.stream().filter(e -> keep.contains(e.file())).toList();
        long keptBytes = kept.stream().mapToLong(Entry::bytes).sum();
        if (keptBytes > maxBytes && kept.size() == 1) {
            LOG.warn("artifact {} ({} bytes) is larger than the whole cache limit of {} bytes (--cache-max-bytes);"
                    + " using it for this job, the next download evicts it",
                    kept.get(0).file().getFileName().toString().substring(0, 12), keptBytes, maxBytes);
        } else if (keptBytes > maxBytes) {
            LOG.warn("this job's {} artifacts ({} bytes) are larger than the whole cache limit of {} bytes"
                    + " (--cache-max-bytes); using them for this job, the next download evicts them", kept.size(),
                    keptBytes, maxBytes);
        }
    }

    /**
     * Job folders of other models are removed: their hard links would keep evicted files' space, and
     * a folder is relinked in no time when its model runs again.
     */
    private void deleteOtherBundles(Set<Path> keep) {
        Path bundles = dir.resolve(BUNDLES);
        if (!Files.isDirectory(bundles)) {
            return;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(bundles)) {
            for (Path f : folders) {
                if (!keep.contains(f)) {
                    deleteTree(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean job folders in {}: {}", bundles, e.toString());
        }
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
