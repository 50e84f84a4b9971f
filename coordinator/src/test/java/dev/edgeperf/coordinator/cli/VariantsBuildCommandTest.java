package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.OnnxModels;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code variants build}: argument errors leave nothing behind; small real builds write files and a manifest. */
class VariantsBuildCommandTest {
    @TempDir
    Path dir;

    private final CliCapture cli = new CliCapture();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    /** The error line (progress lines may come before it). */
    private String errorLine() {
        List<String> lines = err.toString().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void assertNothingWritten(Path outDir) throws IOException {
        assertThat(outDir).doesNotExist();
        try (Stream<Path> s = Files.list(outDir.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
        }
    }

    @Test
    void unknownRecipeIsAOneLineUserErrorAndWritesNothing() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "mnist-cnn", "--variants", "baseline,squeezed:4", "--out", o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("edgeperf: unknown variant recipe 'squeezed:4'; expected one of baseline")
                .hasLineCount(1);
        assertNothingWritten(o);
    }

    @Test
    void sparsityOutsideTheOpenUnitIntervalIsRejected() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "mnist-cnn", "--variants", "pruned:structured:1.0", "--out", o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("sparsity 1.0 in recipe 'pruned:structured:1.0' is out of range")
                .hasLineCount(1);
        assertNothingWritten(o);
    }

