package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.coordinator.testing.SelfSignedCert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS end to end with real processes: {@code serve --tls-cert/--tls-key} with a certificate the test
 * makes, an agent with {@code --tls-ca} measuring a campaign the CLI submits over TLS, and a
 * plaintext agent beside it that keeps retrying, says why, and never gets a job.
 */
class FleetTlsIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    private Process agent(String name, String grpc, Path dataDir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--coordinator", grpc, "--name", name, "--token-file",
                dataDir.resolve("join-token").toString(), "--work-dir", tmp.resolve(name).toString(), "--labels",
                "pool=tls-it", "--connect-timeout", "5m"));
        args.addAll(List.of(extra));
        return processes.start(Processes.javaJar(Processes.agentJar(), args.toArray(String[]::new)),
                tmp.resolve(name + ".log"));
    }

    @Test
    void tlsAgentMeasuresACampaignWhileAPlaintextAgentIsKeptOut() throws Exception {
        SelfSignedCert pem = SelfSignedCert.forLoopback(tmp.resolve("pki"));
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"),
                "--tls-cert", pem.cert().toString(), "--tls-key", pem.key().toString());
        String grpc = "127.0.0.1:" + listening.group(1);
        String jdbc = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";

        Process plain = agent("plain-agent", grpc, dataDir);
        agent("tls-agent", grpc, dataDir, "--tls-ca", pem.cert().toString());
        awaitConnected(jdbc, "tls-agent");

        // the selector matches both agents' label: only the one on TLS can take the job
        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1", "--device", "pool=tls-it", "--json", "--coordinator", grpc,
                "--data-dir", dataDir.toString(), "--tls-ca", pem.cert().toString(), "--warmup", "2",
                "--min-iterations", "5", "--min-duration-ms", "10", "--max-duration-ms", "2000", "--timeout", "4m"),
                tmp.resolve("cli"), Duration.ofMinutes(5));

        assertThat(run.exitCode()).as("campaign run stderr: %s\nagent log: %s", run.stderr(),
                Files.readString(tmp.resolve("tls-agent.log"))).isZero();
        JsonNode json = new ObjectMapper().readTree(run.stdout());
        assertThat(json.get("state").asText()).isEqualTo("done");
        assertThat(json.get("rows")).hasSize(1);
        List<String> stored = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.name, a.physical_cores, j.batch_size, j.threads AS asked,"
                     + " r.threads AS used, r.p50_ms, r.attempt"
                     + " FROM results r JOIN jobs j ON j.id = r.job_id JOIN agents a ON a.id = r.agent_id")) {
            while (rs.next()) {
                stored.add(rs.getString("name") + "/" + rs.getInt("batch_size"));
                assertThat(rs.getDouble("p50_ms")).isPositive();
                // the engine default (0) is stored as the count the session ran with: the physical cores
                assertThat(rs.getInt("asked")).isZero();
                assertThat(rs.getInt("used")).isEqualTo(rs.getInt("physical_cores"));
                assertThat(rs.getInt("attempt")).isEqualTo(1);
            }
        }
        assertThat(stored).containsExactly("tls-agent/1");
        assertThat(count(jdbc, "SELECT COUNT(*) FROM agents WHERE name = 'plain-agent'")).isZero();

        // the plaintext agent is still retrying, and its log says what to do about it
        assertThat(plain.isAlive()).isTrue();
        List<String> retries = Files.readAllLines(tmp.resolve("plain-agent.log")).stream()
                .filter(l -> l.contains("not reachable yet")).toList();
        assertThat(retries).hasSizeGreaterThan(1)
                .allSatisfy(l -> assertThat(l).contains("start the agent with --tls-ca"));
    }

    private static long count(String jdbc, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "sa", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitConnected(String jdbc, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (count(jdbc, "SELECT COUNT(*) FROM agents WHERE connected = TRUE AND name = '" + name + "'") > 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " did not connect within 90 s");
    }
}
