package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models profile} in this JVM: sizes that overflow a long are one-line user errors (exit 2);
 * {@code --input} and {@code --dim} size unknown and named dimensions; trainability from the file's
 * training_info and the seed articles' quoted figures are printed.
 */
class ModelsProfileCommandTest {
    private final CliCapture cli = new CliCapture();

    @TempDir
    Path dir;

    /** Relu over each input; a dim written "?" or a name is a dim_param, "-" has neither field, digits are fixed. */
    private Path model(String... inputs) throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (String in : inputs) {
            String[] parts = in.split(":");
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (String d : parts[1].split(",")) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d.matches("\\d+")) {
                    dim.setDimValue(Long.parseLong(d));
                } else if (!d.equals("-")) {
                    dim.setDimParam(d);
                }
                shape.addDim(dim);
            }
            g.addInput(ValueInfoProto.newBuilder().setName(parts[0]).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
            g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu_" + parts[0]).addInput(parts[0])
                    .addOutput(parts[0] + "_out"));
            g.addOutput(ValueInfoProto.newBuilder().setName(parts[0] + "_out"));
        }
        Path file = dir.resolve("m.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray());
        return file;
    }

    private String shapeOf(int node) throws Exception {
        return new ObjectMapper().readTree(cli.out.toString()).get("nodes").get(node).get("outputShape").toString();
    }

    @Test
    void anInputShapeSizesEveryQuestionMarkOnItsOwn() throws Exception {
        Path m = model("x:?,3,?,?");

        int code = cli.run("models", "profile", m.toString(), "--input", "x=1x3x48x192", "--json");

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(shapeOf(0)).isEqualTo("[1,3,48,192]");
    }

    @Test
    void dimSetsANamedSymbolInEveryInput() throws Exception {
        Path m = model("ids:batch,sequence", "mask:batch,sequence");

        int code = cli.run("models", "profile", m.toString(), "--dim", "sequence=128", "--batch", "2", "--json");

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(shapeOf(0)).isEqualTo("[2,128]");
        assertThat(shapeOf(1)).isEqualTo("[2,128]");
    }

    @Test
    void anUnsetDimensionIsOneLineNamingInputIndexAndSymbol() throws Exception {
        Path m = model("x:?,3,-,?");

        int code = cli.run("models", "profile", m.toString());

        assertThat(code).isEqualTo(2);
        assertThat(cli.out.toString()).isEmpty();
        assertThat(cli.err.toString()).hasLineCount(1).isEqualTo("edgeperf: input 'x' of " + m + " has no value for"
                + " dimension 2 (unnamed, no dim_param) of [?, 3, ?, ?]; pass --input x=1x3x<d2>x<d3>\n");
    }

    @Test
    void aDimTheModelDoesNotNameIsOneLineListingTheNames() throws Exception {
        Path m = model("ids:batch,sequence");

        int code = cli.run("models", "profile", m.toString(), "--dim", "seq=128");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).isEqualTo("edgeperf: --dim seq: model " + m
                + " has no dimension named 'seq'; its named dimensions are batch, sequence\n");
        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("models", "profile", m.toString(), "--dim", "sequence=0")).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("edgeperf: --dim must be NAME=SIZE with a positive size, got"
                + " 'sequence=0'\n");
    }

    @Test
    void aBatchWhoseCountsOverflowExitsTwoWithOneLine() {
        int code = cli.run("models", "profile", "mobilenet-v2", "--batch", "99999999999");

        assertThat(code).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.out.toString()).isEmpty();
        assertThat(cli.err.toString()).hasLineCount(1).isEqualTo("edgeperf: mobilenet-v2 cannot be counted at batch"
                + " 99999999999: the total FLOP count exceeds the limit 9,223,372,036,854,775,807 (2^63-1); use a"
                + " smaller batch or input shape\n");
    }

    @Test
    void anInputShapeWhoseElementCountOverflowsExitsTwoWithOneLine() {
        int code = cli.run("models", "profile", "mnist-cnn", "--input", "input=100000000000000000x1x28x28");

        assertThat(code).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).startsWith("edgeperf: mnist-cnn cannot be counted at batch 1,"
                + " input input=100000000000000000x1x28x28: the element count of input 'input'")
                .contains("(2^63-1)");
    }

    @Test
    void aLargeBatchThatFitsStillCounts() {
        int code = cli.run("models", "profile", "mnist-cnn", "--batch", "1000000", "--json");

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("529940000000");
    }

    @Test
    void kerasMlpPrintsItsFrozenLayersNextToKerasFigures() throws Exception {
        int code = cli.run("models", "profile", "keras-mlp");

        String out = cli.out.toString();
        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(out).containsPattern("parameters +387 +trainable 249, non-trainable 138");
        assertThat(out).containsPattern("parameters +387 +Keras model.summary\\(\\) +387 +equal \\(\\+0, \\+0.000%\\)")
                .containsPattern("trainable parameters +249 +Keras model.summary\\(\\) +249 +equal")
                .containsPattern("non-trainable parameters +138 +Keras model.summary\\(\\) +138 +equal");

        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("models", "profile", "keras-mlp", "--json")).isZero();
        JsonNode json = new ObjectMapper().readTree(cli.out.toString());
        assertThat(json.get("totalParams").asLong()).isEqualTo(387);
        assertThat(json.get("trainableParams").asLong()).isEqualTo(249);
        assertThat(json.get("nonTrainableParams").asLong()).isEqualTo(138);
        assertThat(json.get("notes")).isEmpty();
    }

    @Test
    void aFileWhoseBindingNamesNoInitializerIsCountedWithANote(@TempDir Path dir) throws Exception {
        ModelProto model = ModelZoo.buildProto("keras-mlp");
        Path file = dir.resolve("odd.onnx");
        Files.write(file, model.toBuilder().setTrainingInfo(0, model.getTrainingInfo(0).toBuilder()
                .addUpdateBinding(StringStringEntryProto.newBuilder().setKey("dense9.weight").setValue("y")))
                .build().toByteArray());

        int code = cli.run("models", "profile", file.toString());

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).containsPattern("parameters +387 +trainable 249, non-trainable 138")
                .contains("note: training_info update_binding 'dense9.weight' -> 'y' names no initializer of the"
                        + " graph; ignored\n");
    }

    @Test
    void mnistCnnPoolPrintsEachQuotedLayerWithTheRuleThatReproducesIt() throws Exception {
        int code = cli.run("models", "profile", "mnist-cnn-pool");

        String out = cli.out.toString();
        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(out).containsPattern("FLOPs +210,100 +seed article +150,820 +differs");
        assertThat(out).containsPattern("conv1 +Conv +60,840 +60,840 +60,840 +2 x MACs, as edgeperf counts")
                .containsPattern("averagepool_1 +AveragePool +3,380 +845 +3,380 +kernel area x output elements: 4 x 845")
                .containsPattern("conv2 +Conv +108,900 +54,450 +108,900 +2 x MACs with 10 kernels \\(the model has 5\\)")
                .containsPattern("averagepool_2 +AveragePool +2,420 +125 +2,420 +kernel area x input elements: 4 x 605")
                .containsPattern("fc1 +Gemm +32,000 +32,000 +32,000 ")
                .containsPattern("fc2 +Gemm +2,560 +2,560 +2,560 ")
                .containsPattern("total +210,100 +150,820 +210,100")
                .contains("  conv2: the article counts 10 kernels where the model")
                .doesNotContain("does not reproduce");

        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("models", "profile", "mnist-cnn-pool", "--json")).isZero();
        JsonNode layers = new ObjectMapper().readTree(cli.out.toString()).get("quotedLayers");
        assertThat(layers).hasSize(6);
        for (JsonNode l : layers) {
            assertThat(l.get("reproduced").asBoolean()).as(l.toString()).isTrue();
            assertThat(l.get("ruleFlops").asLong()).isEqualTo(l.get("quotedFlops").asLong());
        }
        assertThat(layers.get(2).get("edgeperfFlops").asLong()).isEqualTo(54_450);

        // Other batches and conventions have no quoted figures to compare with.
        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("models", "profile", "mnist-cnn-pool", "--batch", "2")).isZero();
        assertThat(cli.out.toString()).doesNotContain("quoted layer");
    }
}
