package dev.edgeperf.coordinator;

import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;

/**
 * A coordinator process and one connected agent process named "it-agent" whose device profile was
 * calibrated elsewhere: the roofline predicts from it, and it is stale here.
 *
 * @param grpc    host:port of the coordinator's gRPC server
 * @param http    base URL of its HTTP API
 * @param dataDir its data dir (the CLI's --data-dir)
 */
record OneProfiledAgent(String grpc, String http, Path dataDir) {
    static OneProfiledAgent start(Processes processes, Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        Path agentDir = Files.createDirectories(tmp.resolve("agent"));
        Files.writeString(agentDir.resolve("calibration.json"), "{\"matmulGflops\": 20, \"convGflops\": 15,"
                + " \"memoryGbPerS\": 5, \"callOverheadUs\": 30, \"nodeOverheadUs\": 2, \"threads\": 1,"
                + " \"measuredUnixMs\": 1, \"hardwareFingerprint\": \"fp-elsewhere\"}");
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "it-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", agentDir.toString()),
                tmp.resolve("agent.log"));
        CampaignEndToEndIT.awaitConnectedAgents("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf")
                + ";AUTO_SERVER=TRUE", 1);
        return new OneProfiledAgent(grpc, "http://127.0.0.1:" + listening.group(2), dataDir);
    }
}
