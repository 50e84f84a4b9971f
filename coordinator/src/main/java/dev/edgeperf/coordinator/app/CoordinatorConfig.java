package dev.edgeperf.coordinator.app;

import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a coordinator process listens on, where it keeps its data, and its lease policy.
 *
 * @param bindHost      address gRPC listens on (agents on other machines need it reachable)
 * @param httpBindHost  address the dashboard listens on; 127.0.0.1 unless the operator opens it
 * @param grpcPort  0 = any free port
 * @param httpPort  0 = any free port
 * @param jdbcUrl   empty = embedded H2 under {@code dataDir}
 * @param tls       certificate chain and PKCS#8 private key (PEM) for gRPC; empty = plaintext
 * @param dashboard who may read the dashboard and whether it speaks HTTPS
 */
public record CoordinatorConfig(String bindHost, String httpBindHost, int grpcPort, int httpPort, Path dataDir, Optional<String> jdbcUrl,
                                SchedulerSettings scheduler, Optional<Tls> tls, Dashboard dashboard) {
    /**
     * Dashboard access. Off loopback a viewer token is always required: {@code viewerTokenFile} when
     * given (on loopback too), else {@code <data-dir>/viewer-token}, made on first start.
     *
     * @param https serve the dashboard over HTTPS with the gRPC certificate ({@link Tls})
     */
    public record Dashboard(Optional<Path> viewerTokenFile, boolean https) {
        public static final Dashboard DEFAULTS = new Dashboard(Optional.empty(), false);

        public Dashboard {
            Objects.requireNonNull(viewerTokenFile, "viewerTokenFile is null");
        }
    }

    /** PEM files for gRPC over TLS. */
    public record Tls(Path certChain, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certChain, "certChain is null");
            Objects.requireNonNull(privateKey, "privateKey is null");
        }
    }

    public CoordinatorConfig {
        Objects.requireNonNull(bindHost, "bindHost is null");
        Objects.requireNonNull(httpBindHost, "httpBindHost is null");
        dataDir = Objects.requireNonNull(dataDir, "dataDir is null").toAbsolutePath().normalize();
        Objects.requireNonNull(jdbcUrl, "jdbcUrl is null");
        Objects.requireNonNull(scheduler, "scheduler is null");
        Objects.requireNonNull(tls, "tls is null");
        Objects.requireNonNull(dashboard, "dashboard is null");
    }

    /** Default dashboard access: open on loopback, viewer token elsewhere, plain HTTP. */
    public CoordinatorConfig(String bindHost, String httpBindHost, int grpcPort, int httpPort, Path dataDir,
                             Optional<String> jdbcUrl, SchedulerSettings scheduler, Optional<Tls> tls) {
        this(bindHost, httpBindHost, grpcPort, httpPort, dataDir, jdbcUrl, scheduler, tls, Dashboard.DEFAULTS);
    }

    /** gRPC and HTTP on one address, plaintext gRPC and the default lease policy. */
    public CoordinatorConfig(String bindHost, int grpcPort, int httpPort, Path dataDir, Optional<String> jdbcUrl) {
        this(bindHost, bindHost, grpcPort, httpPort, dataDir, jdbcUrl, SchedulerSettings.DEFAULTS, Optional.empty());
    }
}
