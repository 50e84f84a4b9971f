package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.NetnsLab;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.coordinator.testing.SelfSignedCert;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts on one machine ({@link NetnsLab}): the real coordinator in one network namespace with TLS
 * on gRPC and HTTPS, {@code serve --bind} and {@code --http-bind} on that namespace's address, and two
 * real agent processes in two others. A campaign runs; one agent's link is pulled mid-job: its lease
 * expires, the job is measured again by the other agent, the pulled agent spools its result and
 * flushes it when the link returns; every job ends with exactly one row. The dashboard, reached from
 * outside the coordinator's namespace, answers 401 without the viewer token and 200 with it.
 */
class MultiHostIT {
    private static final Pattern LISTENING = Pattern.compile(
            "edgeperf coordinator listening: grpc=([0-9.]+):(\\d+) http=https://([0-9.]+):(\\d+)/ data-dir=(.+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int JOBS = 4;

    @TempDir
    static Path tmp;

    private static NetnsLab lab;
    private static final Processes processes = new Processes();

    @BeforeAll
    static void makeHosts() throws Exception {
        Optional<String> unavailable = NetnsLab.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
        lab = NetnsLab.create(3);
    }

    @AfterAll
    static void removeHosts() throws Exception {
        processes.close();
        if (lab != null) {
            lab.close();
            assertThat(NetnsLab.exists(lab.bridge())).as("lab removed").isFalse();
        }
    }

    @Test
    void campaignAcrossNamespacesSurvivesAPulledLinkAndTheDashboardNeedsTheViewerToken() throws Exception {
        NetnsLab.Host coordinatorHost = lab.hosts().get(0);
        NetnsLab.Host pulled = lab.hosts().get(1);
        NetnsLab.Host steady = lab.hosts().get(2);
        String address = coordinatorHost.address();
        SelfSignedCert pem = SelfSignedCert.forSubjectAltName(tmp.resolve("pki"), "IP:" + address);
        Path dataDir = tmp.resolve("data");
        Matcher listening = startCoordinator(coordinatorHost, dataDir, pem);
        assertThat(listening.group(1)).isEqualTo(address);
        String grpc = address + ":" + listening.group(2);
        String dashboard = "https://" + address + ":" + listening.group(4);
        String viewer = Files.readString(dataDir.resolve("viewer-token")).strip();
        HttpClient https = HttpClient.newBuilder().sslContext(pem.trustingContext())
                .connectTimeout(Duration.ofSeconds(10)).build();

        // from the test's namespace (the bridge) and from an agent's: 401 without the token, 200 with it
        assertThat(get(https, dashboard + "/api/agents", null).statusCode()).isEqualTo(401);
        assertThat(get(https, dashboard + "/", null).statusCode()).isEqualTo(401);
        assertThat(get(https, dashboard + "/api/agents", "Bearer " + viewer).statusCode()).isEqualTo(200);
        if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
            assertThat(curlStatus(steady, pem, dashboard + "/api/campaigns", null)).isEqualTo("401");
            assertThat(curlStatus(steady, pem, dashboard + "/api/campaigns", "Bearer " + viewer)).isEqualTo("200");
        }

        agent(pulled, "mh-pulled", grpc, dataDir, pem);
        agent(steady, "mh-steady", grpc, dataDir, pem);
        await("two agents connected", Duration.ofSeconds(90), () -> {
            JsonNode agents = api(https, dashboard + "/api/agents", viewer);
            int connected = 0;
            for (JsonNode a : agents) {
                connected += a.get("connected").asBoolean() ? 1 : 0;
            }
            return connected == 2;
        });

        Path spec = Files.writeString(tmp.resolve("spec.yaml"), "name: multihost\nmodels: [mnist-cnn]\n"
                + "batch_sizes: [1, 2, 4, 8]\ndevices: [pool=multihost]\nmeasurement: {warmup_iterations: 2,"
                + " min_iterations: 5, min_duration_ms: 4000, max_duration_ms: 6000}\n");
        Processes.Outcome submitted = processes.run(Processes.javaJar(Processes.coordinatorJar(), "campaign", "run",
                spec.toString(), "--detach", "--coordinator", grpc, "--data-dir", dataDir.toString(), "--tls-ca",
                pem.cert().toString()), tmp.resolve("cli"), Duration.ofMinutes(2));
        assertThat(submitted.exitCode()).as(submitted.stderr()).isZero();
        String campaign = submitted.stdout().strip();

        Path pulledLog = tmp.resolve("mh-pulled.log");
        String job = awaitMatch(pulledLog, Pattern.compile("job (\\S+) attempt 1: mnist-cnn"), Duration.ofSeconds(90));
        // pulled once the model is in the agent's cache, so the cut comes while it measures, not while it downloads
        Path cache = tmp.resolve("mh-pulled").resolve("cache");
        await("the model cached", Duration.ofSeconds(60), () -> count(cache, ".onnx") > 0);
        Thread.sleep(500);
        lab.link(pulled, false);
        long downAt = System.nanoTime();
        try {
            // the pulled agent finishes the job on its own and keeps the result on disk
            awaitMatch(pulledLog, Pattern.compile("job " + Pattern.quote(job) + " attempt 1 done"),
                    Duration.ofSeconds(30));
            Path spooled = tmp.resolve("mh-pulled").resolve("spool");
            await("the result spooled", Duration.ofSeconds(10), () -> count(spooled, ".pb") == 1);
            // the coordinator gives the lease up and the other agent measures the job again
            awaitMatch(tmp.resolve("mh-steady.log"), Pattern.compile("job " + Pattern.quote(job) + " attempt 2: "),
                    Duration.ofSeconds(60));
        } finally {
            lab.link(pulled, true);
        }
        System.out.printf("MultiHostIT: link down for %.1f s%n", (System.nanoTime() - downAt) / 1e9);

        await("campaign done", Duration.ofMinutes(2), () -> {
            for (JsonNode c : api(https, dashboard + "/api/campaigns", viewer)) {
                if (c.get("id").asText().equals(campaign)) {
                    return c.get("jobsDone").asInt() == JOBS;
                }
            }
            return false;
        });
        Path spool = tmp.resolve("mh-pulled").resolve("spool");
        await("the pulled agent's spool flushed", Duration.ofSeconds(60), () -> count(spool, ".pb") == 0);
        String pulledText = Files.readString(pulledLog);
        pulledText.lines().filter(l -> l.contains("re-sending") || l.contains(job + " attempt 1 ack")
                || l.contains("dropped the spooled")).forEach(l -> System.out.println("MultiHostIT: pulled agent: " + l));
        assertThat(pulledText.lines().filter(l -> l.contains("job " + job + " attempt 1")
                && (l.contains("acknowledged") || l.contains("dropped the spooled copy"))))
                .as("the re-sent result answered: stored, or refused as another attempt's job").isNotEmpty();

        JsonNode rows = api(https, dashboard + "/api/results?campaign=" + campaign, viewer);
        assertThat(rows).hasSize(JOBS);
        Set<String> jobs = new HashSet<>();
        Set<String> agents = new HashSet<>();
        for (JsonNode r : rows) {
            jobs.add(r.get("jobId").asText());
            agents.add(r.get("agentName").asText());
            assertThat(r.get("p50Ms").asDouble()).isPositive();
        }
        assertThat(jobs).hasSize(JOBS).contains(job);
        assertThat(agents).contains("mh-steady");
    }

