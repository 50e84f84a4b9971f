package dev.edgeperf.coordinator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Real processes for integration tests: the packaged jars, output captured, all killed on close. */
public final class Processes implements AutoCloseable {
    public static final Pattern LISTENING = Pattern.compile(
            "edgeperf coordinator listening: grpc=127\\.0\\.0\\.1:(\\d+) http=http://127\\.0\\.0\\.1:(\\d+)/ data-dir=(.+)");

    private final List<Process> started = new ArrayList<>();
    private Process lastCoordinator;

    /** Finished process: exit code and captured stdout/stderr. */
    public record Outcome(int exitCode, String stdout, String stderr) {
    }

    public static Path repoRoot() {
        String root = System.getProperty("edgeperf.repoRoot");
        Path path = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return path.toAbsolutePath().normalize();
    }

    public static Path coordinatorJar() {
        return repoRoot().resolve("coordinator/target/edgeperf-coordinator.jar");
    }

    /**
     * The packaged agent. The coordinator module does not depend on the agent module, so under
     * {@code mvn -fae verify} a failing agent test leaves no jar while these tests still run: say so
     * once, instead of every agent-driven test timing out on an agent that never started.
     */
    public static Path agentJar() {
        Path jar = repoRoot().resolve("agent/target/edgeperf-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: the agent module was not packaged (in a full build its"
                    + " tests failed; see above), or build it first: mvn -pl coordinator,agent -am verify");
        }
        return jar;
    }

    public static List<String> javaJar(Path jar, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a process whose stdout and stderr both go to {@code log}. */
    public Process start(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        started.add(process);
        return process;
    }

    /**
     * Runs the coordinator CLI against a running coordinator ({@code --coordinator grpc --data-dir
     * dataDir} appended, so the token is found), in {@code workDir}, killed after {@code timeout}.
     */
    public Outcome coordinatorCli(String grpc, Path dataDir, Path workDir, Duration timeout, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--coordinator", grpc, "--data-dir", dataDir.toString()));
        return run(javaJar(coordinatorJar(), command.toArray(String[]::new)), workDir, timeout);
    }

    /** Runs a process to completion (or kills it after {@code timeout}) and returns its output. */
    public Outcome run(List<String> command, Path dir, Duration timeout) throws Exception {
        return run(command, dir, timeout, java.util.Map.of());
    }

    /** As {@link #run(List, Path, Duration)}, with {@code env} added to (or replacing in) this JVM's environment. */
    public Outcome run(List<String> command, Path dir, Duration timeout, java.util.Map<String, String> env)
            throws Exception {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("timed out after " + timeout + ": " + command + "\nstderr: "
                    + Files.readString(err));
        }
        return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Starts {@code serve} on free ports and waits for its listening line.
     *
     * @return the matcher of {@link #LISTENING} (group 1 = gRPC port, 2 = HTTP port, 3 = data dir)
     */
    public Matcher startCoordinator(Path dataDir, Path log, String... extra) throws Exception {
        return startCoordinatorWithHeap("512m", dataDir, log, extra);
    }

    /** As {@link #startCoordinator}, the coordinator's JVM at {@code -Xmx<heap>} (e.g. {@code 1g}). */
    public Matcher startCoordinatorWithHeap(String heap, Path dataDir, Path log, String... extra) throws Exception {
        List<String> command = javaJar(coordinatorJar(), "serve", "--http-port", "0", "--data-dir",
                dataDir.toString());
        command.set(1, "-Xmx" + heap);
        if (!List.of(extra).contains("--grpc-port")) {
            command.addAll(List.of("--grpc-port", "0"));
        }
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        started.add(process);
        lastCoordinator = process;
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            String line = stdout.readLine();
            if (line == null) {
                throw new AssertionError("coordinator exited before listening:\n" + Files.readString(log));
            }
            Matcher m = LISTENING.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
        throw new AssertionError("no listening line within 90 s:\n" + Files.readString(log));
    }

    /** The process of the latest {@link #startCoordinator} (e.g. to kill -9 it). */
    public Process lastCoordinator() {
        return lastCoordinator;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
    }
}
