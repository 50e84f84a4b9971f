package dev.edgeperf.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = AgentMain.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void missingTokenFileIsOneLineNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("join-token");
        int code = run("run", "--coordinator", "127.0.0.1:7443", "--token-file", missing.toString(),
                "--work-dir", dir.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf-agent: join token file " + missing + " does not exist")
                .hasLineCount(1);
    }

    @Test
    void malformedCoordinatorAddressIsAUserError(@TempDir Path dir) {
        assertThat(run("run", "--coordinator", "no-port-here", "--token-file", dir.resolve("t").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--coordinator 'no-port-here' is not HOST:PORT");
    }

    @Test
    void unreachableCoordinatorExitsWithTheExternalCode(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("join-token");
        Files.writeString(token, "abc123\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        int code = run("run", "--coordinator", "127.0.0.1:" + port, "--token-file", token.toString(),
                "--work-dir", dir.resolve("work").toString(), "--connect-timeout", "1s");
        assertThat(code).isEqualTo(69);
        assertThat(err.toString()).startsWith("edgeperf-agent: cannot reach coordinator 127.0.0.1:" + port + ": ")
                .hasLineCount(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void unknownModelListsTheZoo() {
        assertThat(run("bench", "no-such-model")).isEqualTo(2);
        assertThat(err.toString()).contains("'no-such-model' is neither an existing file nor a zoo model")
                .contains("mnist-cnn");
    }

    @Test
    void benchJsonHasOneObjectPerConfiguration() throws Exception {
        int code = run("bench", "mnist-cnn", "--batch", "1,4", "--threads", "1", "--warmup", "1",
                "--min-iterations", "5", "--min-duration-ms", "20", "--max-duration-ms", "120000", "--target-ci", "0", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode array = new ObjectMapper().readTree(out.toString());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(1).get("batch").asInt()).isEqualTo(4);
        assertThat(array.get(1).get("threads").asInt()).isEqualTo(1);
        for (JsonNode o : array) {
            assertThat(o.get("p50Ms").asDouble()).isPositive();
            assertThat(o.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(o.get("p50Ms").asDouble());
            assertThat(o.get("throughput").asDouble()).isPositive();
            assertThat(o.get("stopReason").asText()).isEqualTo("min-iterations-and-min-duration-met");
            assertThat(o.has("meanMs")).isTrue();
            assertThat(o.has("p90Ms")).isTrue();
            assertThat(o.get("latencyKind").asText()).isEqualTo("compute");
            assertThat(o.get("p999Ms").asDouble()).isGreaterThanOrEqualTo(o.get("p99Ms").asDouble());
            assertThat(o.get("p50Ci95LowMs").asDouble()).isLessThanOrEqualTo(o.get("p50Ms").asDouble());
            assertThat(o.get("p50Ci95HighMs").asDouble()).isGreaterThanOrEqualTo(o.get("p50Ms").asDouble());
            // the default is a forked worker, which knows its own peak RSS
            assertThat(o.get("inProcess").asBoolean()).isFalse();
            assertThat(o.get("workerPeakRssBytes").asLong()).isGreaterThan(10L << 20);
            assertThat(o.get("endToEnd").get("latencyKind").asText()).isEqualTo("end_to_end");
            assertThat(o.get("executionProvidersAvailable").toString()).contains("CPU");
        }
    }

    @Test
    void benchConcurrencyAndTargetCiInProcess() throws Exception {
        int code = run("bench", "mnist-cnn", "--batch", "2", "--threads", "1", "--concurrency", "1,2", "--warmup", "2",
                "--min-iterations", "20", "--min-duration-ms", "50", "--max-duration-ms", "120000", "--target-ci", "25%",
                "--in-process", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode array = new ObjectMapper().readTree(out.toString());
        assertThat(array).hasSize(2);
        assertThat(array.get(0).get("concurrency").asInt()).isEqualTo(1);
        assertThat(array.get(1).get("concurrency").asInt()).isEqualTo(2);
        assertThat(array.get(1).get("endToEnd").isNull()).isTrue();
        for (JsonNode o : array) {
            assertThat(o.get("inProcess").asBoolean()).isTrue();
            assertThat(o.get("workerPeakRssBytes").asLong()).isZero();
            assertThat(o.get("stopReason").asText()).isEqualTo("target-ci-reached");
            assertThat(o.get("ciRelativeHalfWidth").asDouble()).isLessThanOrEqualTo(0.25);
        }
    }

    @Test
    void badTargetCiIsOneLine() {
        assertThat(run("bench", "mnist-cnn", "--target-ci", "150%")).isEqualTo(2);
        assertThat(err.toString()).contains("'150%' is not a fraction in [0, 1)");
    }

    @Test
    void calibrateQuickStoresFigures(@TempDir Path dir) throws Exception {
        int code = run("calibrate", "--quick", "--threads", "1", "--work-dir", dir.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode f = new ObjectMapper().readTree(out.toString());
        assertThat(f.get("matmulGflops").asDouble()).isPositive();
        assertThat(f.get("memoryGbPerS").asDouble()).isPositive();
        assertThat(f.get("callOverheadUs").asDouble()).isPositive().isLessThan(10_000);
        assertThat(f.get("threads").asInt()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(dir.resolve("calibration.json").toFile())).isEqualTo(f);
    }

    @Test
    void infoJsonHasTheHardwareFields() throws Exception {
        assertThat(run("info", "--json")).isZero();
        JsonNode hw = new ObjectMapper().readTree(out.toString());
        assertThat(hw.get("fingerprint").asText()).matches("[0-9a-f]{16}");
        assertThat(hw.get("logicalCores").asInt()).isPositive();
        // The loaded runtime reports its own version, so an ONNX Runtime upgrade needs no test change.
        assertThat(hw.get("engineVersion").asText()).matches("\\d+\\.\\d+\\.\\d+")
                .isEqualTo(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    }

    @Test
    void durationsParse() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void sizesParseWithBinarySuffixes() {
        ByteSizeConverter c = new ByteSizeConverter();
        assertThat(c.convert("512M")).isEqualTo(512L << 20);
        assertThat(c.convert("2G")).isEqualTo(2L << 30);
        assertThat(c.convert("2gib")).isEqualTo(2L << 30);
        assertThat(c.convert("64k")).isEqualTo(64L << 10);
        assertThat(c.convert("1000000")).isEqualTo(1_000_000L);
        assertThat(c.convert("300B")).isEqualTo(300L);
        for (String bad : new String[] {"0", "-1", "2X", "1.5G", "", "99999999999T", "99999999999999999999"}) {
            assertThatThrownBy(() -> c.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("is not a positive size");
        }
    }

    @Test
    void badCacheSizeIsOneLine(@TempDir Path dir) {
        assertThat(run("run", "--coordinator", "127.0.0.1:7700", "--token-file", dir.resolve("t").toString(),
                "--cache-max-bytes", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("'lots' is not a positive size");
    }

    @Test
    void missingTlsCaIsOneLineNamingTheFile(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("join-token"), "abc123\n");
        Path missing = dir.resolve("ca.pem");
        int code = run("run", "--coordinator", "127.0.0.1:7700", "--token-file", token.toString(), "--work-dir",
                dir.resolve("work").toString(), "--tls-ca", missing.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf-agent: --tls-ca " + missing + " does not exist").hasLineCount(1);
    }
}
