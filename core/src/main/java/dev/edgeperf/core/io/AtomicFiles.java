package dev.edgeperf.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one atomic write of edgeperf: the content goes to a temp file in the target's folder, is
 * forced to disk, and is moved over the target in one step, so readers see the old file or the
 * whole new one, never a torn one, even after a crash. The temp file is created with the default
 * permissions (the umask), unlike {@link Files#createTempFile}'s owner-only 0600, so the result is
 * as readable as any other file the user writes.
 */
public final class AtomicFiles {
    /** Suffix of temp files; a crash can leave one behind, never a partial target. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** Writes content to a stream; the stream is closed by {@link AtomicFiles}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces (or creates) {@code target} with {@code bytes}, atomically. The folder must exist. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Replaces (or creates) {@code target} with the UTF-8 text, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces (or creates) {@code target} with what {@code content} writes, atomically. On any
     * failure the temp file is removed and the target is left as it was.
     */
    public static void write(Path target, Content content) throws IOException {
        Path temp = newTempFile(target);
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            commit(temp, target);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Creates {@code target} with {@code bytes}, whole or not at all, and never replaces a file:
     * {@link java.nio.file.FileAlreadyExistsException} when it exists, also when another process
     * creates it meanwhile (a hard link never replaces, a rename would).
     */
    public static void writeNew(Path target, byte[] bytes) throws IOException {
        Path temp = newTempFile(target);
        try {
            Files.write(temp, bytes, StandardOpenOption.WRITE);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.createLink(target.toAbsolutePath(), temp);
            } catch (UnsupportedOperationException e) {
                Files.move(temp, target);
            }
            forceFolder(target.toAbsolutePath().getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A new empty temp file next to {@code target} (same folder, so the final move is atomic),
     * for callers that stream into it themselves and then {@link #commit} it.
     */
    public static Path newTempFile(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String base = "." + target.getFileName() + ".";
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve(base + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + TEMP_SUFFIX);
            try {
                return Files.createFile(temp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Forces a finished temp file to disk and moves it over {@code target} atomically (a plain
     * replacing move where the file system cannot move atomically), then forces the folder entry.
     */
    public static void commit(Path temp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceFolder(target.toAbsolutePath().getParent());
    }

    /** Makes a rename in {@code dir} durable; file systems that cannot open a folder skip it. */
    private static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the move itself is still atomic.
        }
    }
}
