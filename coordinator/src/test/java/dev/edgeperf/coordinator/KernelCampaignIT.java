package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel predictor in a real campaign: an agent process calibrated by {@code agent calibrate
 * --quick} (kernel samples included) connects, a campaign of mnist-cnn baseline and int8-static runs
 * through the packaged jars, and every row carries a kernel prediction made at lease time, which
 * {@code campaign analyze} judges like the other predictors.
 */
class KernelCampaignIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void everyRowOfACalibratedAgentHasAKernelPrediction() throws Exception {
        Path agentDir = Files.createDirectories(tmp.resolve("agent"));
        Processes.Outcome calibrate = processes.run(Processes.javaJar(Processes.agentJar(), "calibrate", "--quick",
                "--threads", "1", "--kernel-threads", "1", "--work-dir", agentDir.toString()), tmp, Duration.ofMinutes(3));
        assertThat(calibrate.exitCode()).as(calibrate.stderr()).isZero();
        assertThat(calibrate.stdout()).containsPattern("kernels +\\[\\d+\\] samples at threads \\[1\\]");

        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        String jdbc = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";
        // the agent refreshes its profile before joining, so the coordinator predicts with today's drift, and
        // again every 15 s while it serves (rejoining with it), here in the middle of the campaign
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "k-agent",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", agentDir.toString(),
                "--refresh-calibration", "4s", "--refresh-every", "15s"), tmp.resolve("agent.log"));
        CampaignEndToEndIT.awaitConnectedAgents(jdbc, 1);
        long joinedWith = profileMeasuredMs(jdbc);

        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(5),
                "campaign", "run", "--model", "mnist-cnn", "--variant", "baseline,quantized:int8-static", "--batch",
                "1,4", "--threads", "1", "--json", "--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "10",
                "--max-duration-ms", "1000", "--timeout", "4m");
        assertThat(run.exitCode()).as("campaign run: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("agent.log"))).isZero();
        String id = JSON.readTree(run.stdout()).get("campaignId").asText();

        Processes.Outcome export = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "export", id, "--format", "json");
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        JsonNode rows = JSON.readTree(export.stdout()).get("rows");
        assertThat(rows).hasSize(4);
        Map<String, String> bases = kernelBases(jdbc);
        for (JsonNode row : rows) {
            String job = row.get("jobId").asText();
            assertThat(row.get("state").asText()).isEqualTo("done");
            assertThat(row.get("predictedKernelMs").asDouble()).as("row %s, basis %s", row, bases.get(job))
                    .isPositive();
            // the calibration covers every kernel these variants run, int8 ones included
            assertThat(bases.get(job)).as(row.get("variantRecipe").asText()).startsWith("sum of ")
                    .doesNotContain("not predicted")
                    .contains("; refreshed: each type scaled by its drift since calibration, median x");
            assertThat(row.get("recommendedPredictor").asText()).isEqualTo("kernel");
        }

        Processes.Outcome analyze = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(2),
                "campaign", "analyze", id, "--json");
        assertThat(analyze.exitCode()).as(analyze.stderr()).isZero();
        Map<String, Integer> cells = new HashMap<>();
        JSON.readTree(analyze.stdout()).get("byDevice").forEach(s -> cells.put(s.get("predictor").asText(),
                s.get("cells").asInt()));
        assertThat(cells).containsEntry("kernel", 4);

        // the periodic refresh reached the coordinator: a newer profile stored, by a rejoin, not a lost stream
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (profileMeasuredMs(jdbc) <= joinedWith && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        String agentLog = Files.readString(tmp.resolve("agent.log"));
        assertThat(profileMeasuredMs(jdbc)).as(agentLog).isGreaterThan(joinedWith);
        assertThat(agentLog).contains("joining coordinator " + grpc + " again to send the refreshed device profile")
                .doesNotContain("lost connection").doesNotContain("refused agent");
        assertThat(Files.readString(tmp.resolve("coordinator.log"))).doesNotContain("already connected");
    }

    /** When the stored profile of the one agent was measured (or last refreshed). */
    private static long profileMeasuredMs(String jdbc) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             PreparedStatement st = c.prepareStatement("SELECT calib_measured_ms FROM agents WHERE name = ?")) {
            st.setString(1, "k-agent");
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** job id -> the basis of its kernel prediction, as stored with the lease. */
    private static Map<String, String> kernelBases(String jdbc) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             PreparedStatement st = c.prepareStatement("SELECT job_id, basis FROM job_predictions WHERE predictor = ?")) {
            st.setString(1, "kernel");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
