package dev.edgeperf.coordinator.app;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * An exclusive lock on a coordinator's data folder, held for the life of the process. Two
 * coordinators on one folder would share the H2 file (AUTO_SERVER lets the second in) and the second
 * one's restart clean-up would flip the first one's live agents to disconnected.
 *
 * <p>The lock is an OS file lock on {@code <dataDir>/coordinator.lock}, so it goes away with the
 * process however it ends (kill -9 included) and no stale lock needs cleaning. The file holds one
 * line naming the holder (pid, host, ports, start time) for the refusal message; the file itself is
 * left in place on release, since deleting it would race with a coordinator that is just opening it.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE_NAME = "coordinator.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Instant started;

    private DataDirLock(Path file, FileChannel channel, FileLock lock, Instant started) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.started = started;
    }

    /**
     * Takes the lock and writes a first description (ports still unknown).
     *
     * @throws EdgeperfException USER_ERROR naming the holder when another process (or another
     *                           runtime in this JVM) holds the folder; EXTERNAL when the folder cannot be written
     */
    public static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot create lock file " + file + " in the data folder: "
                    + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already (a second runtime started in-process)
        } catch (IOException e) {
            closeQuietly(channel);
            throw EdgeperfException.external("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw EdgeperfException.userError("data folder " + dataDir + " is in use by another coordinator ("
                    + holder(file) + "); stop it or pass another --data-dir");
        }
        DataDirLock held = new DataDirLock(file, channel, lock, Instant.now());
        held.describe(null, null);
        return held;
    }

    /** Rewrites the holder line once the ports are bound; null = not known yet. */
    public void describe(String grpcAddress, String httpAddress) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        String line = "pid " + ProcessHandle.current().pid() + " on " + host
                + (grpcAddress == null ? ", still starting" : ", grpc " + grpcAddress + ", http " + httpAddress)
                + ", started " + started + "\n";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            // the lock still holds; only the refusal message of a second coordinator gets vaguer
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock (also released by the OS when the process ends). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown, lock file " + file : text;
        } catch (IOException e) {
            return "holder unknown, lock file " + file;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            Objects.requireNonNull(channel).close();
        } catch (IOException ignored) {
            // nothing was written through it that needs flushing
        }
    }
}
