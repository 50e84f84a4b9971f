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
 * @param cacheMaxBytes  size limit of the artifact cache in bytes, > 0 (see {@link ArtifactCache})
 * @param tlsCa          the PEM file the channel trusts, for messages; empty = plaintext
 */
public record AgentConfig(String name, String target, String token, Path tokenFile, Path workDir,
                          Map<String, String> labels, Duration connectTimeout, Duration fetchTimeout,
                          HardwareInfo hardware, String agentVersion, String engineVersion,
                          Optional<Calibration> calibration, long cacheMaxBytes, Optional<Path> tlsCa) {
    /** Default {@link #fetchTimeout()}: a 550 MB VGG-16 over a slow link still fits. */
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(10);
    /** Default {@link #cacheMaxBytes()}: 2 GiB, a few large models on a 16 GB SD card. */
    public static final long DEFAULT_CACHE_MAX_BYTES = 2L << 30;

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
        if (cacheMaxBytes <= 0) {
            throw new IllegalArgumentException("cacheMaxBytes must be > 0, got " + cacheMaxBytes);
        }
        Objects.requireNonNull(tlsCa, "tlsCa is null");
    }

    /** A plaintext configuration without calibration figures, with the default cache limit. */
    public AgentConfig(String name, String target, String token, Path tokenFile, Path workDir,
                       Map<String, String> labels, Duration connectTimeout, Duration fetchTimeout,
                       HardwareInfo hardware, String agentVersion, String engineVersion) {
        this(name, target, token, tokenFile, workDir, labels, connectTimeout, fetchTimeout, hardware, agentVersion,
                engineVersion, Optional.empty(), DEFAULT_CACHE_MAX_BYTES, Optional.empty());
    }

    @Override
    public String toString() {
        return "AgentConfig[name=" + name + ", target=" + target + ", tokenFile=" + tokenFile + ", workDir=" + workDir
                + ", labels=" + labels + ", connectTimeout=" + connectTimeout + ", cacheMaxBytes=" + cacheMaxBytes
                + ", tlsCa=" + tlsCa.map(Path::toString).orElse("none") + "]";
    }
}
