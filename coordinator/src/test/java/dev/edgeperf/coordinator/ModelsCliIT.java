package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models profile} and {@code models list} through the packaged jar, as a user runs them:
 * the happy paths print the counts, and every kind of bad model or shape ends in one line on
 * stderr that names the file and the problem, with exit code 2.
 */
class ModelsCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TESTDATA = Path.of("/usr/share/libonnx-testdata/data");

    @TempDir
    Path tmp;

    private record Outcome(int exitCode, String stdout, String stderr) {
    }

    private static Path repoRoot() {
        String root = System.getProperty("edgeperf.repoRoot");
        return (root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    /** Runs the coordinator jar with a private cache folder; kills it after 120 s. */
    private Outcome run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx2g", "-jar", repoRoot().resolve("coordinator/target/edgeperf-coordinator.jar")
                .toString()));
        command.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("EDGEPERF_CACHE_DIR", tmp.resolve("cache").toString());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("timed out: " + command);
        }
        return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Exit code 2, nothing on stdout, exactly one line on stderr naming {@code file} and containing {@code problem}. */
    private static void assertOneLineError(Outcome o, Path file, String problem) {
        assertThat(o.exitCode()).as("exit code; stderr: " + o.stderr()).isEqualTo(2);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr().strip().lines()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).startsWith("edgeperf: ").contains(file.toString()).contains(problem);
    }

    private Path mnist() throws Exception {
        Path file = tmp.resolve("mnist-cnn.onnx");
        Files.write(file, ModelZoo.build("mnist-cnn"));
        return file;
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] model = ModelZoo.build("mnist-cnn");
        Path file = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(model, model.length / 2));
        assertOneLineError(run("models", "profile", file.toString()), file, "not a valid ONNX model: ");
    }

    @Test
    void textFileRenamedOnnx() throws Exception {
        Path file = Files.writeString(tmp.resolve("readme.onnx"), "# My model\n\nThis is the README, not a model.\n",
                StandardCharsets.UTF_8);
        assertOneLineError(run("models", "profile", file.toString()), file, "not a valid ONNX model: ");
    }

    @Test
    void inputNameTheModelDoesNotHave() throws Exception {
        Path file = mnist();
        Outcome o = run("models", "profile", file.toString(), "--input", "pixels=1x1x28x28");
        assertOneLineError(o, file, "has no input 'pixels'; its inputs are 'input' [N, 1, 28, 28]");
    }

    @Test
    void shapeThatContradictsTheModel() throws Exception {
        Path file = mnist();
        assertOneLineError(run("models", "profile", file.toString(), "--input", "input=1x3x28x28"), file,
                "contradicts dimension 1");
        assertOneLineError(run("models", "profile", file.toString(), "--input", "input=1x28x28"), file,
                "has rank 4");
    }

    @Test
    void unknownInputDimsWithoutOverride() throws Exception {
        Path file = tmp.resolve("any-size.onnx");
        Files.write(file, reluWithOpenSpatialDims().toByteArray());
        assertOneLineError(run("models", "profile", file.toString()), file,
                "has no value for dimension 2 (symbol 'height') of [N, 3, height, width]; pass --dim height=SIZE"
                        + " or --input image=1x3x<height>x<width>");

        Outcome fixed = run("models", "profile", file.toString(), "--input", "image=2x3x10x12", "--json");
        assertThat(fixed.exitCode()).as(fixed.stderr()).isZero();
        assertThat(JSON.readTree(fixed.stdout()).get("nodes").get(0).get("outputShape").toString())
                .isEqualTo("[2,3,10,12]");
    }

    @Test
    void questionMarkDimsEachTakeTheirOwnSizeAndDimSetsNamedOnes() throws Exception {
        Path file = tmp.resolve("det.onnx");
        Files.write(file, reluWithOpenSpatialDims("?", "3", "?", "?").toByteArray());
        Outcome o = run("models", "profile", file.toString(), "--input", "image=1x3x48x192", "--json");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(JSON.readTree(o.stdout()).get("nodes").get(0).get("outputShape").toString())
                .isEqualTo("[1,3,48,192]");
        assertOneLineError(run("models", "profile", file.toString()), file,
                "has no value for dimension 2 (unnamed, dim_param '?') of [?, 3, ?, ?]; pass --input image=1x3x<d2>x<d3>");

        Path named = tmp.resolve("any-size.onnx");
        Files.write(named, reluWithOpenSpatialDims().toByteArray());
        Outcome byName = run("models", "profile", named.toString(), "--dim", "height=10", "--dim", "width=12",
                "--batch", "2", "--json");
        assertThat(byName.exitCode()).as(byName.stderr()).isZero();
        assertThat(JSON.readTree(byName.stdout()).get("nodes").get(0).get("outputShape").toString())
                .isEqualTo("[2,3,10,12]");
        assertOneLineError(run("models", "profile", named.toString(), "--dim", "h=10"), named,
                "has no dimension named 'h'; its named dimensions are N, height, width");
    }

    private static ModelProto reluWithOpenSpatialDims() {
        return reluWithOpenSpatialDims("N", "3", "height", "width");
    }

    private static ModelProto reluWithOpenSpatialDims(String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(d.equals("3") ? TensorShapeProto.Dimension.newBuilder().setDimValue(3)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("image").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape))))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("image").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph).build();
    }

    @Test
    void missingFileAndUnknownZooName() throws Exception {
        Path file = tmp.resolve("nowhere.onnx");
        assertOneLineError(run("models", "profile", file.toString()), file, "does not exist");
        Outcome o = run("models", "profile", "resnet51");
        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.stderr().strip().lines()).hasSize(1);
        assertThat(o.stderr()).contains("resnet51").contains("resnet50");
    }

    @Test
    void aBatchWhoseCountsOverflowIsOneLineNotNegativeMacs() throws Exception {
        Outcome o = run("models", "profile", "mobilenet-v2", "--batch", "99999999999");
        assertThat(o.exitCode()).as(o.stderr()).isEqualTo(2);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr().strip().lines()).as(o.stderr()).hasSize(1);
        assertThat(o.stderr()).startsWith("edgeperf: mobilenet-v2 cannot be counted at batch 99999999999: ")
                .contains("9,223,372,036,854,775,807 (2^63-1)");
    }

    @Test
    void mnistCnnTableWithPredictedTime() throws Exception {
        Outcome o = run("models", "profile", "mnist-cnn", "--peak-gflops", "1");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        // The seed article's per-layer figures; their true sum is 1,059,880 (the article says 1,060,400).
        assertThat(o.stdout()).contains("60,840").contains("259,200").contains("737,280").contains("2,560");
        assertThat(o.stdout()).containsPattern("FLOPs +1,059,880 ");
        assertThat(o.stdout()).containsPattern("parameters +370,338 +trainable 370,338, non-trainable 0");
        assertThat(o.stdout()).containsPattern("MACs +529,940 ");
        assertThat(o.stdout()).containsPattern("weight bytes +1,481,352 ");
        assertThat(o.stdout()).containsPattern("peak activation bytes +[0-9,]+ ");
        assertThat(o.stdout()).containsPattern("file size bytes +[0-9,]+ ");
        assertThat(o.stdout()).contains("uncounted op types: none");
        assertThat(o.stdout()).contains("predicted time at 1 GFLOPS: 1.06 ms");
        // The quoted total is shown next to the measured one, with why they differ.
        assertThat(o.stdout()).containsPattern("FLOPs +1,060,400 +seed article +1,059,880 +differs \\(-520, -0.049%\\)")
                .contains("sum to 1,059,880; its quoted total is 520 more");
    }

    @Test
    void kerasMlpCountsItsFrozenLayersFromTheExportedFile() throws Exception {
        Path file = tmp.resolve("keras-mlp.onnx");
        Files.write(file, ModelZoo.build("keras-mlp"));
        for (String model : List.of("keras-mlp", file.toString())) {
            Outcome o = run("models", "profile", model);
            assertThat(o.exitCode()).as(o.stderr()).isZero();
            assertThat(o.stdout()).containsPattern("parameters +387 +trainable 249, non-trainable 138");
            JsonNode json = JSON.readTree(run("models", "profile", model, "--json").stdout());
            assertThat(json.get("trainableParams").asLong()).isEqualTo(249);
            assertThat(json.get("nonTrainableParams").asLong()).isEqualTo(138);
        }
        Outcome zoo = run("models", "profile", "keras-mlp");
        assertThat(zoo.stdout()).containsPattern("trainable parameters +249 +Keras model.summary\\(\\) +249 +equal")
                .containsPattern("non-trainable parameters +138 +Keras model.summary\\(\\) +138 +equal");
    }

    @Test
    void mnistCnnPoolShowsTheQuotedLayersAndTheRulesThatGiveThem() throws Exception {
        Outcome o = run("models", "profile", "mnist-cnn-pool");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        assertThat(o.stdout()).containsPattern("FLOPs +210,100 +seed article +150,820 +differs")
                .containsPattern("averagepool_1 +AveragePool +3,380 +845 +3,380 +kernel area x output elements")
                .containsPattern("conv2 +Conv +108,900 +54,450 +108,900 +2 x MACs with 10 kernels \\(the model has 5\\)")
                .containsPattern("averagepool_2 +AveragePool +2,420 +125 +2,420 +kernel area x input elements")
                .containsPattern("total +210,100 +150,820 +210,100");
        JsonNode layers = JSON.readTree(run("models", "profile", "mnist-cnn-pool", "--json").stdout()).get("quotedLayers");
        assertThat(layers).hasSize(6).allSatisfy(l -> assertThat(l.get("reproduced").asBoolean()).isTrue());
    }

    @Test
    void jsonNamesTheTotalsAndDetailedConventionCountsMore() throws Exception {
        Outcome seed = run("models", "profile", "mnist-cnn", "--json");
        assertThat(seed.exitCode()).as(seed.stderr()).isZero();
        JsonNode s = JSON.readTree(seed.stdout());
        assertThat(s.get("totalMacs").asLong()).isEqualTo(529_940);
        assertThat(s.get("totalFlops").asLong()).isEqualTo(1_059_880);
        assertThat(s.get("totalParams").asLong()).isEqualTo(370_338);
        assertThat(s.get("trainableParams").asLong()).isEqualTo(370_338);
        assertThat(s.get("nonTrainableParams").asLong()).isZero();
        assertThat(s.get("convention").asText()).isEqualTo("seed");
        assertThat(s.get("fileSizeBytes").asLong()).isEqualTo(ModelZoo.build("mnist-cnn").length);
        assertThat(s.get("published").get(0).get("value").asLong()).isEqualTo(1_060_400);
        assertThat(s.get("published").get(0).get("agrees").asBoolean()).isFalse();

        Outcome detailed = run("models", "profile", "mnist-cnn", "--json", "--convention", "detailed", "--batch", "4");
        assertThat(detailed.exitCode()).as(detailed.stderr()).isZero();
        JsonNode d = JSON.readTree(detailed.stdout());
        assertThat(d.get("convention").asText()).isEqualTo("detailed");
        assertThat(d.get("totalMacs").asLong()).isEqualTo(4 * 529_940);
        // Detailed adds, per node, what the seed rules leave out (bias adds, activations, ...): the
        // extra FLOPs are exactly the sum of the non-multiply-accumulate FLOPs of the nodes.
        long extra = 0;
        for (JsonNode n : d.get("nodes")) {
            extra += n.get("flops").asLong() - 2 * n.get("macs").asLong();
        }
        assertThat(extra).isPositive();
        assertThat(d.get("totalFlops").asLong()).isEqualTo(2 * 4 * 529_940 + extra);
    }

    @Test
    void realOnnxTestdataModel() throws Exception {
        Path dir = TESTDATA.resolve("pytorch-converted/test_Conv2d_depthwise_strided");
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "libonnx-testdata not installed");
        }
        TensorProto expected = TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb")));
        Outcome o = run("models", "profile", dir.resolve("model.onnx").toString(), "--json");
        assertThat(o.exitCode()).as(o.stderr()).isZero();
        JsonNode p = JSON.readTree(o.stdout());
        JsonNode conv = p.get("nodes").get(p.get("nodes").size() - 1);
        List<Long> shape = new ArrayList<>();
        conv.get("outputShape").forEach(n -> shape.add(n.asLong()));
        assertThat(shape).containsExactlyElementsOf(expected.getDimsList());
        assertThat(p.get("fileSizeBytes").asLong()).isEqualTo(Files.size(dir.resolve("model.onnx")));
        assertThat(p.get("totalMacs").asLong()).isPositive();
        assertThat(p.get("uncountedOpTypes").size()).isZero();
    }

    @Test
    void listShowsTheZooWithCountsAndCachesThem() throws Exception {
        long start = System.nanoTime();
        Outcome first = run("models", "list", "--json");
        double firstSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        JsonNode zoo = JSON.readTree(first.stdout());
        assertThat(zoo).hasSize(ModelZoo.names().size());
        JsonNode resnet50 = null;
        for (JsonNode m : zoo) {
            assertThat(m.get("totalParams").asLong()).as(m.get("name").asText()).isPositive();
            assertThat(m.get("totalMacs").asLong()).as(m.get("name").asText()).isPositive();
            if (m.get("name").asText().equals("resnet50")) {
                resnet50 = m;
            }
        }
        // torchvision's published resnet50 figure counts trainable parameters: 25,557,032.
        assertThat(resnet50.get("trainableParams").asLong()).isEqualTo(25_557_032L);
        assertThat(zoo.get(4).get("name").asText()).isEqualTo("keras-mlp");
        assertThat(zoo.get(4).get("totalParams").asLong()).isEqualTo(387);
        // layers 2 and 3 frozen, read from the model's training_info update bindings
        assertThat(zoo.get(4).get("trainableParams").asLong()).isEqualTo(249);
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .anyMatch(n -> n.matches("zoo-costs-[0-9a-f]{16}\\.properties"));
        }

        Outcome table = run("models", "list");
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.stdout()).containsPattern("vgg16 +138,357,544 +138,357,544 +15,470,264,320 +553\\.");
        assertThat(table.stdout()).containsPattern("mnist-cnn +370,338 +370,338 +529,940 ");
        assertThat(JSON.readTree(run("models", "list", "--json").stdout())).isEqualTo(zoo);
        System.out.printf("models list: first run %.1f s%n", firstSeconds);

        Outcome names = run("models", "list", "--no-costs");
        assertThat(names.exitCode()).isZero();
        assertThat(names.stdout()).contains("vgg16").doesNotContain("138,357,544");
    }
}
