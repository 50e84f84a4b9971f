package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.app.JoinToken;
import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the coordinator is and which join token to present. Each flag falls back to an environment
 * variable ({@code EDGEPERF_COORDINATOR}, {@code EDGEPERF_TOKEN_FILE}, {@code EDGEPERF_DATA_DIR}), so a
 * shell that exports them once need not repeat them on every call.
 */
final class ConnectionOptions {
    static final String COORDINATOR_ENV = "EDGEPERF_COORDINATOR";
    static final String TOKEN_FILE_ENV = "EDGEPERF_TOKEN_FILE";
    static final String DATA_DIR_ENV = "EDGEPERF_DATA_DIR";

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", defaultValue = "${env:EDGEPERF_COORDINATOR:-127.0.0.1:7700}",
            description = "Coordinator gRPC address (default: $EDGEPERF_COORDINATOR, else 127.0.0.1:7700).")
    String coordinator;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:EDGEPERF_TOKEN_FILE}",
            description = "Join token file (default: $EDGEPERF_TOKEN_FILE, else DIR/join-token of --data-dir).")
    Path tokenFile;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:EDGEPERF_DATA_DIR:-./edgeperf-data}",
            description = "Coordinator data folder, used to find the join token (default: $EDGEPERF_DATA_DIR,"
                    + " else ./edgeperf-data).")
    Path dataDir;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Talk TLS to the coordinator, trusting this CA/self-signed certificate.")
    Path tlsCa;

    Path tokenFile() {
        return tokenFile != null ? tokenFile : dataDir.resolve(JoinToken.FILE_NAME);
    }

    /** Where {@link #tokenFile()} came from, for the error when it is missing. */
    private String tokenSource() {
        if (tokenFile != null) {
            return tokenFile.toString().equals(System.getenv(TOKEN_FILE_ENV)) ? "$" + TOKEN_FILE_ENV : "--token-file";
        }
        String env = System.getenv(DATA_DIR_ENV);
        return "join-token in " + (dataDir.toString().equals(env) ? "$" + DATA_DIR_ENV : "--data-dir") + " "
                + dataDir;
    }

    /**
     * @throws EdgeperfException USER_ERROR saying where the token was looked for and how to pass one
     */
    String token() {
        Path file = tokenFile();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw EdgeperfException.userError("no readable join token at " + file.toAbsolutePath().normalize() + " (from "
                    + tokenSource() + "); pass --token-file FILE or set " + TOKEN_FILE_ENV + ", or point --data-dir / "
                    + DATA_DIR_ENV + " at the coordinator's data folder (edgeperf serve writes DIR/join-token)");
        }
        return JoinToken.read(file);
    }

    CoordinatorClient connect() {
        return CoordinatorClient.connect(coordinator, token(), tokenFile(), tlsCa);
    }
}