    @Test
    void aLabAddressAlreadyTakenIsRefusedInOneLine() throws Exception {
        String subnet = lab.bridgeAddress().substring(0, lab.bridgeAddress().lastIndexOf('.'));
        assertThatThrownBy(() -> NetnsLab.create(subnet, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("address " + subnet + ".")
                .hasMessageContaining("is already taken")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Matcher startCoordinator(NetnsLab.Host host, Path dataDir, SelfSignedCert pem) throws Exception {
        List<String> command = host.exec(Processes.javaJar(Processes.coordinatorJar(), "serve", "--bind",
                host.address(), "--grpc-port", "0", "--http-bind", host.address(), "--http-port", "0", "--data-dir",
                dataDir.toString(), "--tls-cert", pem.cert().toString(), "--tls-key", pem.key().toString(),
                "--http-tls", "--lease-timeout", "3s", "--share-hosts"));
        Path log = tmp.resolve("coordinator.log");
        Process process = processes.start(command, tmp.resolve("coordinator.out"));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(tmp.resolve("coordinator.out"))) {
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) {
                    return m;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("coordinator exited before listening:\n"
                        + Files.readString(tmp.resolve("coordinator.out")));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no listening line within 90 s:\n" + Files.readString(tmp.resolve("coordinator.out"))
                + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private void agent(NetnsLab.Host host, String name, String grpc, Path dataDir, SelfSignedCert pem)
            throws Exception {
        processes.start(host.exec(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name",
                name, "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                tmp.resolve(name).toString(), "--labels", "pool=multihost", "--tls-ca", pem.cert().toString(),
                "--connect-timeout", "5m")), tmp.resolve(name + ".log"));
    }

    private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode api(HttpClient client, String url, String viewer) throws Exception {
        HttpResponse<String> response = get(client, url, "Bearer " + viewer);
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String curlStatus(NetnsLab.Host from, SelfSignedCert pem, String url, String authorization)
            throws Exception {
        List<String> curl = new ArrayList<>(List.of("/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "-m", "20", "--cacert", pem.cert().toString()));
        if (authorization != null) {
            curl.addAll(List.of("-H", "Authorization: " + authorization));
        }
        curl.add(url);
        Processes.Outcome out = processes.run(from.exec(curl), tmp.resolve("curl"), Duration.ofSeconds(30));
        return out.stdout().strip();
    }

    private static long count(Path dir, String suffix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    private static String awaitMatch(Path log, Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log));
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + pattern + "' in " + log + " within " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
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
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }
}
