package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.coordinator.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, nothing twice, with real processes: an agent killed mid-job, the coordinator killed
 * mid-campaign and restarted on its data folder, and a network cut between agent and coordinator.
 */
class FleetDurabilityIT {
    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    private static String jdbc(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE";
    }

    private Process agent(String name, String coordinator, Path dataDir) throws Exception {
        return processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", coordinator, "--name",
                name, "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                tmp.resolve(name).toString(), "--labels", "pool=it"), tmp.resolve(name + ".log"));
    }

    /** A spec of {@code batches.size()} jobs, each measuring for at least {@code minMs}, on any agent of pool=it. */
    private Path spec(List<Integer> batches, long minMs) throws Exception {
        return Files.writeString(tmp.resolve("spec.yaml"), "name: durability\nmodels: [mnist-cnn]\nbatch_sizes: "
                + batches + "\ndevices: [pool=it]\nmeasurement: {warmup_iterations: 2, min_iterations: 5,"
                + " min_duration_ms: " + minMs + ", max_duration_ms: " + (minMs + 2000) + "}\n");
    }

    private String submit(String grpc, Path dataDir, Path spec) throws Exception {
        Processes.Outcome run = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                spec.toString(), "--detach", "--coordinator", grpc, "--data-dir", dataDir.toString()),
                tmp.resolve("cli"), Duration.ofMinutes(2));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return run.stdout().strip();
    }

    private static long query(String jdbc, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "sa", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e; // e.g. the database is being reopened by a restarted coordinator
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    /** Every job of the campaign done, with exactly one result row each. */
    private static void assertExactlyOnce(String jdbc, String campaign, int jobs) throws Exception {
        String of = " FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.campaign_id = '" + campaign + "'";
        assertThat(query(jdbc, "SELECT COUNT(*) FROM jobs WHERE state = 'done' AND campaign_id = '" + campaign + "'"))
                .isEqualTo(jobs);
        assertThat(query(jdbc, "SELECT COUNT(*)" + of)).isEqualTo(jobs);
        assertThat(query(jdbc, "SELECT COUNT(DISTINCT r.job_id)" + of)).isEqualTo(jobs);
        assertThat(query(jdbc, "SELECT COUNT(*)" + of + " AND r.p50_ms > 0 AND r.queue_wait_ms >= 0"
                + " AND r.measurement_ms > 0")).isEqualTo(jobs);
    }

    private String done(String jdbc, String campaign) {
        return "SELECT COUNT(*) FROM jobs WHERE state = 'done' AND campaign_id = '" + campaign + "'";
    }

    @Test
    void agentKilledMidJobLosesItsLeaseAndTheOtherAgentFinishesTheCampaign() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"), "--lease-timeout",
                "3s");
        String grpc = "127.0.0.1:" + listening.group(1);
        String jdbc = jdbc(dataDir);
        Process a1 = agent("k-1", grpc, dataDir);
        Process a2 = agent("k-2", grpc, dataDir);
        await("two agents", Duration.ofSeconds(90), () -> query(jdbc, "SELECT COUNT(*) FROM agents WHERE connected")
                == 2);

        String campaign = submit(grpc, dataDir, spec(List.of(1, 2, 4, 8), 2500));
        await("a running job", Duration.ofSeconds(60), () -> query(jdbc,
                "SELECT COUNT(*) FROM jobs WHERE state = 'leased'") > 0);
        long victimHolds = query(jdbc, "SELECT COUNT(*) FROM jobs j JOIN agents a ON a.id = j.leased_to"
                + " WHERE j.state = 'leased' AND a.name = 'k-1'");
        Process victim = victimHolds > 0 ? a1 : a2;
        victim.descendants().forEach(ProcessHandle::destroyForcibly); // its measuring worker dies with the board
        victim.destroyForcibly();
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();

        await("campaign done", Duration.ofMinutes(3), () -> query(jdbc, done(jdbc, campaign)) == 4);
        assertExactlyOnce(jdbc, campaign, 4);
        assertThat(query(jdbc, "SELECT COUNT(*) FROM job_attempts WHERE outcome = 'released'")).isEqualTo(1);
        assertThat(query(jdbc, "SELECT COUNT(*) FROM results WHERE attempt = 2")).isEqualTo(1);
    }

    @Test
    void coordinatorKilledMidCampaignRestartsOnItsDataAndTheCampaignCompletesOnce() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator-1.log"));
        String port = listening.group(1);
        String grpc = "127.0.0.1:" + port;
        String jdbc = jdbc(dataDir);
        agent("r-1", grpc, dataDir);
        agent("r-2", grpc, dataDir);
        await("two agents", Duration.ofSeconds(90), () -> query(jdbc, "SELECT COUNT(*) FROM agents WHERE connected")
                == 2);
        String campaign = submit(grpc, dataDir, spec(List.of(1, 2, 3, 4, 5, 6), 1200));
        await("a first result", Duration.ofSeconds(90), () -> query(jdbc, done(jdbc, campaign)) >= 1);

        assertThat(query(jdbc, done(jdbc, campaign))).as("the kill comes mid-campaign").isLessThan(6);
        Process coordinator = processes.lastCoordinator();
        coordinator.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close of H2
        assertThat(coordinator.waitFor(10, TimeUnit.SECONDS)).isTrue();
        processes.startCoordinator(dataDir, tmp.resolve("coordinator-2.log"), "--grpc-port", port);

        await("campaign done after restart", Duration.ofMinutes(3), () -> query(jdbc, done(jdbc, campaign)) == 6);
        assertExactlyOnce(jdbc, campaign, 6);
        assertThat(Files.readString(tmp.resolve("r-1.log")) + Files.readString(tmp.resolve("r-2.log")))
                .contains("lost connection to coordinator");
    }

    @Test
    void networkCutLongerThanTheLeaseStillEndsWithOneResultPerJob() throws Exception {
        Path dataDir = tmp.resolve("data");
        Matcher listening = processes.startCoordinator(dataDir, tmp.resolve("coordinator.log"), "--lease-timeout",
                "2s");
        String jdbc = jdbc(dataDir);
        try (TcpProxy proxy = new TcpProxy(Integer.parseInt(listening.group(1)))) {
            agent("n-1", "127.0.0.1:" + proxy.port(), dataDir);
            await("the agent", Duration.ofSeconds(90), () -> query(jdbc, "SELECT COUNT(*) FROM agents WHERE connected")
                    == 1);
            String campaign = submit("127.0.0.1:" + listening.group(1), dataDir, spec(List.of(1, 2, 4), 2000));
            await("a running job", Duration.ofSeconds(60), () -> query(jdbc,
                    "SELECT COUNT(*) FROM jobs WHERE state = 'leased'") > 0);

            proxy.cut();
            await("the lease released", Duration.ofSeconds(30), () -> query(jdbc,
                    "SELECT COUNT(*) FROM job_attempts WHERE outcome = 'released'") >= 1);
            Thread.sleep(1500);
            proxy.restore();

            await("campaign done", Duration.ofMinutes(3), () -> query(jdbc, done(jdbc, campaign)) == 3);
            assertExactlyOnce(jdbc, campaign, 3);
            assertThat(Files.readString(tmp.resolve("n-1.log"))).contains("lost connection to coordinator");
        }
    }
}
