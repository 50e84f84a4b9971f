package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.app.StopSignals;
import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf serve}: runs the coordinator until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the coordinator: gRPC for agents and the CLI, HTTP for the dashboard.",
        footer = {"%nExamples:", "  edgeperf serve --data-dir /var/lib/edgeperf",
            "  edgeperf serve --bind 0.0.0.0 --grpc-port=7700 --tls-cert cert.pem --tls-key key.pem",
            "  edgeperf serve --bind 0.0.0.0 --http-bind 0.0.0.0 --tls-cert cert.pem --tls-key key.pem --http-tls"})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "Database URL (default: embedded H2 file under the data folder).")
    String db;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve gRPC over TLS with this certificate chain (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "PKCS#8 PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--http-tls",
            description = "Serve the dashboard and API over HTTPS with the --tls-cert/--tls-key certificate.")
    boolean httpTls;

    @Option(names = "--viewer-token-file", paramLabel = "FILE",
            description = "Token the dashboard and API require (mode 0600; 'Authorization: Bearer TOKEN', or basic"
                    + " auth with the token as password). Default: none on a loopback --http-bind, else"
                    + " <data-dir>/viewer-token, made on first start.")
    Path viewerTokenFile;

    @Option(names = "--lease-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "An agent silent this long loses its job, which is queued again (default: ${DEFAULT-VALUE}).")
    Duration leaseTimeout;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
            description = "Attempts a job gets when its agents disappear, then it fails (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--share-hosts",
            description = "Let agents on one host measure at the same time (default: one job per host, judged by"
                    + " the agents' hostname and hardware fingerprint, so measurements never share a board).")
    boolean shareHosts;

    @Option(names = "--profile-max-age", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "An agent's device profile calibrated or refreshed longer ago than this is stale, and so"
                    + " are its jobs' predictions; 0s = never by age (default: ${DEFAULT-VALUE}).")
    Duration profileMaxAge;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        server.validate();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw EdgeperfException.userError("--tls-cert and --tls-key go together; got only "
                    + (tlsCert != null ? "--tls-cert" : "--tls-key"));
        }
        if (httpTls && tlsCert == null) {
            throw EdgeperfException.userError("--http-tls serves the dashboard with the gRPC certificate; give"
                    + " --tls-cert and --tls-key too");
        }
        SchedulerSettings scheduler;
        try {
            scheduler = new SchedulerSettings(leaseTimeout, maxAttempts, shareHosts, profileMaxAge);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError(e.getMessage());
        }
        CoordinatorRuntime runtime = CoordinatorRuntime.start(
                new CoordinatorConfig(server.bind, server.httpBind, server.grpcPort, server.httpPort, server.dataDir,
                        Optional.ofNullable(db), scheduler, tlsCert == null ? Optional.empty()
                        : Optional.of(new CoordinatorConfig.Tls(tlsCert, tlsKey)),
                        new CoordinatorConfig.Dashboard(Optional.ofNullable(viewerTokenFile), httpTls)));
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "edgeperf-shutdown"));
        StopSignals.install(runtime::close); // stops in order; blockUntilShutdown then returns and we exit 0
        spec.commandLine().getOut().println(runtime.listeningLine());
        runtime.viewerTokenFile().ifPresent(file -> spec.commandLine().getOut().println("dashboard and API need"
                + " the viewer token in " + file + " (Authorization: Bearer TOKEN, or any user name with the token"
                + " as password)"));
        spec.commandLine().getOut().flush();
        runtime.blockUntilShutdown();
        return 0;
    }

    /** Listening addresses and the data folder, shared with {@code demo}. */
    static final class ServerOptions {
        @Option(names = "--grpc-port", paramLabel = "PORT", defaultValue = "7700",
                description = "gRPC port, 0-65535, 0 = any free port (default: ${DEFAULT-VALUE}).")
        int grpcPort;

        @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "7780",
                description = "HTTP port, 0-65535, 0 = any free port (default: ${DEFAULT-VALUE}).")
        int httpPort;

        @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address gRPC listens on; agents on other"
                + " machines need e.g. 0.0.0.0 (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--http-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address the dashboard and JSON API"
                + " listen on, independent of --bind (default: ${DEFAULT-VALUE}).")
        String httpBind;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:EDGEPERF_DATA_DIR:-./edgeperf-data}",
                description = "Database, artifacts, join token and logs; one coordinator at a time"
                        + " (default: $EDGEPERF_DATA_DIR, else ./edgeperf-data).")
        Path dataDir;

        /** @throws EdgeperfException USER_ERROR naming the flag, its value and the range */
        void validate() {
            checkPort("--grpc-port", grpcPort);
            checkPort("--http-port", httpPort);
        }

        private static void checkPort(String flag, int port) {
            if (port < 0 || port > 65535) {
                throw EdgeperfException.userError(flag + " must be between 0 and 65535 (0 = any free port), got '"
                        + port + "'");
            }
        }
    }
}
