package dev.edgeperf.coordinator;

import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Path;
import java.util.regex.Matcher;

/**
 * A coordinator process and one connected agent process named "it-agent-1", both writing their logs into
 * {@code tmp} (coordinator.log, agent-1.log).
 *
 * @param grpc    host:port of the coordinator's gRPC server
 * @param jdbc    JDBC URL of its H2 store (AUTO_SERVER, readable while the coordinator holds it)
 * @param dataDir its data dir (the CLI's --data-dir)
 */
record OneAgent(String grpc, String jdbc, Path dataDir) {
    static OneAgent start(Processes processes, Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        String jdbc = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "it-agent-1",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve("agent-1").toString()),
                tmp.resolve("agent-1.log"));
        CampaignEndToEndIT.awaitConnectedAgents(jdbc, 1);
        return new OneAgent(grpc, jdbc, dataDir);
    }
}
