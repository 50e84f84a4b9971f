package dev.edgeperf.coordinator.artifacts;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file whole or not at all: a temporary file beside the target, then a rename. The temporary
 * file is created like any other file (mode 0666 less the umask, so usually 0644), not with
 * {@link Files#createTempFile}'s 0600, since the result is a file people share.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * @param replace false = fail with {@link FileAlreadyExistsException} when {@code target} exists,
     *                also when another process creates it meanwhile
     */
    public static void write(Path target, byte[] bytes, boolean replace) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
            if (replace) {
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                // a hard link never replaces (a rename would), so a file that appeared meanwhile survives
                try {
                    Files.createLink(absolute, temp);
                } catch (UnsupportedOperationException e) {
                    Files.move(temp, absolute);
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
