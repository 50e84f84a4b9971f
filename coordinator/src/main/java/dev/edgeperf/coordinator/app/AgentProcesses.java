package dev.edgeperf.coordinator.app;

import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Agent processes started by {@code demo}: one JVM each, output to a log file, stopped on close. */
public final class AgentProcesses implements AutoCloseable {
    /** System property naming the agent jar. */
    public static final String JAR_PROPERTY = "edgeperf.agentJar";
    /** Environment variable naming the agent jar. */
    public static final String JAR_ENV = "EDGEPERF_AGENT_JAR";

    private record Started(String name, Process process, Path log) {
    }

    private final Path agentJar;
    private final List<Started> started = new ArrayList<>();

    public AgentProcesses(Path agentJar) {
        if (!Files.isRegularFile(agentJar)) {
            throw EdgeperfException.userError("agent jar " + agentJar + " does not exist; build it with"
                    + " 'mvn -DskipTests package' or point -D" + JAR_PROPERTY + " / " + JAR_ENV + " at it");
        }
        this.agentJar = agentJar.toAbsolutePath();
    }

    /** The agent jar: -Dedgeperf.agentJar, $EDGEPERF_AGENT_JAR, or the reactor's agent/target next to this jar. */
    public static Path resolveAgentJar() {
        String property = System.getProperty(JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(JAR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            Path self = Path.of(AgentProcesses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // coordinator/target/edgeperf-coordinator.jar (or coordinator/target/classes) -> agent/target
            return self.getParent().resolve("../../agent/target/edgeperf-agent.jar").normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("agent/target/edgeperf-agent.jar").toAbsolutePath();
        }
    }

    /** Starts {@code java -jar <agent jar> run ...} for one agent; output goes to {@code log}. */
    public void start(String name, String coordinator, Path tokenFile, Path workDir, Path log) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-jar", agentJar.toString(), "run", "--coordinator",
                coordinator, "--name", name, "--token-file", tokenFile.toString(), "--work-dir", workDir.toString());
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            started.add(new Started(name, process, log));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot start agent '" + name + "' (" + String.join(" ", command)
                    + "): " + e.getMessage(), e);
        }
    }

    /** The first started agent that has already exited, described with its exit code and log. */
    public Optional<String> exited() {
        for (Started s : started) {
            if (!s.process().isAlive()) {
                return Optional.of("agent '" + s.name() + "' exited with code " + s.process().exitValue()
                        + "; see its log " + s.log());
            }
        }
        return Optional.empty();
    }

    /** Log files of all agents, for error messages. */
    public List<Path> logs() {
        return started.stream().map(Started::log).toList();
    }

    /** Asks every agent to stop (SIGTERM), waits up to 5 s each, then kills what is left. */
    @Override
    public synchronized void close() {
        for (Started s : started) {
            s.process().destroy();
        }
        for (Started s : started) {
            try {
                if (!s.process().waitFor(5, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                s.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }
}
