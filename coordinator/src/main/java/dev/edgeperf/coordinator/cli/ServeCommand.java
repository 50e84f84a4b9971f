package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf serve}: runs the coordinator until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the coordinator: gRPC for agents and the CLI, HTTP for the dashboard.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "Database URL (default: embedded H2 file under the data folder).")
    String db;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        CoordinatorRuntime runtime = CoordinatorRuntime.start(
                new CoordinatorConfig(server.bind, server.grpcPort, server.httpPort, server.dataDir,
                        Optional.ofNullable(db)));
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "edgeperf-shutdown"));
        spec.commandLine().getOut().println(runtime.listeningLine());
        spec.commandLine().getOut().flush();
        runtime.blockUntilShutdown();
        return 0;
    }

    /** Listening addresses and the data folder, shared with {@code demo}. */
    static final class ServerOptions {
        @Option(names = "--grpc-port", defaultValue = "7700", description = "gRPC port, 0 = any free (default: ${DEFAULT-VALUE}).")
        int grpcPort;

        @Option(names = "--http-port", defaultValue = "7780", description = "HTTP port, 0 = any free (default: ${DEFAULT-VALUE}).")
        int httpPort;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./edgeperf-data",
                description = "Database, artifacts, join token and logs (default: ${DEFAULT-VALUE}).")
        Path dataDir;
    }
}
