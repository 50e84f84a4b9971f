package dev.edgeperf.agent.net;

import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.proto.Calibration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the agent needs to serve a coordinator.
 *
 * @param name           unique agent name in the fleet
 * @param target         "HOST:PORT" of the coordinator, for messages
 * @param token          the join token (never printed: {@link #toString()} hides it)
 * @param tokenFile      where the token came from, for messages
 * @param workDir        holds {@code cache/} (artifacts by digest) and {@code spool/} (unacknowledged results)
 * @param connectTimeout how long the first connection may keep failing before the agent gives up
 * @param fetchTimeout   deadline of one artifact download
 * @param calibration    figures from {@code agent calibrate}, sent in the hello; empty = never calibrated
 */
public record AgentConfig(String name, String target, String token, Path tokenFile, Path workDir,
                          Map<String, String> labels, Duration connectTimeout, Duration fetchTimeout,
                          HardwareInfo hardware, String agentVersion, String engineVersion,
                          Optional<Calibration> calibration) {
    /** Default {@link #fetchTimeout()}: a 550 MB VGG-16 over a slow link still fits. */
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(10);

    public AgentConfig {
        Objects.requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        Objects.requireNonNull(target, "target is null");
        Objects.requireNonNull(token, "token is null");
        Objects.requireNonNull(tokenFile, "tokenFile is null");
        Objects.requireNonNull(workDir, "workDir is null");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(connectTimeout, "connectTimeout is null");
        Objects.requireNonNull(fetchTimeout, "fetchTimeout is null");
        Objects.requireNonNull(hardware, "hardware is null");
        Objects.requireNonNull(agentVersion, "agentVersion is null");
        Objects.requireNonNull(engineVersion, "engineVersion is null");
        Objects.requireNonNull(calibration, "calibration is null");
    }

    /** A configuration without calibration figures. */
    public AgentConfig(String name, String target, String token, Path tokenFile, Path workDir,
                       Map<String, String> labels, Duration connectTimeout, Duration fetchTimeout,
                       HardwareInfo hardware, String agentVersion, String engineVersion) {
        this(name, target, token, tokenFile, workDir, labels, connectTimeout, fetchTimeout, hardware, agentVersion,
                engineVersion, Optional.empty());
    }

    @Override
    public String toString() {
        return "AgentConfig[name=" + name + ", target=" + target + ", tokenFile=" + tokenFile + ", workDir=" + workDir
                + ", labels=" + labels + ", connectTimeout=" + connectTimeout + "]";
    }
}
