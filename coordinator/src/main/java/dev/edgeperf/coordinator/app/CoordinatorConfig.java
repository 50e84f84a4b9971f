package dev.edgeperf.coordinator.app;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a coordinator process listens on and where it keeps its data.
 *
 * @param grpcPort 0 = any free port
 * @param httpPort 0 = any free port
 * @param jdbcUrl  empty = embedded H2 under {@code dataDir}
 */
public record CoordinatorConfig(String bindHost, int grpcPort, int httpPort, Path dataDir, Optional<String> jdbcUrl) {
    public CoordinatorConfig {
        Objects.requireNonNull(bindHost, "bindHost is null");
        dataDir = Objects.requireNonNull(dataDir, "dataDir is null").toAbsolutePath().normalize();
        Objects.requireNonNull(jdbcUrl, "jdbcUrl is null");
    }
}
