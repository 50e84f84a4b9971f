package dev.edgeperf.coordinator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeDashboardData data;
    private DashboardServer server;

    @BeforeEach
    void startServer() {
        data = new FakeDashboardData();
        server = new DashboardServer(data, "127.0.0.1", 0);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void healthSaysOk() throws Exception {
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void agentsAreSerializedWithCamelCaseFieldsAndNestedHardware() throws Exception {
        HttpResponse<String> response = get("/api/agents");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode agents = JSON.readTree(response.body());
        assertThat(agents.isArray()).isTrue();
        assertThat(agents).hasSize(2);
        JsonNode pi = agents.get(0);
        assertThat(pi.get("id").asText()).isEqualTo("a-1");
        assertThat(pi.get("name").asText()).isEqualTo("pi5-kitchen");
        assertThat(pi.get("connected").asBoolean()).isTrue();
        assertThat(pi.get("lastSeenUnixMs").asLong()).isEqualTo(FakeDashboardData.NOW - 3_000);
        assertThat(pi.get("engineVersion").asText()).isEqualTo("onnxruntime 1.19.2");
        assertThat(pi.get("labels").get("site").asText()).isEqualTo("kitchen");
        JsonNode hw = pi.get("hardware");
        assertThat(hw.get("cpuModel").asText()).isEqualTo("Cortex-A76");
        assertThat(hw.get("physicalCores").asInt()).isEqualTo(4);
        assertThat(hw.get("maxFreqHz").asLong()).isEqualTo(2_400_000_000L);
        assertThat(hw.get("memoryBytes").asLong()).isEqualTo(8L << 30);
        assertThat(hw.get("peakGflopsFp32").asDouble()).isEqualTo(76.8);
        assertThat(hw.get("board").asText()).isEqualTo("Raspberry Pi 5 Model B");
        assertThat(hw.get("isaFeatures")).extracting(JsonNode::asText).containsExactly("neon", "asimddp", "fp16");
        assertThat(agents.get(1).get("connected").asBoolean()).isFalse();
    }

    @Test
    void campaignsListsBothWithCounts() throws Exception {
        JsonNode campaigns = JSON.readTree(get("/api/campaigns").body());
        assertThat(campaigns).extracting(c -> c.get("id").asText())
                .containsExactly(FakeDashboardData.LATEST, FakeDashboardData.OLDER);
        JsonNode older = campaigns.get(1);
        assertThat(older.get("name").asText()).isEqualTo("smoke");
        assertThat(older.get("state").asText()).isEqualTo("DONE");
        assertThat(older.get("jobsTotal").asInt()).isEqualTo(3);
        assertThat(older.get("jobsDone").asInt()).isEqualTo(2);
        assertThat(older.get("jobsFailed").asInt()).isEqualTo(1);
    }

    @Test
    void resultsAreFilteredByCampaignQueryParameter() throws Exception {
        HttpResponse<String> response = get("/api/results?campaign=" + FakeDashboardData.OLDER);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(data.lastCampaignFilter).contains(FakeDashboardData.OLDER);
        JsonNode results = JSON.readTree(response.body());
        assertThat(results).hasSize(2);
        JsonNode first = results.get(0);
        assertThat(first.get("jobId").asText()).isEqualTo("j-old-1");
        assertThat(first.get("campaignId").asText()).isEqualTo(FakeDashboardData.OLDER);
        assertThat(first.get("agentName").asText()).isEqualTo("pi5-kitchen");
        assertThat(first.get("modelName").asText()).isEqualTo("mnist-cnn");
        assertThat(first.get("variantRecipe").asText()).isEqualTo("quantized:int8-static");
        assertThat(first.get("batchSize").asInt()).isEqualTo(1);
        assertThat(first.get("threads").asInt()).isEqualTo(4);
        assertThat(first.get("flops").asLong()).isEqualTo(FakeDashboardData.MNIST_FLOPS);
        assertThat(first.get("predictedMs").asDouble()).isEqualTo(0.06);
        assertThat(first.get("p50Ms").asDouble()).isEqualTo(0.09);
        assertThat(first.get("p90Ms").asDouble()).isEqualTo(0.1);
        assertThat(first.get("p99Ms").asDouble()).isEqualTo(0.12);
        assertThat(first.get("meanMs").asDouble()).isEqualTo(0.095);
        assertThat(first.get("throughputSamplesPerS").asDouble()).isEqualTo(11_111.0);
        assertThat(first.get("finishedUnixMs").isIntegralNumber()).isTrue();
    }

    @Test
    void resultsWithoutFilterReturnAllCampaigns() throws Exception {
        JsonNode results = JSON.readTree(get("/api/results").body());
        assertThat(data.lastCampaignFilter).isEmpty();
        assertThat(results).hasSize(8);
        assertThat(results).extracting(r -> r.get("campaignId").asText())
                .containsOnly(FakeDashboardData.LATEST, FakeDashboardData.OLDER);
    }

    @Test
    void blankCampaignFilterIsA400WithJsonError() throws Exception {
        HttpResponse<String> response = get("/api/results?campaign=");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("campaign");
        assertThat(data.resultCalls).hasValue(0);
    }

    @Test
    void unknownPathIsA404WithJsonError() throws Exception {
        HttpResponse<String> response = get("/api/nope");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("/api/nope");
    }

    @Test
    void storeFailureIsA500WithJsonError() throws Exception {
        server.stop();
        server = new DashboardServer(new FakeDashboardData() {
            @Override
            public java.util.List<AgentView> agents() {
                throw EdgeperfException.internal("store closed", null);
            }
        }, "127.0.0.1", 0);
        server.start();
        HttpResponse<String> response = get("/api/agents");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("store closed");
    }

    @Test
    void rootServesTheDashboardPage() throws Exception {
        HttpResponse<String> response = get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(response.body()).contains("<title>edgeperf</title>");
    }

    @Test
    void metricsExposeRequestCountsAndJvmMetrics() throws Exception {
        get("/api/agents");
        get("/api/agents");
        get("/does-not-exist");
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(body).contains("jvm_memory_used_bytes");
        assertThat(body).containsPattern(
                "edgeperf_http_requests_seconds_count\\{[^}]*route=\"/api/agents\"[^}]*status=\"200\"[^}]*} 2(\\.0)?\\n");
        assertThat(body).containsPattern("edgeperf_http_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\"");
        assertThat(body).doesNotContain("does-not-exist");
    }

    @Test
    void boundOnlyToTheGivenHost() throws Exception {
        assertThat(server.port()).isPositive();
        InetAddress external = nonLoopbackAddress();
        if (external == null) {
            return; // no other interface on this machine to probe
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external, server.port()), 1000))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void takenPortIsAUserErrorNamingPortAndHost() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            DashboardServer second = new DashboardServer(new FakeDashboardData(), "127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(second::start)
                    .isInstanceOf(EdgeperfException.class)
                    .hasMessage("HTTP port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
                    .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        }
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> new DashboardServer(new FakeDashboardData(), "127.0.0.1", 70000))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("70000");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        var interfaces = java.net.NetworkInterface.getNetworkInterfaces();
        while (interfaces.hasMoreElements()) {
            var nic = interfaces.nextElement();
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            var addresses = nic.getInetAddresses();
            while (addresses.hasMoreElements()) {
                InetAddress address = addresses.nextElement();
                if (address instanceof java.net.Inet4Address) {
                    return address;
                }
            }
        }
        return null;
    }
}
