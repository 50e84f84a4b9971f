package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.app.JoinToken;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the coordinator is and which join token to present. */
final class ConnectionOptions {
    @Option(names = "--coordinator", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7700",
            description = "Coordinator gRPC address (default: ${DEFAULT-VALUE}).")
    String coordinator;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Join token file (default: <data-dir>/join-token).")
    Path tokenFile;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./edgeperf-data",
            description = "Coordinator data folder, used to find the join token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Talk TLS to the coordinator, trusting this CA/self-signed certificate.")
    Path tlsCa;

    Path tokenFile() {
        return tokenFile != null ? tokenFile : dataDir.resolve(JoinToken.FILE_NAME);
    }

    CoordinatorClient connect() {
        return CoordinatorClient.connect(coordinator, JoinToken.read(tokenFile()), tokenFile(), tlsCa);
    }
}
