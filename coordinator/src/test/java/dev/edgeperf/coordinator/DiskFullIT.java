package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator whose disk fills up, for real: its data folder lives on a small tmpfs this test
 * mounts (root only; under CI=true not being able to is a failure). While the disk is full the
 * coordinator says so on /health, refuses new campaigns with one line and keeps the agent's
 * finished result in the agent's spool; once space returns it stores that result and takes
 * campaigns again, and what was stored before is all still there.
 */
class DiskFullIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();
    private Path disk;
    private Path filler;
    private String grpc;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted) {
            String why = "cannot mount a tmpfs (needs root): " + new String(mount.getInputStream().readAllBytes());
            if (Boolean.parseBoolean(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        filler = disk.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        processes.close();
        if (disk != null) {
            new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskIsReportedRefusesNewWorkKeepsResultsSpooledAndResumesWhenSpaceReturns() throws Exception {
        Path dataDir = disk.resolve("data");
        Path log = tmp.resolve("coordinator.log");
        Matcher listening = processes.startCoordinator(dataDir, log);
        grpc = "127.0.0.1:" + listening.group(1);
        String http = "http://127.0.0.1:" + listening.group(2);
        processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name", "spooler",
                "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                tmp.resolve("agent").toString()), tmp.resolve("agent.log"));
        await("the agent connected", () -> contains(log, "agent 'spooler' connected"));

        Processes.Outcome first = campaign("run", "--model", "mnist-cnn", "--batch", "1", "--min-iterations", "5",
                "--min-duration-ms", "0", "--max-duration-ms", "20000", "--json");
        assertThat(first.exitCode()).as(first.stderr()).isZero();

        // a campaign whose measurement outlasts the moment the disk fills: its result arrives on a full disk
        Processes.Outcome running = campaign("run", "--detach", "--model", "mnist-cnn", "--batch", "2",
                "--min-iterations", "5", "--min-duration-ms", "6000", "--max-duration-ms", "20000");
        assertThat(running.exitCode()).as(running.stderr()).isZero();
        await("the job leased", () -> contains(tmp.resolve("agent.log"), "batch 2"));
        fillTheDisk();

        await("/health reports the failing store", () -> health(http).statusCode() == 503);
        assertThat(JSON.readTree(health(http).body()).get("store").asText()).isNotBlank();
        Processes.Outcome refused = campaign("run", "--detach", "--model", "mnist-cnn", "--batch", "1");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr().strip().lines()).hasSize(1);
        assertThat(refused.stderr()).contains("store is failing").contains("new campaigns are refused");
        await("the result kept in the agent's spool", () -> contains(log, "the agent keeps it"));

        Files.delete(filler);
        await("/health ok again", () -> health(http).statusCode() == 200);
        Processes.Outcome again = campaign("run", "--model", "mnist-cnn", "--batch", "1", "--min-iterations", "5",
                "--min-duration-ms", "0", "--max-duration-ms", "20000");
        assertThat(again.exitCode()).as(again.stderr()).isZero();

        Processes.Outcome list = campaign("list", "--json");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        JsonNode campaigns = JSON.readTree(list.stdout());
        assertThat(campaigns).hasSize(3);
        for (JsonNode c : campaigns) {
            String id = c.get("campaignId").asText();
            await("campaign " + id + " done", () -> stateOf(id).equals("done"));
            Processes.Outcome export = campaign("export", id, "--format", "json");
            assertThat(JSON.readTree(export.stdout()).get("rows")).as(id).hasSize(1);
        }
        assertThat(Files.readString(log)).doesNotContain("Exception in thread");
    }

    private String stateOf(String id) {
        try {
            Processes.Outcome status = campaign("status", id, "--json");
            return status.exitCode() == 0 ? JSON.readTree(status.stdout()).get("state").asText() : "";
        } catch (Exception e) {
            return "";
        }
    }

    private Processes.Outcome campaign(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("campaign"));
        command.addAll(List.of(args));
        command.addAll(List.of("--coordinator", grpc, "--data-dir",
                disk.resolve("data").toString()));
        return processes.run(Processes.javaJar(Processes.coordinatorJar(), command.toArray(String[]::new)), tmp,
                Duration.ofSeconds(120));
    }

    private void fillTheDisk() throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left");
        }
    }

    private static HttpResponse<String> health(String base) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
