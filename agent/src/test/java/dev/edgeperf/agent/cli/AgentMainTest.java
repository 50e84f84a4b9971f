package dev.edgeperf.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.agent.measure.OrtNatives;
import dev.edgeperf.agent.measure.TinyModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {
    /**
     * The work dir of commands that do not test it. It outlives each test because the first command
     * points this JVM's ONNX Runtime at its natives folder ({@link OrtNatives#install}), for good.
     */
    static final Path WORK = Path.of("target", "agent-main-test-work").toAbsolutePath();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void nativesFirst() {
        OrtNatives.install(WORK);
    }

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
                "--work-dir", WORK.toString(), "--connect-timeout", "1s");
        assertThat(code).isEqualTo(69);
        assertThat(err.toString()).startsWith("edgeperf-agent: cannot reach coordinator 127.0.0.1:" + port + ": ")
                .contains("--bind=ADDRESS")
                .hasLineCount(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void runRefusesToRefreshACalibrationItDoesNotHave(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("agent"));
        assertThat(runWithoutCoordinator(dir, empty, "--refresh-calibration", "5s")).isEqualTo(2);
        assertThat(err.toString()).contains("a refresh needs a profile with kernel samples in "
                + empty.resolve("calibration.json")).hasLineCount(1);
        assertThat(empty.resolve("calibration.json")).doesNotExist();
        assertThat(runWithoutCoordinator(dir, empty, "--refresh-calibration", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--refresh-calibration 0 refreshes nothing");
    }

    /**
     * {@code agent run} with a token in {@code dir}, work dir {@code workDir} and {@code flags}, for checks made
     * before the coordinator is called: nothing listens on port 1.
     */
    private int runWithoutCoordinator(Path dir, Path workDir, String... flags) throws Exception {
        Path token = Files.writeString(dir.resolve("join-token"), "abc123\n");
        List<String> args = new ArrayList<>(List.of("run", "--coordinator", "127.0.0.1:1", "--token-file",
                token.toString(), "--work-dir", workDir.toString()));
        args.addAll(List.of(flags));
        return run(args.toArray(String[]::new));
    }

    @Test
    void runRefusesARefreshPeriodWithoutABudgetOrOfZero(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("agent"));
        assertThat(runWithoutCoordinator(dir, empty, "--refresh-every", "6h")).isEqualTo(2);
        assertThat(err.toString()).contains("--refresh-every needs --refresh-calibration DURATION, the budget of"
                + " each refresh").hasLineCount(1);
        err.getBuffer().setLength(0);
        assertThat(runWithoutCoordinator(dir, empty, "--refresh-calibration", "5s", "--refresh-every", "0s"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--refresh-every 0 never refreshes").hasLineCount(1);
    }

    @Test
    void unknownModelListsTheZoo() {
        assertThat(run("bench", "--work-dir", WORK.toString(), "no-such-model")).isEqualTo(2);
        assertThat(err.toString()).contains("'no-such-model' is neither an existing file nor a zoo model")
                .contains("mnist-cnn");
    }

    @Test
    void benchJsonHasOneObjectPerConfiguration() throws Exception {
        int code = run("bench", "--work-dir", WORK.toString(), "mnist-cnn", "--batch", "1,4", "--threads", "1",
                "--warmup", "1",
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
        int code = run("bench", "--work-dir", WORK.toString(), "mnist-cnn", "--batch", "2", "--threads", "1",
                "--concurrency", "1,2", "--warmup", "2",
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

    private static final String[] QUICK = {"--warmup", "1", "--min-iterations", "5", "--min-duration-ms", "0",
        "--max-duration-ms", "120000", "--target-ci", "0", "--json"};

    private int bench(Path model, String... args) {
        String[] all = new String[3 + args.length + QUICK.length];
        all[0] = "bench";
        all[1] = "--work-dir=" + WORK;
        all[2] = model.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        System.arraycopy(QUICK, 0, all, 3 + args.length, QUICK.length);
        return run(all);
    }

    @Test
    void benchWithASymbolicNonBatchDimAndNoValueFailsWithOneLine(@TempDir Path dir) throws Exception {
        Path model = TinyModels.openDimsRelu(dir, "tokens.onnx", "batch", "sequence");

        assertThat(bench(model)).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).hasLineCount(1).contains("input 'x' of tokens.onnx has no value for dimension 1"
                + " (symbol 'sequence') of [batch, sequence]; pass --dim sequence=SIZE or --input x=1x<sequence>");
    }

    @Test
    void benchSizesSymbolsByDimAndUnnamedDimsByInput(@TempDir Path dir) throws Exception {
        Path tokens = TinyModels.openDimsRelu(dir, "tokens.onnx", "batch", "sequence");
        assertThat(bench(tokens, "--dim", "sequence=16", "--batch", "2")).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(out.toString()).get(0).get("batch").asInt()).isEqualTo(2);

        Path image = TinyModels.openDimsRelu(dir, "det.onnx", "?", 3, "?", null);
        out.getBuffer().setLength(0);
        assertThat(bench(image, "--input", "x=1x3x48x192", "--batch", "1,4", "--in-process")).as(err.toString())
                .isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toString());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("batch").asInt()).isEqualTo(4);

        out.getBuffer().setLength(0);
        assertThat(bench(image, "--in-process")).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).contains("input 'x' of det.onnx has no value for dimension 2"
                + " (unnamed, dim_param '?') of [?, 3, ?, ?]; pass --input x=1x3x<d2>x<d3>");
    }

    @Test
    void benchFeedsValueToAnIntegerInputAndRefusesABadOneInOneLine(@TempDir Path dir) throws Exception {
        Path model = TinyModels.gatherByInput(dir);
        assertThat(bench(model, "--value", "idx=3", "--batch", "1,2")).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(out.toString())).hasSize(2);
        // idx 7 is out of x's 4 columns: the run fails only because the value reached the model
        out.getBuffer().setLength(0);
        assertThat(bench(model, "--value", "idx=7")).isNotZero();
        assertThat(err.toString()).containsIgnoringCase("idx");

        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertThat(bench(model, "--value", "idx=fast")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).hasLineCount(1)
                .contains("--value 'idx=fast' is not NAME=V[,V...] with integer values");

        err.getBuffer().setLength(0);
        assertThat(bench(model, "--value", "rate=16000", "--in-process")).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).contains("has no input 'rate'");
    }

    @Test
    void badTargetCiIsOneLine() {
        assertThat(run("bench", "--work-dir", WORK.toString(), "mnist-cnn", "--target-ci", "150%")).isEqualTo(2);
        assertThat(err.toString()).contains("'150%' is not a fraction in [0, 1)");
    }

    @Test
    void calibrateQuickStoresFigures(@TempDir Path dir) throws Exception {
        int code = run("calibrate", "--quick", "--threads", "1", "--budget", "1s", "--kernel-threads", "1",
                "--work-dir", dir.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode f = new ObjectMapper().readTree(out.toString());
        assertThat(f.get("matmulGflops").asDouble()).isPositive();
        assertThat(f.get("memoryGbPerS").asDouble()).isPositive();
        assertThat(f.get("callOverheadUs").asDouble()).isPositive().isLessThan(10_000);
        assertThat(f.get("nodeOverheadUs").asDouble()).isNotNegative();
        assertThat(f.get("threads").asInt()).isEqualTo(1);
        // the file holds the same figures plus the kernel samples (one per type at least, at the one thread count)
        JsonNode stored = new ObjectMapper().readTree(dir.resolve("calibration.json").toFile());
        JsonNode kernels = ((com.fasterxml.jackson.databind.node.ObjectNode) stored).remove("kernels");
        assertThat(stored).isEqualTo(f);
        assertThat(kernels.get("format").asInt()).isEqualTo(1);
        assertThat(kernels.get("threads")).hasSize(1);
        assertThat(kernels.get("threads").get(0).get("samples").findValuesAsText("type")).contains("conv",
                "conv-depthwise", "conv-add", "gemm", "softmax", "layernorm");
        // what it was measured on, so a profile carried elsewhere is known to be stale
        assertThat(f.get("hardwareFingerprint").asText()).matches("[0-9a-f]{16}");
        assertThat(f.get("engineVersion").asText()).isEqualTo(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    }

    @Test
    void badKernelThreadsAreAOneLineUserError(@TempDir Path dir) {
        assertThat(run("calibrate", "--quick", "--kernel-threads", "0", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--kernel-threads 0 is invalid; expected thread counts >= 1");
        assertThat(dir.resolve("calibration.json")).doesNotExist();
    }

    @Test
    void aRefreshWithoutAStoredProfileIsAOneLineUserError(@TempDir Path dir) {
        assertThat(run("calibrate", "--refresh", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("a refresh needs a profile with kernel samples in "
                + dir.resolve("calibration.json") + "; run `agent calibrate` without --refresh first");
        assertThat(dir.resolve("calibration.json")).doesNotExist();
    }

    @Test
    void aRefreshOfAnotherMachinesProfileIsRefusedAndTheFileKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calibration.json");
        String other = "{\"matmulGflops\": 41.5, \"convGflops\": 30.25, \"memoryGbPerS\": 9.5, \"callOverheadUs\": 12.0,"
                + " \"threads\": 2, \"measuredUnixMs\": 1, \"hardwareFingerprint\": \"0123456789abcdef\","
                + " \"engineVersion\": \"1.19.2\", \"kernels\": {\"format\": 1, \"engine\": \"onnxruntime 1.19.2\","
                + " \"budgetS\": 1, \"seconds\": 1, \"threads\": [{\"threads\": 1, \"callOverheadUs\": 3.0,"
                + " \"samples\": [{\"type\": \"gemm\", \"features\": {\"m\": 1}, \"flops\": 10, \"bytes\": 20,"
                + " \"ms\": 0.5}]}]}}";
        Files.writeString(file, other);
        assertThat(run("calibrate", "--refresh", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(file + " was calibrated on hardware 0123456789abcdef with ONNX Runtime"
                + " 1.19.2, not this machine's ").contains("; run `agent calibrate` without --refresh")
                .doesNotContain("\tat ");
        assertThat(Files.readString(file)).isEqualTo(other);
        // nor does a refresh take thread counts or a zero budget: it re-times what the profile has
        assertThat(run("calibrate", "--refresh", "--kernel-threads", "1", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--kernel-threads does not go with --refresh");
        assertThat(run("calibrate", "--refresh", "--budget", "0", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--budget 0 with --refresh re-times nothing");
        assertThat(Files.readString(file)).isEqualTo(other);
    }

    @Test
    void infoJsonHasTheHardwareFields() throws Exception {
        assertThat(run("info", "--json", "--work-dir", WORK.toString())).isZero();
        JsonNode hw = new ObjectMapper().readTree(out.toString());
        assertThat(hw.get("fingerprint").asText()).matches("[0-9a-f]{16}");
        assertThat(hw.get("logicalCores").asInt()).isPositive();
        // The loaded runtime reports its own version, so an ONNX Runtime upgrade needs no test change.
        assertThat(hw.get("engineVersion").asText()).matches("\\d+\\.\\d+\\.\\d+")
                .isEqualTo(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        // the default build's ONNX Runtime offers CPU; -Pgpu's adds CUDA and TENSOR_RT
        assertThat(hw.get("executionProviders")).extracting(JsonNode::asText).contains("CPU");
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

    @Test
    void workDirThatIsAFileIsOneLineAndExit2(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("join-token"), "abc123\n");
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        for (String command : new String[] {"run", "bench", "calibrate"}) {
            err.getBuffer().setLength(0);
            String[] args = switch (command) {
                case "run" -> new String[] {"run", "--coordinator=127.0.0.1:7700", "--token-file=" + token,
                        "--work-dir=" + file};
                case "bench" -> new String[] {"bench", "mnist-cnn", "--work-dir=" + file};
                default -> new String[] {"calibrate", "--quick", "--work-dir=" + file};
            };
            assertThat(run(args)).as(command).isEqualTo(2);
            assertThat(err.toString()).as(command).isEqualTo("edgeperf-agent: --work-dir " + file
                    + " is a file, not a directory; expected a directory (it is created when missing)"
                    + System.lineSeparator());
        }
        err.getBuffer().setLength(0);
        assertThat(run("run", "--coordinator=127.0.0.1:7700", "--token-file=" + token,
                "--work-dir=" + file.resolve("below"))).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf-agent: cannot create --work-dir " + file.resolve("below"))
                .hasLineCount(1);
    }

    /** Issue 11: a garbage file gave exit 69 and ONNX Runtime's raw text; it is the user's input. */
    @Test
    void benchOnAGarbageFileIsOneUserErrorLineNamingTheFile(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "this is not an onnx model");
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        for (Path f : new Path[] {junk, empty}) {
            err.getBuffer().setLength(0);
            assertThat(run("bench", f.toString(), "--work-dir", WORK.toString(), "--min-iterations", "1"))
                    .as(f.toString()).isEqualTo(2);
            String line = err.toString().lines().filter(l -> l.startsWith("edgeperf-agent:")).findFirst().orElseThrow();
            assertThat(line).startsWith("edgeperf-agent: MODEL " + f + " is not an ONNX model ONNX Runtime can load (")
                    .doesNotContain("ORT_", "onnxruntime_src", "Exception");
        }
    }

    @Test
    void stackTracesOnlyWithVerbose(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThat(run("bench", "mnist-cnn", "--work-dir=" + file)).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1);
        for (String flag : new String[] {"-v", "--verbose"}) {
            err.getBuffer().setLength(0);
            assertThat(run(flag, "bench", "mnist-cnn", "--work-dir=" + file)).isEqualTo(2);
            assertThat(err.toString()).as(flag).contains("at dev.edgeperf.");
        }
    }

    @Test
    void noCoordinatorSaysHowToGiveOne(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("EDGEPERF_COORDINATOR") == null);
        assertThat(run("run", "--token-file", dir.resolve("t").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf-agent: no coordinator given; pass --coordinator=HOST:PORT "
                + "(e.g. --coordinator=192.168.1.10:7700) or set EDGEPERF_COORDINATOR" + System.lineSeparator());
    }

    @Test
    void missingDefaultTokenFileSaysWhereItLookedAndHowToPassOne() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("EDGEPERF_TOKEN_FILE") == null);
        assertThat(run("run", "--coordinator=127.0.0.1:7700")).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf-agent: join token file ./edgeperf-data/join-token does not "
                + "exist (from the default; neither --token-file nor EDGEPERF_TOKEN_FILE was given)")
                .contains("--token-file=FILE").contains("EDGEPERF_TOKEN_FILE=FILE").hasLineCount(1);
    }

    /** The variables are read by picocli from the real environment, so this runs the CLI in a child JVM. */
    @Test
    void environmentGivesCoordinatorAndTokenFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("from-env-token");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(), "run",
                "--work-dir=" + WORK).redirectErrorStream(true);
        pb.environment().put("EDGEPERF_COORDINATOR", "bad address");
        pb.environment().put("EDGEPERF_TOKEN_FILE", missing.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(output).contains("--coordinator 'bad address' is not HOST:PORT");

        pb.environment().put("EDGEPERF_COORDINATOR", "127.0.0.1:7700");
        p = pb.start();
        output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(output).contains("edgeperf-agent: join token file " + missing + " does not exist (from "
                + "EDGEPERF_TOKEN_FILE)");
    }

    @Test
    void everyMainCommandHelpHasAnExampleAndHidesDebuggingFlags() {
        for (String command : new String[] {"run", "bench", "calibrate", "info"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString()).as(command).containsPattern("Examples?:\\R  scripts/agent " + command)
                    .doesNotContain("--in-process");
        }
        out.getBuffer().setLength(0);
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("-v, --verbose").doesNotContain("bench-harness");
        out.getBuffer().setLength(0);
        assertThat(run("run", "--help")).isZero();
        assertThat(out.toString()).contains("--coordinator=HOST:PORT").contains("$EDGEPERF_COORDINATOR")
                .contains("$EDGEPERF_TOKEN_FILE");
    }

    @Test
    void versionIsTheProjectVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString().trim()).isEqualTo("edgeperf-agent " + dev.edgeperf.core.EdgeperfVersion.get());
    }
}
