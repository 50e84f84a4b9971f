package dev.edgeperf.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.proto.Calibration;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The same Store code and migrations on a real PostgreSQL server from Debian's packages, started on
 * a loopback port in a temporary folder (as the postgres user when the test runs as root, since
 * PostgreSQL refuses to run as root). Skipped when the server binaries are absent, unless CI=true.
 */
class PostgresStoreIT {
    private Path dir;
    private Path pgCtl;
    private Path data;
    private boolean asPostgresUser;

    private final Processes processes = new Processes();

    @AfterEach
    void stop() throws Exception {
        processes.close(); // coordinator and agent first: they hold connections to the server
        if (pgCtl != null && data != null) {
            run(List.of(pgCtl.toString(), "-D", data.toString(), "-m", "immediate", "stop"), false);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Optional<Path> serverBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))
                    && Files.isExecutable(b.resolve("pg_ctl"))).sorted().reduce((a, b) -> b);
        }
    }

    private void run(List<String> command, boolean check) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile(dir, "cmd", ".log");
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + full);
        }
        if (check && p.exitValue() != 0) {
            throw new AssertionError(full + " exited " + p.exitValue() + ":\n" + Files.readString(log));
        }
    }

    private String startServer() throws Exception {
        Optional<Path> bin = serverBin();
        if (bin.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL server binaries missing under /usr/lib/postgresql/*/bin;"
                        + " install the Debian package postgresql");
            }
            assumeTrue(false, "PostgreSQL server binaries not installed");
        }
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        dir = Files.createTempDirectory("edgeperf-pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        data = dir.resolve("data");
        pgCtl = bin.get().resolve("pg_ctl");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run(List.of(bin.get().resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "edgeperf",
                "-E", "UTF8", "--no-sync"), true);
        run(List.of(pgCtl.toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w",
                "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), true);
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=edgeperf";
    }

    @Test
    void migrationsAndTheWholeJobLifecycleRunOnPostgres() throws Exception {
        String url = startServer();
        Store store = Store.open(url, Clock.systemUTC());
        Database.migrate(store.dataSource()); // a second migrate is a no-op

        String agent = store.registerAgent(Fixtures.hello("pg-agent", 10.0).toBuilder()
                .setCalibration(Calibration.newBuilder().setMatmulGflops(7.5).setConvGflops(6)).build());
        String other = store.registerAgent(Fixtures.hello("other", 10.0));
        NewJob done = Fixtures.job(agent, 8, 8_483_200, 10.0);
        NewJob requeued = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob open = Fixtures.openJob("board=rpi5", 1, 1_060_400);
        store.insertCampaign("c1", "pg", "{}", "models: [mnist-cnn]", List.of(done, requeued, open));

        assertThat(Fixtures.leaseNext(store, agent).orElseThrow().jobId()).isEqualTo(done.id());
        var result = Fixtures.result(done.id(), 1, 8, 0.5).toBuilder()
                .setLatencyHistogram(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3, 0, -1})).build();
        assertThat(store.commitResult(other, result)).isEqualTo(CommitOutcome.NOT_HELD);
        assertThat(store.commitResult(agent, result)).isEqualTo(CommitOutcome.STORED);
        assertThat(store.commitResult(agent, result)).isEqualTo(CommitOutcome.DUPLICATE);

        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.releaseLeases(agent, 3, "gone")).containsExactly(requeued.id());
        assertThat(store.queuedJobs()).extracting(LeasedJob::jobId).containsExactly(requeued.id(), open.id());
        assertThat(store.queuedJobs().get(0).attempt()).isEqualTo(2);

        CampaignSummary summary = store.campaignSummary("c1").orElseThrow();
        assertThat(summary.done()).isEqualTo(1);
        assertThat(summary.queuedSelectors()).containsExactly("name=" + agent, "board=rpi5");
        assertThat(summary.rows()).singleElement().satisfies(r -> {
            assertThat(r.get(ResultField.AGENT_NAME)).isEqualTo("pg-agent");
            assertThat(r.get(ResultField.P50_MS)).isEqualTo(0.5);
            assertThat(r.get(ResultField.ARCH)).isEqualTo("x86_64");
            assertThat(r.state()).isEqualTo(JobState.DONE);
        });
        assertThat(store.cancelCampaign("c1")).containsExactlyInAnyOrder(requeued.id(), open.id());
        CampaignSummary cancelled = store.campaignSummary("c1").orElseThrow();
        assertThat(cancelled.state()).isEqualTo(CampaignState.CANCELLED);
        assertThat(cancelled.failed()).as("cancelled jobs are not failed ones").isZero();
        assertThat(cancelled.rows()).extracting(ResultRecord::state)
                .containsExactlyInAnyOrder(JobState.DONE, JobState.CANCELLED, JobState.CANCELLED);
        assertThat(store.campaignSummaries()).singleElement().extracting(CampaignSummary::cancelled).isEqualTo(2);
        assertThat(store.cancelCampaign("c1")).as("an ended campaign is left as it is").isEmpty();
        assertThat(store.agents()).extracting(a -> a.name()).containsExactly("other", "pg-agent");

        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT r.latency_histogram, a.calib_matmul_gflops FROM results r"
                     + " JOIN agents a ON a.id = r.agent_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).containsExactly(1, 2, 3, 0, -1);
            assertThat(rs.getDouble(2)).isEqualTo(7.5);
        }
    }

    /** The V5 migration finds PostgreSQL's own name for version 1's state check and replaces it. */
    @Test
    void migrationV5TurnsOldStyleCancelledJobsIntoTheCancelledStateOnPostgres() throws Exception {
        String url = startServer();
        CancelledStateMigrationCheck.run(Database.open(url));
    }

    /** `serve --db jdbc:postgresql://…` with a real agent and the CLI: the rows land in PostgreSQL. */
    @Test
    void serveOnPostgresRunsACampaignEndToEnd() throws Exception {
        String url = startServer();
        Path dataDir = dir.resolve("coordinator");
        var listening = processes.startCoordinator(dataDir, dir.resolve("coordinator.log"), "--db", url);
        String grpc = "127.0.0.1:" + listening.group(1);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "pg-e2e",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir", dir.resolve("agent").toString(),
                "--connect-timeout", "2m"), dir.resolve("agent.log"));
        awaitAgent(url, "pg-e2e");

        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                "--model", "mnist-cnn", "--batch", "1,8", "--json", "--coordinator", grpc, "--data-dir",
                dataDir.toString(), "--warmup", "2", "--min-iterations", "5", "--min-duration-ms", "10",
                "--max-duration-ms", "2000", "--timeout", "4m"), dir.resolve("cli"), Duration.ofMinutes(5));

        assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
        JsonNode status = new ObjectMapper().readTree(run.stdout());
        assertThat(status.get("rows")).hasSize(2);
        List<String> stored = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.name, j.batch_size, r.p50_ms, j.flops FROM results r"
                     + " JOIN jobs j ON j.id = r.job_id JOIN agents a ON a.id = r.agent_id ORDER BY j.batch_size")) {
            while (rs.next()) {
                stored.add(rs.getString(1) + "/" + rs.getInt(2));
                assertThat(rs.getDouble(3)).isPositive();
                assertThat(rs.getLong(4)).isEqualTo(1_059_880L * rs.getInt(2));
            }
        }
        assertThat(stored).containsExactly("pg-e2e/1", "pg-e2e/8");
    }

    private static void awaitAgent(String url, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM agents WHERE connected AND name = '" + name + "'")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " did not connect within 90 s");
    }
}
