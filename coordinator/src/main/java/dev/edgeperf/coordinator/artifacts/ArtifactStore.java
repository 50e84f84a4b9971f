package dev.edgeperf.coordinator.artifacts;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Model files stored by the lower-case hex SHA-256 of their bytes. Files are only ever opened by a
 * validated digest, never by a name a peer sent, so a request cannot escape the folder.
 */
public final class ArtifactStore {

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
