package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models predict} through the packaged jars: a device profile that the real {@code agent calibrate
 * --out} wrote, every predictor's figure in JSON, and one-line errors for bad profiles and predictor names.
 */
class ModelsPredictIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void stop() throws InterruptedException {
        processes.close();
    }

    private Processes.Outcome coordinator(String... args) throws Exception {
        return processes.run(Processes.javaJar(Processes.coordinatorJar(), args), tmp, Duration.ofSeconds(120));
    }

    @Test
    void predictsFromTheProfileAgentCalibrateWrote() throws Exception {
        Path profile = tmp.resolve("device.json");
        Processes.Outcome calibrate = processes.run(Processes.javaJar(Processes.agentJar(), "calibrate", "--quick",
                "--threads", "1", "--budget", "3s", "--kernel-threads", "1", "--work-dir", tmp.resolve("agent").toString(), "--out", profile.toString()), tmp,
                Duration.ofSeconds(180));
        assertThat(calibrate.exitCode()).as(calibrate.stderr()).isZero();
        JsonNode device = JSON.readTree(profile.toFile());

        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--batch", "4", "--device-profile",
                profile.toString(), "--json");

        assertThat(o.exitCode()).as(o.stderr()).isZero();
        JsonNode json = JSON.readTree(o.stdout());
        long flops = ModelProfiler.profile(ModelZoo.build("mnist-cnn"), "mnist-cnn", ProfileOptions.batch(4)).totalFlops();
        assertThat(json.get("flops").asLong()).isEqualTo(flops);
        double peak = Math.max(device.get("matmulGflops").asDouble(), device.get("convGflops").asDouble());
        assertThat(json.get("predictors").get("naive-flops").asDouble()).isCloseTo(flops / (peak * 1e9) * 1e3,
                within(1e-9));
        // the roofline adds memory-bound time and dispatch to the same FLOPs, so it is never below the naive rule
        assertThat(json.get("predictors").get("roofline").asDouble())
                .isGreaterThan(json.get("predictors").get("naive-flops").asDouble());
        assertThat(json.get("details").get("roofline").get("topNodes")).isNotEmpty();
        // the kernel predictor refits the samples calibrate stored and covers every kernel of mnist-cnn
        JsonNode kernels = device.get("kernels");
        assertThat(kernels.get("format").asInt()).isEqualTo(1);
        assertThat(kernels.get("threads").get(0).get("threads").asInt()).isEqualTo(1);
        assertThat(kernels.get("threads").get(0).get("samples").size()).isGreaterThanOrEqualTo(11);
        assertThat(json.get("predictors").get("kernel").asDouble()).isPositive();
        assertThat(json.get("predictor").asText()).isEqualTo("kernel");
        assertThat(json.get("predictedMs").asDouble()).isEqualTo(json.get("predictors").get("kernel").asDouble());
        assertThat(json.get("details").get("kernel").get("basis").asText()).contains("at 1 thread(s)")
                .doesNotContain("not predicted");
        assertThat(json.get("details").get("kernel").get("topNodes").findValuesAsText("opType"))
                .contains("FusedConv", "Softmax");

        // an op type no kernel regressor covers is named, with its share
        Path transpose = tmp.resolve("transpose.onnx");
        Files.write(transpose, transposeThenSoftmax().toByteArray());
        Processes.Outcome partial = coordinator("models", "predict", transpose.toString(), "--threads", "1",
                "--device-profile", profile.toString(), "--predictor", "kernel");
        assertThat(partial.exitCode()).as(partial.stderr()).isZero();
        assertThat(partial.stdout()).contains("not predicted: Transpose x1 (1 of 2 kernels");
        // and kernel samples only at 1 thread give no prediction at 2, saying why
        Processes.Outcome two = coordinator("models", "predict", "mnist-cnn", "--threads", "2",
                "--device-profile", profile.toString(), "--predictor", "kernel");
        assertThat(two.exitCode()).as(two.stderr()).isZero();
        assertThat(two.stdout()).contains("kernel samples at threads [1], not at 2");
        // the profile says what it was measured on; measured here with this engine, so it is current
        assertThat(device.path("hardwareFingerprint").asText()).isNotBlank();
        assertThat(device.path("engineVersion").asText()).isNotBlank();
        assertThat(json.get("stale").asBoolean()).isFalse();
        assertThat(o.stderr()).doesNotContain("stale");

        Processes.Outcome table = coordinator("models", "predict", "mnist-cnn", "--device-profile", profile.toString(),
                "--predictor", "roofline", "--top", "3");
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.stdout()).contains("roofline *").contains("Top 3 of").doesNotContain("naive-flops");
    }

    /**
     * A profile whose samples say the device was twice as fast as it is: {@code agent calibrate --refresh}
     * re-times the first samples, finds each type about 2x slower now, keeps the samples, and the kernel
     * prediction comes back to what the true profile predicts.
     */
    @Test
    void aRefreshFindsTheDriftOfAProfileTakenOnAFasterDayAndScalesItsPredictions() throws Exception {
        Path truthDir = tmp.resolve("truth");
        Processes.Outcome calibrate = processes.run(Processes.javaJar(Processes.agentJar(), "calibrate", "--quick",
                "--threads", "1", "--budget", "8s", "--kernel-threads", "1", "--work-dir", truthDir.toString()), tmp,
                Duration.ofSeconds(180));
        assertThat(calibrate.exitCode()).as(calibrate.stderr()).isZero();
        Path truth = truthDir.resolve("calibration.json");
        com.fasterxml.jackson.databind.node.ObjectNode fast = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(truth.toFile());
        for (JsonNode sample : fast.get("kernels").get("threads").get(0).get("samples")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) sample).put("ms", sample.get("ms").asDouble() / 2);
        }
        Path fastDir = Files.createDirectories(tmp.resolve("fast"));
        Path fastFile = fastDir.resolve("calibration.json");
        Files.writeString(fastFile, JSON.writeValueAsString(fast));
        double truthMs = kernelMs(truth);
        double fastMs = kernelMs(fastFile);

        Path refreshedFile = tmp.resolve("refreshed.json");
        Processes.Outcome refresh = processes.run(Processes.javaJar(Processes.agentJar(), "calibrate", "--quick",
                "--refresh", "--budget", "8s", "--work-dir", fastDir.toString(), "--out", refreshedFile.toString()), tmp,
                Duration.ofSeconds(180));

        assertThat(refresh.exitCode()).as(refresh.stderr()).isZero();
        assertThat(refresh.stdout()).containsPattern("drift +x\\d\\.\\d\\d median at 1 thread\\(s\\) over \\d+ kernel types");
        JsonNode refreshed = JSON.readTree(refreshedFile.toFile()).get("kernels").get("threads").get(0);
        // the samples are kept as they were; the drift of each type re-timed is about 2 (both runs are noisy)
        assertThat(refreshed.get("samples")).isEqualTo(fast.get("kernels").get("threads").get(0).get("samples"));
        JsonNode drift = refreshed.get("drift");
        assertThat(drift.size()).as(drift.toString()).isGreaterThanOrEqualTo(5);
        double[] factors = java.util.stream.StreamSupport.stream(drift.spliterator(), false)
                .mapToDouble(JsonNode::asDouble).sorted().toArray();
        assertThat(factors[factors.length / 2]).as(drift.toString()).isBetween(1.4, 2.9);
        assertThat(Files.readString(fastDir.resolve("calibration.json"))).isEqualTo(Files.readString(refreshedFile));

        double refreshedMs = kernelMs(refreshedFile);
        assertThat(refreshedMs / truthMs).as("refreshed %.4f, true %.4f, fast %.4f ms", refreshedMs, truthMs, fastMs)
                .isBetween(0.7, 1.45);
        assertThat(refreshedMs).isGreaterThan(1.3 * fastMs);
        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--threads", "1", "--device-profile",
                refreshedFile.toString(), "--predictor", "kernel");
        assertThat(o.stdout()).contains("refreshed: each type scaled by its drift since calibration, median x");
    }

    /** The kernel predictor's ms for mnist-cnn at 1 thread from a profile file. */
    private double kernelMs(Path profile) throws Exception {
        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--threads", "1", "--device-profile",
                profile.toString(), "--json");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        return JSON.readTree(o.stdout()).get("predictors").get("kernel").asDouble();
    }

    @Test
    void aProfileFromAnotherEngineVersionIsWarnedAndItsPredictionsLabelledStale() throws Exception {
        Path old = Files.writeString(tmp.resolve("old.json"), "{\"matmulGflops\": 40, \"convGflops\": 30,"
                + " \"memoryGbPerS\": 10, \"callOverheadUs\": 20, \"threads\": 2,"
                + " \"hardwareFingerprint\": \"fp-pi5\", \"engineVersion\": \"0.9.0\"}");
        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--device-profile", old.toString(), "--json");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(o.stderr()).contains("warning: --device-profile " + old + " is stale (calibrated with onnxruntime"
                + " 0.9.0, this machine runs ");
        JsonNode json = JSON.readTree(o.stdout());
        assertThat(json.get("stale").asBoolean()).isTrue();
        assertThat(json.get("staleReason").asText()).startsWith("calibrated with onnxruntime 0.9.0");
        assertThat(json.get("predictors").get("naive-flops").asDouble()).isPositive();
    }

    @Test
    void aProfileOlderThanTheMaxAgeIsWarnedAndLabelledStaleUnlessTheLimitAllowsIt() throws Exception {
        long tenDaysAgo = System.currentTimeMillis() - java.time.Duration.ofDays(10).toMillis() - 60_000;
        Path old = Files.writeString(tmp.resolve("ten-days.json"), "{\"matmulGflops\": 40, \"convGflops\": 30,"
                + " \"memoryGbPerS\": 10, \"callOverheadUs\": 20, \"threads\": 2, \"measuredUnixMs\": " + tenDaysAgo
                + "}");
        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--device-profile", old.toString(), "--json");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(o.stderr()).contains("warning: --device-profile " + old + " is stale (measured 10.0 days ago, more"
                + " than the 7 days limit (--profile-max-age)").contains("scripts/agent calibrate --refresh");
        JsonNode json = JSON.readTree(o.stdout());
        assertThat(json.get("stale").asBoolean()).isTrue();
        assertThat(json.get("staleReason").asText()).startsWith("measured 10.0 days ago");
        assertThat(json.get("predictors").get("roofline").asDouble()).isPositive();

        Processes.Outcome table = coordinator("models", "predict", "mnist-cnn", "--device-profile", old.toString());
        assertThat(table.stdout()).contains("stale profile: measured 10.0 days ago");
        for (String limit : new String[] {"30d", "0s"}) {
            Processes.Outcome allowed = coordinator("models", "predict", "mnist-cnn", "--device-profile",
                    old.toString(), "--profile-max-age", limit, "--json");
            assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
            assertThat(allowed.stderr()).as(limit).doesNotContain("stale");
            assertThat(JSON.readTree(allowed.stdout()).get("stale").asBoolean()).as(limit).isFalse();
        }
        Processes.Outcome bad = coordinator("models", "predict", "mnist-cnn", "--device-profile", old.toString(),
                "--profile-max-age", "2w");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.stderr().lines().findFirst().orElseThrow()).startsWith("Invalid value for option"
                + " '--profile-max-age'").contains("a duration must look like 500ms, 30s, 10m, 1h or 7d, got '2w'");
    }

    @Test
    void aCorruptKernelSectionIsAOneLineUserError() throws Exception {
        String figures = "\"matmulGflops\": 40, \"convGflops\": 30, \"memoryGbPerS\": 10, \"callOverheadUs\": 20,"
                + " \"threads\": 1";
        Path badMs = Files.writeString(tmp.resolve("bad-ms.json"), "{" + figures + ", \"kernels\": {\"format\": 1,"
                + " \"engine\": \"ort\", \"budgetS\": 1, \"seconds\": 1, \"threads\": [{\"threads\": 1,"
                + " \"callOverheadUs\": 3, \"samples\": [{\"type\": \"conv\", \"features\": {}, \"flops\": 1,"
                + " \"bytes\": 1, \"ms\": \"fast\"}]}]}}");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", badMs.toString()),
                "--device-profile " + badMs + ": the kernel section is corrupt (");
        Path future = Files.writeString(tmp.resolve("future.json"), "{" + figures + ", \"kernels\": {\"format\": 2,"
                + " \"engine\": \"ort\", \"budgetS\": 1, \"seconds\": 1, \"threads\": []}}");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", future.toString()),
                "kernel profile format 2 is not supported; expected 1");
        // without a kernel section the kernel predictor says so and the others still answer
        Path none = Files.writeString(tmp.resolve("none.json"), "{" + figures + "}");
        Processes.Outcome o = coordinator("models", "predict", "mnist-cnn", "--device-profile", none.toString());
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("no prediction: needs the model's ONNX Runtime kernels").contains("roofline *");
        // a kernel section from before refreshes (no "drift") still reads, as never refreshed
        Path unrefreshed = Files.writeString(tmp.resolve("old-format.json"), "{" + figures + ", \"kernels\":"
                + " {\"format\": 1, \"engine\": \"ort\", \"budgetS\": 1, \"seconds\": 1, \"threads\": [{\"threads\": 1,"
                + " \"callOverheadUs\": 3, \"samples\": [{\"type\": \"softmax\", \"features\": {}, \"flops\": 10,"
                + " \"bytes\": 80, \"ms\": 0.001}]}]}}");
        Processes.Outcome old = coordinator("models", "predict", "mnist-cnn", "--threads", "1", "--device-profile",
                unrefreshed.toString(), "--predictor", "kernel");
        assertThat(old.exitCode()).as(old.stderr()).isZero();
        assertThat(old.stdout()).contains("sum of ").doesNotContain("refreshed:");
    }

    /** X [4, 6] -> Transpose -> Softmax, fp32. */
    private static OnnxMl.ModelProto transposeThenSoftmax() {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("t")
                .addInput(value("X", 4, 6)).addOutput(value("Y", 6, 4))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("transpose").setOpType("Transpose").addInput("X")
                        .addOutput("T"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("softmax").setOpType("Softmax").addInput("T")
                        .addOutput("Y"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
                .setDomain("").setVersion(17)).setGraph(g).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    @Test
    void badProfilesAndPredictorNamesAreOneLineUserErrors() throws Exception {
        Path truncated = Files.writeString(tmp.resolve("truncated.json"), "{\"matmulGflops\": 41.5, \"convG");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", truncated.toString()),
                "--device-profile " + truncated + " is not a device profile: ");
        Path negative = Files.writeString(tmp.resolve("negative.json"), "{\"matmulGflops\": -1}");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", negative.toString()),
                "field 'matmulGflops' must be a positive number, got -1");
        Path missing = tmp.resolve("absent.json");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", missing.toString()),
                "--device-profile " + missing + " does not exist");
        Path good = Files.writeString(tmp.resolve("good.json"), "{\"matmulGflops\": 40, \"convGflops\": 30,"
                + " \"memoryGbPerS\": 10, \"callOverheadUs\": 20, \"threads\": 2}");
        assertOneLine(coordinator("models", "predict", "mnist-cnn", "--device-profile", good.toString(), "--predictor",
                "kernel-magic"), "unknown predictor 'kernel-magic'; expected one of naive-flops, roofline, kernel");
    }

    private static void assertOneLine(Processes.Outcome o, String message) {
        assertThat(o.exitCode()).as(o.stderr()).isEqualTo(2);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr().strip().lines()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).startsWith("edgeperf: ").contains(message);
    }
}
