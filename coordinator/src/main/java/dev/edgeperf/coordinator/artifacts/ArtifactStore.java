package dev.edgeperf.coordinator.artifacts;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Model files stored by the lower-case hex SHA-256 of their bytes. Files are only ever opened by a
 * validated digest, never by a name a peer sent, so a request cannot escape the folder.
 */
public final class ArtifactStore {
    /**
     * Largest file the store accepts, bytes: 4 GiB. An .onnx file cannot exceed protobuf's 2 GiB,
     * but an external-data file beside it can.
     */
    public static final long MAX_FILE_BYTES = 4L * 1024 * 1024 * 1024;

    /** Suffix of the file listing a model's external-data files, beside the model. */
    private static final String EXTERNAL_SUFFIX = ".external";
    private static final String REFERENCE_SUFFIX = ".reference";

    private final Path root;

    public ArtifactStore(Path root) {
        this.root = Objects.requireNonNull(root, "root is null").toAbsolutePath();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot create artifact folder " + this.root + ": " + e.getMessage(), e);
        }
    }

    /** True for a 64-character lower-case hex string. */
    public static boolean isDigest(String digest) {
        return Digests.isSha256Hex(digest);
    }

    /**
     * Stores {@code bytes} (a temporary file renamed into place, so readers never see half a file)
     * unless a file with the same digest already exists.
     *
     * @return the digest
     */
    public String put(byte[] bytes) {
        String digest = Digests.sha256Hex(bytes);
        Path target = pathOf(digest);
        if (Files.isRegularFile(target)) {
            return digest;
        }
        try {
            AtomicFiles.write(target, bytes);
            return digest;
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores what {@code in} yields, streamed to a temporary file while hashed (memory stays at one
     * buffer whatever the size), renamed into place under its digest unless that digest is stored.
     *
     * @return the digest
     * @throws EdgeperfException USER_ERROR past {@link #MAX_FILE_BYTES}; EXTERNAL when it cannot be written
     */
    public String put(InputStream in) {
        Path temp = null;
        try {
            temp = AtomicFiles.newTempFile(root.resolve("upload"));
            MessageDigest md = Digests.sha256();
            long total = 0;
            try (OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > MAX_FILE_BYTES) {
                        throw EdgeperfException.userError("artifact is over the limit of " + MAX_FILE_BYTES + " bytes");
                    }
                    md.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String digest = Digests.hex(md);
            commit(temp, digest);
            return digest;
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact in " + root + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Starts storing a file whose digest and size are announced up front (an upload): bytes go to a
     * temporary file and become the artifact only when {@link Pending#finish} finds both right.
     *
     * @param name display name for error messages
     * @throws EdgeperfException USER_ERROR for a malformed digest, a negative size or one over {@code limit}
     */
    public Pending begin(String digest, long sizeBytes, long limit, String name) {
        if (!isDigest(digest)) {
            throw EdgeperfException.userError("upload of '" + name + "': digest must be 64 lower-case hex characters,"
                    + " got '" + digest + "'");
        }
        if (sizeBytes < 0 || sizeBytes > limit) {
            throw EdgeperfException.userError("upload of '" + name + "': " + sizeBytes + " bytes is over the limit of "
                    + limit + " bytes per file");
        }
        try {
            return new Pending(digest, sizeBytes, name, AtomicFiles.newTempFile(pathOf(digest)));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact in " + root + ": " + e.getMessage(), e);
        }
    }

    /** An upload under way: {@link #write}, then {@link #finish} or {@link #abort}. Not thread-safe. */
    public final class Pending implements AutoCloseable {
        private final String digest;
        private final long expected;
        private final String name;
        private final Path temp;
        private final OutputStream out;
        private final MessageDigest md = Digests.sha256();
        private long written;
        private boolean done;

        private Pending(String digest, long expected, String name, Path temp) throws IOException {
            this.digest = digest;
            this.expected = expected;
            this.name = name;
            this.temp = temp;
            this.out = Files.newOutputStream(temp);
        }

        /** @throws EdgeperfException USER_ERROR when more bytes arrive than announced (the upload is aborted) */
        public void write(byte[] bytes, int offset, int length) {
            if (written + length > expected) {
                abort();
                throw EdgeperfException.userError("upload of '" + name + "': more than the announced " + expected
                        + " bytes arrived");
            }
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                abort();
                throw EdgeperfException.external("cannot write artifact " + temp + ": " + e.getMessage(), e);
            }
            md.update(bytes, offset, length);
            written += length;
        }

        /** Bytes written so far. */
        public long written() {
            return written;
        }

        /**
         * Checks size and digest and renames the file into place (or drops it when the digest was
         * stored meanwhile).
         *
         * @throws EdgeperfException USER_ERROR for a truncated upload or a digest mismatch (nothing stored)
         */
        public void finish() {
            try {
                out.close();
                if (written != expected) {
                    throw EdgeperfException.userError("upload of '" + name + "' is truncated: " + written + " of "
                            + expected + " bytes arrived");
                }
                String actual = Digests.hex(md);
                if (!actual.equals(digest)) {
                    throw EdgeperfException.userError("upload of '" + name + "' does not match its digest: announced "
                            + digest + ", the " + written + " bytes received have SHA-256 " + actual);
                }
                commit(temp, digest);
                done = true;
            } catch (IOException e) {
                throw EdgeperfException.external("cannot write artifact " + temp + ": " + e.getMessage(), e);
            } finally {
                abort();
            }
        }

        /** Drops the temporary file; nothing stored changes. Idempotent. */
        public void abort() {
            try {
                out.close();
            } catch (IOException e) {
                // the file is deleted next
            }
            deleteQuietly(temp);
            done = true;
        }

        @Override
        public void close() {
            if (!done) {
                abort();
            }
        }
    }

    private void commit(Path temp, String digest) throws IOException {
        Path target = pathOf(digest);
        if (Files.isRegularFile(target)) {
            return; // same bytes, stored before: the caller deletes the temp file
        }
        AtomicFiles.commit(temp, target);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stray temp file is harmless: it is never read as an artifact
        }
    }

    /**
     * The file of a stored artifact, for readers that map it (profiling a large model).
     *
     * @throws EdgeperfException USER_ERROR for a malformed or unknown digest
     */
    public Path path(String digest) {
        return existing(digest);
    }

    /** An external-data file of a model: its location name relative to the .onnx, digest and size. */
    public record ExternalFile(String name, String digest, long sizeBytes) {
        public ExternalFile {
            Objects.requireNonNull(name, "name is null");
            if (!isDigest(digest)) {
                throw new IllegalArgumentException("not a digest: " + digest);
            }
            if (name.isEmpty() || name.chars().anyMatch(c -> c < 0x20 || c == '\t')) {
                throw new IllegalArgumentException("bad external data name: " + name);
            }
        }
    }

    /**
     * Records the external-data files a stored model reads in one campaign, so that campaign's jobs name
     * exactly them. A model's .onnx bytes fix the file names but not their contents: two campaigns may upload
     * the same .onnx with different data beside it, so the list is kept per campaign, never shared by digest.
     *
     * @throws IllegalArgumentException for a campaign id that is not letters, digits and dashes
     */
    public void putExternalData(String campaignId, String modelDigest, List<ExternalFile> files) {
        Path target = existing(modelDigest).resolveSibling(externalName(campaignId, modelDigest));
        StringBuilder text = new StringBuilder();
        for (ExternalFile f : files) {
            text.append(f.digest()).append('\t').append(f.sizeBytes()).append('\t').append(f.name()).append('\n');
        }
        try {
            if (files.isEmpty()) {
                Files.deleteIfExists(target);
            } else {
                AtomicFiles.writeString(target, text.toString());
            }
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The external-data files a campaign's jobs on a stored model read; for a campaign stored before lists were
     * kept per campaign, the list last recorded for the model. Empty for a self-contained model (or an unknown
     * digest).
     */
    public List<ExternalFile> externalData(String campaignId, String modelDigest) {
        if (!isDigest(modelDigest)) {
            return List.of();
        }
        Path own = root.resolve(externalName(campaignId, modelDigest));
        return read(Files.isRegularFile(own) ? own : root.resolve(modelDigest + EXTERNAL_SUFFIX));
    }

    private static String externalName(String campaignId, String modelDigest) {
        if (!campaignId.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("not a campaign id: " + campaignId);
        }
        return modelDigest + "." + campaignId + EXTERNAL_SUFFIX;
    }

    private static List<ExternalFile> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<ExternalFile> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 3);
                if (f.length == 3) {
                    out.add(new ExternalFile(f[2], f[0], Long.parseLong(f[1])));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw EdgeperfException.external("cannot read artifact " + file + ": " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    /**
     * Records the reference set (issue 13: a few inputs and the coordinator's outputs for them, itself a stored
     * artifact) of a stored model, so jobs that measure it name it; the latest recorded for a digest is the one
     * jobs get.
     */
    public void putReferenceSet(String modelDigest, String referenceDigest) {
        existing(referenceDigest);
        Path target = existing(modelDigest).resolveSibling(modelDigest + REFERENCE_SUFFIX);
        try {
            AtomicFiles.writeString(target, referenceDigest + "\n");
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write artifact " + target + ": " + e.getMessage(), e);
        }
    }

    /** The digest of a stored model's reference set; "" when none was recorded (or for an unknown digest). */
    public String referenceSet(String modelDigest) {
        if (!isDigest(modelDigest)) {
            return "";
        }
        Path file = root.resolve(modelDigest + REFERENCE_SUFFIX);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try {
            String digest = Files.readString(file, StandardCharsets.UTF_8).strip();
            return isDigest(digest) && contains(digest) ? digest : "";
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read artifact " + file + ": " + e.getMessage(), e);
        }
    }

    /** Size in bytes of a stored artifact. */
    public long size(String digest) {
        try {
            return Files.size(existing(digest));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read artifact " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a stored artifact; the caller closes the stream.
     *
     * @throws EdgeperfException USER_ERROR for a malformed or unknown digest
     */
    public InputStream open(String digest) {
        try {
            return Files.newInputStream(existing(digest));
        } catch (NoSuchFileException e) {
            throw unknown(digest);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read artifact " + digest + ": " + e.getMessage(), e);
        }
    }

    public boolean contains(String digest) {
        return isDigest(digest) && Files.isRegularFile(pathOf(digest));
    }

    private Path existing(String digest) {
        if (!isDigest(digest)) {
            throw EdgeperfException.userError("artifact digest must be 64 lower-case hex characters, got '"
                    + digest + "'");
        }
        Path path = pathOf(digest);
        if (!Files.isRegularFile(path)) {
            throw unknown(digest);
        }
        return path;
    }

    private static ArtifactNotFoundException unknown(String digest) {
        return new ArtifactNotFoundException("no artifact with digest " + digest + " on this coordinator");
    }

    private Path pathOf(String digest) {
        return root.resolve(digest + ".onnx");
    }

    /** A well-formed digest that this store does not hold (gRPC NOT_FOUND). */
    public static final class ArtifactNotFoundException extends EdgeperfException {
        ArtifactNotFoundException(String message) {
            super(dev.edgeperf.core.ErrorCategory.USER_ERROR, message);
        }
    }
}
