package dev.edgeperf.agent.measure;

import com.google.protobuf.ByteString;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.JobResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures each request in a fresh worker JVM (as JMH forks): the same {@code java} (behind the
 * emulator prefix of {@link WorkerLauncher}, if any) and class path as this JVM, main class {@link WorkerMain}, files in a scratch directory ({@link WorkerFiles}). A
 * native crash, an out-of-memory kill or a hang fails only that request, with the exit code, the
 * signal and the worker's last stderr line in the reason; the worker's peak RSS is the job's own.
 */
public final class ForkedRunner implements MeasurementRunner {
    /** Time a worker may take beyond the maximum duration (JVM start, session creation, end-to-end phase). */
    static final long GRACE_MS = 180_000;
    private static final int STDERR_LINES = 20;

    private final Path scratch;
    private final int defaultThreads;
    private final String mainClass;
    private final List<String> jvmOptions;
    private final List<String> javaCommand;

    /**
     * @param scratch        where job directories are created (and deleted after each job)
     * @param defaultThreads what the engine's default thread count resolves to, as in {@link InferenceRunner}
     */
    public ForkedRunner(Path scratch, int defaultThreads) {
        this(scratch, defaultThreads, WorkerMain.class.getName(), inheritedOptions());
    }

    /**
     * What a worker inherits: the natives folder of {@link OrtNatives#install}, so it extracts nothing,
     * and a local core library of {@link OrtNatives#useLocal}, so it runs the same build.
     */
    static List<String> inheritedOptions() {
        List<String> options = new java.util.ArrayList<>();
        for (String property : List.of(OrtNatives.PROPERTY, OrtNatives.CORE_PROPERTY, OrtNatives.JNI_PROPERTY)) {
            String value = System.getProperty(property);
            if (value != null) {
                options.add("-D" + property + "=" + value);
            }
        }
        return List.copyOf(options);
    }

    ForkedRunner(Path scratch, int defaultThreads, String mainClass, List<String> jvmOptions) {
        this(scratch, defaultThreads, mainClass, jvmOptions, WorkerLauncher.javaCommand());
    }

    /** @param javaCommand the worker's {@code java} and what goes before it, from {@link WorkerLauncher} */
    ForkedRunner(Path scratch, int defaultThreads, String mainClass, List<String> jvmOptions, List<String> javaCommand) {
        this.javaCommand = List.copyOf(javaCommand);
        this.scratch = Objects.requireNonNull(scratch, "scratch is null");
        this.defaultThreads = defaultThreads;
        this.mainClass = Objects.requireNonNull(mainClass, "mainClass is null");
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public MeasurementResult measure(MeasurementRequest request, ProgressListener progress) {
        String file = request.model().getFileName().toString();
        Path dir = null;
        try {
            Files.createDirectories(scratch);
            dir = Files.createTempDirectory(scratch, "job-");
            WorkerFiles.writeRequest(dir, request, defaultThreads);
            return runWorker(dir, request, file, progress);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot run a measurement worker for " + file + " in " + scratch + ": "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private MeasurementResult runWorker(Path dir, MeasurementRequest request, String file, ProgressListener progress)
            throws IOException {
        List<String> command = new ArrayList<>(javaCommand);
        command.addAll(jvmOptions);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-cp");
        command.add(absoluteClassPath(System.getProperty("java.class.path", "")));
        command.add(mainClass);
        command.add(dir.toString());
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).start();
        } catch (IOException e) {
            throw WorkerLauncher.cannotStart(javaCommand, file, e);
        }
        Deque<String> stderr = new ArrayDeque<>();
        Thread errReader = pump(p.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.addLast(line);
                if (stderr.size() > STDERR_LINES) {
                    stderr.removeFirst();
                }
            }
        });
        Thread outReader = pump(p.getInputStream(), line -> onStdout(line, progress));
        long limitMs = request.settings().maxDurationMs() * 2 + GRACE_MS;
        boolean finished;
        try {
            finished = p.waitFor(limitMs, TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            errReader.join(2_000);
            outReader.join(2_000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw EdgeperfException.external("measurement of " + file + " was interrupted", e);
        }
        String lastErr;
        synchronized (stderr) {
            lastErr = stderr.isEmpty() ? "" : stderr.peekLast();
        }
        if (!finished) {
            throw EdgeperfException.external("measurement worker for " + file + " did not finish within "
                    + limitMs / 1000 + " s and was killed" + suffix(lastErr), null);
        }
        int code = p.exitValue();
        Path result = dir.resolve(WorkerFiles.RESULT);
        if (code == 0 && Files.isRegularFile(result)) {
            JobResult r = JobResult.parseFrom(Files.readAllBytes(result));
            Path e2e = dir.resolve(WorkerFiles.END_TO_END);
            ByteString e2eBytes = Files.isRegularFile(e2e) ? ByteString.copyFrom(Files.readAllBytes(e2e)) : ByteString.EMPTY;
            return MeasurementResultProto.fromProto(r, e2eBytes);
        }
        Path failure = dir.resolve(WorkerFiles.FAILURE);
        if (Files.isRegularFile(failure)) {
            String text = Files.readString(failure, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            ErrorCategory category = ErrorCategory.INTERNAL;
            try {
                category = ErrorCategory.valueOf(text.substring(0, Math.max(0, nl)).trim());
            } catch (IllegalArgumentException e) {
                // an unknown category stays INTERNAL
            }
            throw new EdgeperfException(category, nl >= 0 ? text.substring(nl + 1).trim() : text.trim());
        }
        throw crash(file, code, lastErr);
    }

    /** The class path with every entry absolute: the worker runs in the job directory. */
    static String absoluteClassPath(String classPath) {
        List<String> out = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                out.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    /** The failure for a worker that exited without a result or a failure file. */
    static EdgeperfException crash(String file, int code, String lastStderr) {
        String how;
        ErrorCategory category = ErrorCategory.EXTERNAL;
        if (code > 128 && code < 128 + 65) {
            int signal = code - 128;
            how = "was killed by signal " + signal + " (" + signalName(signal) + ")";
            if (signal == 9) {
                how += ", probably out of memory";
                category = ErrorCategory.INSUFFICIENT_RESOURCES;
            }
        } else if (code == 3) {
            // -XX:+ExitOnOutOfMemoryError exits with 3
            how = "ran out of Java heap (exit code 3)";
            category = ErrorCategory.INSUFFICIENT_RESOURCES;
        } else {
            how = "exited with code " + code + " without a result";
        }
        return new EdgeperfException(category, "measurement worker for " + file + " " + how + suffix(lastStderr));
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }

    private static String suffix(String lastStderr) {
        String line = lastStderr == null ? "" : lastStderr.replaceAll("\\p{Cntrl}+", " ").trim();
        if (line.length() > 300) {
            line = line.substring(0, 300) + "...";
        }
        return line.isEmpty() ? "" : "; last stderr line: " + line;
    }

    private static void onStdout(String line, ProgressListener progress) {
        if (!line.startsWith(WorkerFiles.PROGRESS_PREFIX + " ")) {
            return;
        }
        String[] f = line.split(" ");
        try {
            progress.onProgress(Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (RuntimeException e) {
            // a malformed progress line only costs a progress update
        }
    }

    private static Thread pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the worker went away; its exit code tells the story
            }
        }, "edgeperf-worker-io");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leftover scratch files are harmless
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
