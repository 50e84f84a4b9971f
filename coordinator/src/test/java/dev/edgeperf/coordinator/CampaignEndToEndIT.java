package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: the packaged coordinator jar, two packaged agent processes, the real CLI, then
 * the rows in H2 read over JDBC while the coordinator still holds the file (AUTO_SERVER).
 */
class CampaignEndToEndIT {
    /** The seed article's headline for mnist-cnn: 1.06 MFLOPs per sample. */
    static final double MNIST_MFLOPS_HEADLINE = 1.06;

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    @Test
    void campaignOnTwoAgentsStoresOneResultPerAgentAndBatch() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        assertThat(Path.of(listening.group(3))).isEqualTo(dataDir.toAbsolutePath());
        String jdbc = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";

        for (int i = 1; i <= 2; i++) {
            processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name",
                    "it-agent-" + i, "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                    tmp.resolve("agent-" + i).toString()), tmp.resolve("agent-" + i + ".log"));
        }
        awaitConnectedAgents(jdbc, 2);

        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1,8,32", "--json", "--coordinator", grpc, "--data-dir",
                dataDir.toString(), "--warmup", "2", "--min-iterations", "5", "--min-duration-ms", "10",
                "--max-duration-ms", "2000", "--timeout", "4m"), tmp.resolve("cli"), Duration.ofMinutes(5));

        assertThat(run.exitCode()).as("campaign run stderr: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("agent-1.log"))).isZero();
        JsonNode json = new ObjectMapper().readTree(run.stdout());
        assertThat(json.get("state").asText()).isEqualTo("done");
        assertThat(json.get("rows")).hasSize(6);

        long flopsPerSample = ModelProfiler.profile(ModelZoo.build("mnist-cnn"), "mnist-cnn",
                new ProfileOptions(1, Map.of(), CountingConvention.SEED)).totalFlops();
        assertThat(flopsPerSample / 1e6).isCloseTo(MNIST_MFLOPS_HEADLINE, within(0.005));
        List<String> seen = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.name, j.batch_size, j.flops, j.predicted_ms, r.p50_ms, r.mean_ms,"
                     + " r.throughput_samples_per_s, r.engine, r.hardware_fingerprint, r.attempt"
                     + " FROM results r JOIN jobs j ON j.id = r.job_id JOIN agents a ON a.id = r.agent_id")) {
            while (rs.next()) {
                int batch = rs.getInt("batch_size");
                seen.add(rs.getString("name") + "/" + batch);
                assertThat(rs.getLong("flops")).isEqualTo(flopsPerSample * batch);
                assertThat(rs.getDouble("p50_ms")).isPositive();
                assertThat(rs.getDouble("mean_ms")).isPositive();
                assertThat(rs.getDouble("throughput_samples_per_s")).isPositive();
                assertThat(rs.getDouble("predicted_ms")).isPositive();
                assertThat(rs.getString("engine")).isEqualTo("onnxruntime");
                assertThat(rs.getString("hardware_fingerprint")).isNotBlank();
                assertThat(rs.getInt("attempt")).isEqualTo(1);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("it-agent-1/1", "it-agent-1/8", "it-agent-1/32",
                "it-agent-2/1", "it-agent-2/8", "it-agent-2/32");
        // both agents run on this machine (same hostname and hardware): their measurements must not overlap
        long lastEnd = 0;
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT leased_ms, ended_ms FROM job_attempts ORDER BY leased_ms")) {
            while (rs.next()) {
                assertThat(rs.getLong("leased_ms")).as("lease starts after the previous one ended")
                        .isGreaterThanOrEqualTo(lastEnd);
                lastEnd = rs.getLong("ended_ms");
            }
        }
    }

    @Test
    void aCampaignCalibratedOnAnImageFolderSaysSoInEveryRow() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("digits"));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        for (int i = 0; i < 8; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    img.getRaster().setSample(x, y, 0, rnd.nextInt(3) == 0 ? 255 : 0);
                }
            }
            javax.imageio.ImageIO.write(img, "png", images.resolve("d" + i + ".png").toFile());
        }
        OneAgent fleet = OneAgent.start(processes, tmp);
        String grpc = fleet.grpc();
        String jdbc = fleet.jdbc();
        Path dataDir = fleet.dataDir();

        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1", "--variant", "baseline,quantized:int8-static", "--calibration",
                "images:" + images, "--json", "--coordinator", grpc, "--data-dir", dataDir.toString(), "--warmup", "1",
                "--min-iterations", "3", "--min-duration-ms", "10", "--max-duration-ms", "1000", "--timeout", "4m"),
                tmp.resolve("cli"), Duration.ofMinutes(5));

        assertThat(run.exitCode()).as("campaign run stderr: %s", run.stderr()).isZero();
        Map<String, String> calibration = new java.util.HashMap<>();
        Map<String, Double> cosine = new java.util.HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT j.variant_recipe, j.calibration, j.fidelity_cosine FROM results r"
                     + " JOIN jobs j ON j.id = r.job_id")) {
            while (rs.next()) {
                calibration.put(rs.getString(1), rs.getString(2));
                double v = rs.getDouble(3);
                Double value = rs.wasNull() ? null : v;
                cosine.put(rs.getString(1), value);
            }
        }
        assertThat(calibration).containsOnly(Map.entry("baseline", "images:" + images + " 8 files"),
                Map.entry("quantized:int8-static", "images:" + images + " 8 files"));
        assertThat(cosine.get("baseline")).isNull();
        assertThat(cosine.get("quantized:int8-static")).isGreaterThan(0.9);
        assertThat(new ObjectMapper().readTree(run.stdout()).toString()).contains("\"calibration\"");
    }

    static void awaitConnectedAgents(String jdbc, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Set<String> connected = new HashSet<>();
        while (System.nanoTime() < deadline) {
            connected.clear();
            try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT name FROM agents WHERE connected = TRUE")) {
                while (rs.next()) {
                    connected.add(rs.getString(1));
                }
            }
            if (connected.size() >= count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + connected + " connected within 90 s");
    }
}