    @Test
    void aRecipeThatCannotApplyIsSkippedWithItsReasonAndTheOthersAreBuilt() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "keras-mlp", "--variants", "baseline,separable", "--out", o.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("skipped separable: ").containsIgnoringCase("conv");
        JsonNode m = JSON.readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(m.path("variants")).extracting(v -> v.path("recipe").asText()).containsExactly("baseline");
        assertThat(m.path("skipped").get(0).path("recipe").asText()).isEqualTo("separable");
        assertThat(m.path("skipped").get(0).path("reason").asText()).containsIgnoringCase("conv");
        assertThat(out.toString()).contains("skipped separable: ");
    }

    @Test
    void aRecipeThatChangesNothingIsBuiltAndReportedAsANoop() throws Exception {
        Path o = dir.resolve("noop");

        int code = run("variants", "build", "keras-mlp", "--variants", "baseline,pruned:structured:0.5", "--out",
                o.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("pruned:structured:0.5 (no-op)").contains("pruned:structured:0.5 no-op: ");
        JsonNode m = JSON.readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(m.path("variants").get(0).path("noop").asBoolean()).isFalse();
        JsonNode pruned = m.path("variants").get(1);
        assertThat(pruned.path("noop").asBoolean()).isTrue();
        assertThat(pruned.path("noopReason").asText()).isNotBlank();
    }

    @Test
    void aRecipeWhoseFidelityCollapsesIsSkippedAndAloneFailsWithOneLineLeavingNothing() throws Exception {
        Path o = dir.resolve("v");

        // separable's rank-1 fit of mnist-cnn's 1-channel convs answers one class for every input.
        int code = run("variants", "build", "mnist-cnn", "--variants", "separable", "--out", o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(errorLine()).startsWith("edgeperf: mnist-cnn variant separable failed: output 'output' fidelity to"
                + " the baseline collapsed on 32 calibration samples (cosine ").contains("SQNR", "top-1")
                .endsWith("a pruned or separable variant keeps cosine >= 0.25 and SQNR >= -6.0 dB)");
        assertNothingWritten(o);

        Path both = dir.resolve("both");
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "baseline,separable", "--out", both.toString()))
                .as(err.toString()).isZero();
        JsonNode m = JSON.readTree(Files.readString(both.resolve("manifest.json")));
        assertThat(m.path("skipped").get(0).path("reason").asText()).contains("fidelity to the baseline collapsed");
    }

    @Test
    void calibrationImagesThatDoNotFitTheModelInputNameBothShapes() throws Exception {
        Path data = idxFolder(dir.resolve("digits"), 8, 28, true);
        Path o = dir.resolve("v");

        int code = run("variants", "build", "resnet18", "--variants", "baseline", "--calibration", data.toString(),
                "--calibration-batches", "1", "--out", o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("edgeperf: calibration data " + data + " has images of shape [1, 28, 28]"
                + " per sample but model resnet18 input 'input' takes [3, 224, 224] per sample" + System.lineSeparator());
        assertNothingWritten(o);
    }

    @Test
    void finetuneOnAModelTheTrainerDoesNotKnowIsRejected() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "resnet18", "--variants", "pruned:structured:0.5+finetune:1", "--out",
                o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("+finetune works only on models the built-in trainer knows")
                .contains("resnet18").contains("strides 1").hasLineCount(1);
        assertNothingWritten(o);
    }

    @Test
    void finetuneOfAQuantizedRecipeOrWithoutLabelledDataIsRejected() throws Exception {
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "quantized:fp16+finetune:1", "--out",
                dir.resolve("a").toString())).isEqualTo(2);
        assertThat(errorLine()).contains("+finetune applies only to pruned:structured:S, pruned:unstructured:S and separable");
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "separable+finetune:1",
                "--calibration", "random", "--out", dir.resolve("d").toString())).isEqualTo(2);
        assertThat(errorLine()).contains("+finetune needs labelled training images");
        assertNothingWritten(dir.resolve("d"));
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "pruned:unstructured:0.5+finetune:0", "--out",
                dir.resolve("b").toString())).isEqualTo(2);
        assertThat(errorLine()).contains("must be an integer in [1, 100]");
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "pruned:unstructured:0.5+finetune:1",
                "--calibration", "random", "--out", dir.resolve("c").toString())).isEqualTo(2);
        assertThat(errorLine()).contains("+finetune needs labelled training images");
        assertNothingWritten(dir.resolve("a"));
        assertNothingWritten(dir.resolve("c"));
    }

    @Test
    void duplicateRecipesAndAnUnknownModelAreRejected() {
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "baseline,BASELINE", "--out",
                dir.resolve("a").toString())).isEqualTo(2);
        assertThat(errorLine()).isEqualTo("edgeperf: recipe 'baseline' is listed twice in --variants");
        assertThat(run("variants", "build", "no-such-net", "--variants", "baseline", "--out",
                dir.resolve("b").toString())).isEqualTo(2);
        assertThat(errorLine()).startsWith("edgeperf: unknown model 'no-such-net': expected one of mnist-cnn");
    }

    @Test
    void randomCalibrationBuildsRunnableVariantsWithAManifest() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "mnist-cnn", "--variants", "baseline,quantized:int8-static,clustered:16",
                "--calibration", "random", "--calibration-batches", "2", "--out", o.toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(new ObjectMapper().readTree(out.toString())).isEqualTo(m);
        assertThat(m.path("model").asText()).isEqualTo("mnist-cnn");
        assertThat(m.path("baseline").path("sha256").asText()).hasSize(64);
        assertThat(m.path("evaluation").path("labels").asBoolean()).isFalse();
        JsonNode int8 = m.path("variants").get(1);
        assertThat(int8.path("recipe").asText()).isEqualTo("quantized:int8-static");
        assertThat(int8.path("file").asText()).isEqualTo("mnist-cnn.quantized-int8-static.onnx");
        assertThat(int8.path("int8KernelsExecuted").asBoolean()).isTrue();
        assertThat(int8.path("accuracy").isNull()).isTrue();
        assertThat(int8.path("fidelity").path("samples").asInt()).isEqualTo(16);
        for (JsonNode v : m.path("variants")) {
            Path f = o.resolve(v.path("file").asText());
            assertThat(OnnxModels.read(f).getGraph().getInput(0).getName()).isEqualTo("input");
            assertThat(Files.size(f)).isEqualTo(v.path("fileBytes").asLong());
            assertThat(Digests.sha256Hex(Files.readAllBytes(f)))
                    .isEqualTo(v.path("sha256").asText());
            assertThat(v.path("macsDense").asLong()).isPositive();
        }
        assertThat(m.path("variants").get(2).path("gzipRatio").asDouble()).isLessThan(0.3);
        try (Stream<Path> s = Files.list(o)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("manifest.json",
                    "mnist-cnn.baseline.onnx", "mnist-cnn.quantized-int8-static.onnx", "mnist-cnn.clustered-16.onnx");
        }
        assertNothingWrittenBesides(o);
    }

    @Test
    void idxFolderCalibrationMeasuresAccuracyOnItsTestImagesAndPrintsATable() throws Exception {
        Path data = idxFolder(dir.resolve("digits"), 64, 28, true);
        Path o = dir.resolve("v");

        int code = run("variants", "build", "mnist-cnn", "--variants", "baseline,pruned:unstructured:0.5",
                "--calibration", data.toString(), "--calibration-batches", "1", "--eval-images", "100",
                "--out", o.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("recipe", "cosine", "SQNR", "top-1", "accuracy", "pruned:unstructured:0.5")
                .containsPattern("baseline .* 1\\.0000 +inf +100\\.00%")
                .contains("wrote 2 variant files and manifest.json to " + o);
        JsonNode m = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(m.path("evaluation").path("labels").asBoolean()).isTrue();
        assertThat(m.path("evaluation").path("samples").asInt()).isEqualTo(64);
        JsonNode pruned = m.path("variants").get(1);
        assertThat(pruned.path("accuracy").isNumber()).isTrue();
        assertThat(pruned.path("paramsNonZero").asLong()).isLessThan(pruned.path("paramsTotal").asLong() * 6 / 10);
        assertThat(pruned.path("macsEffective").asLong()).isLessThan(pruned.path("macsDense").asLong());
    }

    @Test
    void anOutFolderThatCannotBeCreatedIsAOneLineUserErrorNamingIt() throws Exception {
        Path blocker = Files.writeString(dir.resolve("a-file"), "x");
        for (Path bad : List.of(Path.of("/proc/edgeperf-x"), blocker.resolve("sub"))) {
            err.getBuffer().setLength(0);

            int code = run("variants", "build", "mnist-cnn", "--variants", "baseline", "--out", bad.toString());

            assertThat(code).as(err.toString()).isEqualTo(2);
            assertThat(errorLine()).startsWith("edgeperf: cannot write --out " + bad + ": cannot create a folder in "
                    + bad.getParent() + " (");
            assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aSecondBuildIntoTheSameFolderKeepsTheEarlierRecordsAndReplacesOnlyItsOwnRecipes() throws Exception {
        Path o = dir.resolve("v");
        String[] common = {"--calibration", "random", "--calibration-batches", "1", "--eval-images", "16",
            "--out", o.toString()};

        assertThat(run(concat(new String[] {"variants", "build", "mnist-cnn", "--variants", "baseline,clustered:16"},
                common))).as(err.toString()).isZero();
        JsonNode first = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(run(concat(new String[] {"variants", "build", "mnist-cnn", "--variants",
            "pruned:unstructured:0.5,clustered:16"}, common))).as(err.toString()).isZero();

        JsonNode m = new ObjectMapper().readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(m.path("variants").findValuesAsText("recipe"))
                .containsExactly("baseline", "clustered:16", "pruned:unstructured:0.5");
        assertThat(m.path("variants").get(0)).isEqualTo(first.path("variants").get(0));
        for (JsonNode v : m.path("variants")) {
            assertThat(o.resolve(v.path("file").asText())).exists();
        }
        assertThat(out.toString()).contains("wrote 2 variant files and manifest.json");
        assertNothingWrittenBesides(o);
    }

    @Test
    void aFolderHoldingAnotherModelsVariantsIsRefusedBeforeBuilding() throws Exception {
        Path o = dir.resolve("v");
        assertThat(run("variants", "build", "mnist-cnn", "--variants", "baseline", "--calibration-batches", "1",
                "--eval-images", "16", "--out", o.toString())).as(err.toString()).isZero();
        String before = Files.readString(o.resolve("manifest.json"));
        err.getBuffer().setLength(0);

        int code = run("variants", "build", "keras-mlp", "--variants", "baseline", "--out", o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).startsWith("edgeperf: " + o.resolve("manifest.json")
                + " holds variants of model 'mnist-cnn' (baseline sha256 ").contains("not of 'keras-mlp'");
        assertThat(Files.readString(o.resolve("manifest.json"))).isEqualTo(before);
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private void assertNothingWrittenBesides(Path o) throws IOException {
        try (Stream<Path> s = Files.list(o.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
        }
    }

    /** A folder with train and t10k IDX image (and label) files of {@code n} random images of size×size. */
    static Path idxFolder(Path folder, int n, int size, boolean withTest) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom rnd = new SplittableRandom(7);
        for (String split : withTest ? List.of("train", "t10k") : List.of("train")) {
            ByteBuffer images = ByteBuffer.allocate(16 + n * size * size);
            images.putInt(0x00000803).putInt(n).putInt(size).putInt(size);
            while (images.hasRemaining()) {
                images.put((byte) rnd.nextInt(256));
            }
            Files.write(folder.resolve(split + "-images-idx3-ubyte"), images.array());
            ByteBuffer labels = ByteBuffer.allocate(8 + n);
            labels.putInt(0x00000801).putInt(n);
            while (labels.hasRemaining()) {
                labels.put((byte) rnd.nextInt(10));
            }
            Files.write(folder.resolve(split + "-labels-idx1-ubyte"), labels.array());
        }
        return folder;
    }

    /**
     * A transformer-style model as exporters write it: int64 token ids and an int64 mask, both
     * [batch, sequence] with symbolic dims; an embedding Gather, a MatMul, the mask cast and applied.
     */
    private static byte[] tokenModel() {
        SplittableRandom rnd = new SplittableRandom(11);
        BiFunction<String, long[], OnnxMl.TensorProto> weight = (name, dims) -> {
            var t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1);
            long n = 1;
            for (long d : dims) {
                t.addDims(d);
                n *= d;
            }
            for (long k = 0; k < n; k++) {
                t.addFloatData((float) rnd.nextGaussian() * 0.1f);
            }
            return t.build();
        };
        BiFunction<String, Integer, OnnxMl.ValueInfoProto> value = (name, type) -> {
            var shape = OnnxMl.TensorShapeProto.newBuilder()
                    .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                    .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"));
            if (name.equals("logits")) {
                shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(16));
            }
            return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                    .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                            OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                    .build();
        };
        var graph = OnnxMl.GraphProto.newBuilder().setName("tokens")
                .addInput(value.apply("input_ids", 7)).addInput(value.apply("attention_mask", 7))
                .addOutput(value.apply("logits", 1))
                .addInitializer(weight.apply("embedding", new long[] {50, 32}))
                .addInitializer(weight.apply("proj", new long[] {32, 16}))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("axes").setDataType(7)
                        .addDims(1).addInt64Data(-1));
        String[][] nodes = {{"Gather", "embedding,input_ids", "emb"}, {"MatMul", "emb,proj", "hidden"},
            {"Cast", "attention_mask", "maskf"}, {"Unsqueeze", "maskf,axes", "mask3"}, {"Mul", "hidden,mask3", "logits"}};
        for (String[] n : nodes) {
            var node = OnnxMl.NodeProto.newBuilder().setOpType(n[0]).setName(n[2] + "_node")
                    .addAllInput(List.of(n[1].split(","))).addOutput(n[2]);
            if (n[0].equals("Cast")) {
                node.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to").setI(1)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT));
            }
            graph.addNode(node);
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    @Test
    void randomCalibrationFeedsEveryInputOfATokenModel() throws Exception {
        Path model = dir.resolve("tokens.onnx");
        Files.write(model, tokenModel());
        Path o = dir.resolve("v");

        int code = run("variants", "build", model.toString(), "--variants", "baseline,quantized:int8-dynamic",
                "--free-dim", "12", "--out", o.toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(o.resolve("manifest.json").toFile());
        JsonNode inputs = manifest.get("calibration").get("inputs");
        assertThat(inputs.get("input_ids").toString()).isEqualTo("[8,12]");
        assertThat(inputs.get("attention_mask").toString()).isEqualTo("[8,12]");
        assertThat(o.resolve("tokens.quantized-int8-dynamic.onnx")).isRegularFile();
    }

    @Test
    void namedDimsSizeRandomCalibrationAndAMissingOneIsAOneLineError() throws Exception {
        Path model = dir.resolve("tokens.onnx");
        Files.write(model, tokenModel());
        Path o = dir.resolve("v");

        int code = run("variants", "build", model.toString(), "--variants", "baseline", "--dim", "sequence=12",
                "--out", o.toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode inputs = new ObjectMapper().readTree(o.resolve("manifest.json").toFile()).get("calibration")
                .get("inputs");
        assertThat(inputs.get("input_ids").toString()).isEqualTo("[8,12]");
        assertThat(inputs.get("attention_mask").toString()).isEqualTo("[8,12]");

        Path o2 = dir.resolve("v2");
        err.getBuffer().setLength(0);
        assertThat(run("variants", "build", model.toString(), "--variants", "baseline", "--out", o2.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1);
        assertThat(errorLine()).isEqualTo("edgeperf: input 'input_ids' of model 'tokens' has no value for dimension 1"
                + " (symbol 'sequence') of [batch, sequence]; pass --dim sequence=SIZE or --input input_ids=8x<sequence>");
        assertNothingWritten(o2);

        err.getBuffer().setLength(0);
        assertThat(run("variants", "build", model.toString(), "--variants", "baseline", "--dim", "seq=12",
                "--out", o2.toString())).isEqualTo(2);
        assertThat(errorLine()).isEqualTo("edgeperf: --dim seq: model 'tokens' has no dimension named 'seq';"
                + " its named dimensions are batch, sequence");
        assertNothingWritten(o2);
    }

    @Test
    void nonPositiveFreeDimIsRejected() throws Exception {
        Path o = dir.resolve("v");

        int code = run("variants", "build", "mnist-cnn", "--variants", "baseline", "--free-dim", "0", "--out",
                o.toString());

        assertThat(code).isEqualTo(2);
        assertThat(errorLine()).isEqualTo("edgeperf: --free-dim must be a positive integer, got 0");
        assertNothingWritten(o);
    }

    @Test
    void aFreeDimTooLargeForOneTensorIsAOneLineUserError() throws Exception {
        Path model = dir.resolve("wide.onnx");
        Files.write(model, wideModel());
        Path o = dir.resolve("v");

        int code = run("variants", "build", model.toString(), "--variants", "baseline", "--free-dim", "100000",
                "--out", o.toString());

        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1);
        assertThat(errorLine()).isEqualTo("edgeperf: input 'x' of model 'wide' at shape [8, 100000, 4096] has"
                + " 3276800000 elements; one random input holds at most 2147483639: use smaller --dim or --input sizes"
                + " or batch");
        assertNothingWritten(o);
    }

    @Test
    void aBaselineWhoseOutputIsAllZeroOnTheCalibrationDataIsWarnedAboutInOneLine() throws Exception {
        Path model = dir.resolve("dead.onnx");
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        BiFunction<String, Integer, OnnxMl.ValueInfoProto> value = (name, type) -> OnnxMl.ValueInfoProto.newBuilder()
                .setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
        // random inputs are in [0, 1): Relu(-x) is zero for every one of them
        var graph = OnnxMl.GraphProto.newBuilder().setName("dead").addInput(value.apply("x", 1))
                .addOutput(value.apply("y", 1))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Neg").setName("neg").addInput("x").addOutput("n"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("n").addOutput("y"));
        Files.write(model, OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray());
        Path o = dir.resolve("out");

        int code = run("variants", "build", model.toString(), "--variants", "baseline", "--out", o.toString());

        assertThat(code).as(err.toString()).isZero();
        String warning = "WARN baseline dead output 'y' is all zero on the 32 calibration samples; fidelity on this"
                + " data means nothing (check the calibration data and --preprocess)";
        assertThat(err.toString().lines().filter(l -> l.startsWith("WARN"))).containsExactly(warning);
        JsonNode manifest = JSON.readTree(Files.readString(o.resolve("manifest.json")));
        assertThat(manifest.path("warnings").get(0).asText()).isEqualTo(warning);
        assertThat(manifest.path("calibrationLabel").asText()).isEqualTo("random (seed 20240601)");
    }

    /** x [batch, sequence, 4096] float -> Relu -> y. */
    private static byte[] wideModel() {
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("sequence"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4096));
        BiFunction<String, Integer, OnnxMl.ValueInfoProto> value = (name, type) -> OnnxMl.ValueInfoProto.newBuilder()
                .setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
        var graph = OnnxMl.GraphProto.newBuilder().setName("wide").addInput(value.apply("x", 1))
                .addOutput(value.apply("y", 1))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("y"));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }
}
