package dev.edgeperf.agent.net;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.proto.JobResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results that the coordinator has not acknowledged yet, one file {@code <jobId>-<attempt>.pb} each,
 * written (synced, then renamed into place) before the result is sent and deleted on its ack. A job
 * id that is not a plain token (letters, digits, '.', '_', '-') is replaced by a hash in the file
 * name, so network strings never steer paths.
 */
public final class ResultSpool {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSpool.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private final Path dir;

    public ResultSpool(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir is null");
    }

    /** The spool file for a job attempt. */
    public Path fileFor(String jobId, int attempt) {
        String id = SAFE_ID.matcher(jobId).matches() ? jobId : "job-" + Digests.sha256Hex(jobId).substring(0, 16);
        return dir.resolve(id + "-" + attempt + ".pb");
    }

    /** Durably stores {@code result}; returns its file. */
    public Path write(JobResult result) {
        Path target = fileFor(result.getJobId(), result.getAttempt());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(target, result.toByteArray());
            return target;
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write result spool " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the acknowledged result; false when there was none. */
    public boolean delete(String jobId, int attempt) {
        try {
            return Files.deleteIfExists(fileFor(jobId, attempt));
        } catch (IOException e) {
            LOG.warn("cannot delete acknowledged result {}: {}", fileFor(jobId, attempt), e.getMessage());
            return false;
        }
    }

    public boolean contains(String jobId, int attempt) {
        return Files.isRegularFile(fileFor(jobId, attempt));
    }

    /** The spooled result of a job attempt, if there is a readable one. */
    public java.util.Optional<JobResult> read(String jobId, int attempt) {
        try {
            return java.util.Optional.of(JobResult.parseFrom(Files.readAllBytes(fileFor(jobId, attempt))));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Every spooled result, oldest file name first; unreadable files are logged and skipped. */
    public List<JobResult> pending() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.pb")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            LOG.warn("cannot list result spool {}: {}", dir, e.getMessage());
            return List.of();
        }
        files.sort(null);
        List<JobResult> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.add(JobResult.parseFrom(Files.readAllBytes(f)));
            } catch (InvalidProtocolBufferException e) {
                LOG.warn("skipping corrupt spooled result {}: {}", f, e.getMessage());
            } catch (IOException e) {
                LOG.warn("cannot read spooled result {}: {}", f, e.getMessage());
            }
        }
        return out;
    }
}
