package dev.edgeperf.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.OutputTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensor folders for models with several inputs: every input fed, from files, values or the int64 rule. */
class TensorRunsTest {
    @TempDir
    Path dir;

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private static ValueInfoProto input(String name, int type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /**
     * A VAD-shaped model: audio [batch, 4], state [2, batch, 3], mask [batch, 4] int64, sr [] int64;
     * y = audio × mask + sr, stateN = state + 1 (so each output shows what each input was fed).
     */
    static ModelProto vadShaped() {
        GraphProto g = GraphProto.newBuilder().setName("vad")
                .addInput(input("audio", FLOAT, "batch", 4)).addInput(input("state", FLOAT, 2, "batch", 3))
                .addInput(input("mask", INT64, "batch", 4)).addInput(input("sr", INT64))
                .addNode(NodeProto.newBuilder().setOpType("Cast").addInput("mask").addOutput("maskf")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to").setI(FLOAT)
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)))
                .addNode(NodeProto.newBuilder().setOpType("Cast").addInput("sr").addOutput("srf")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to").setI(FLOAT)
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("audio").addInput("maskf").addOutput("am"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("am").addInput("srf").addOutput("y"))
                .addNode(NodeProto.newBuilder().setOpType("Neg").addInput("state").addOutput("stateN"))
                .addOutput(input("y", FLOAT, "batch", 4)).addOutput(input("stateN", FLOAT, 2, "batch", 3)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    private static final ModelInputs SR = new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {16000}));

    private CalibrationInputs load(Path folder, ModelInputs sizes) {
        return CalibrationInputs.load(CalibrationSource.parse("tensors:" + folder, null, null), null, vadShaped(), "vad",
                4, 100, sizes, 0);
    }

    private static List<InputBatch> batches(CalibrationInputs in) {
        List<InputBatch> out = new ArrayList<>();
        in.calibration().forEach(out::add);
        return out;
    }

    private static InputBatch.Feed feed(InputBatch b, String name) {
        return b.inputs().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void flatRunsFeedEachInputItsFileTheMaskItsRuleAndSrItsValue() throws Exception {
        Path f = Files.createDirectories(dir.resolve("flat"));
        for (int r = 0; r < 3; r++) {
            CalibrationFixtures.npy(f.resolve(r + ".audio.npy"), 1, "<f4", false, new long[] {1, 4},
                    CalibrationFixtures.floats(CalibrationFixtures.ramp(4, 10 * r)));
            CalibrationFixtures.npy(f.resolve(r + ".state.npy"), 1, "<f4", false, new long[] {2, 1, 3},
                    CalibrationFixtures.floats(CalibrationFixtures.ramp(6, r)));
        }
        CalibrationInputs in = load(f, SR);
        assertThat(in.label()).isEqualTo("tensors:" + f + " 3 runs of [audio, state]");
        List<InputBatch> b = batches(in);
        assertThat(b).hasSize(3);
        assertThat(b.get(2).inputs()).extracting(InputBatch.Feed::name).containsExactly("audio", "state", "mask", "sr");
        assertThat(feed(b.get(2), "state").floats()).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(feed(b.get(2), "mask").shape()).containsExactly(1, 4);
        assertThat(feed(b.get(2), "mask").longs()).containsOnly(1L);
        assertThat(feed(b.get(2), "sr").shape()).isEmpty();
        // and ONNX Runtime takes them all: y = audio × mask + sr
        List<OutputTensor> out = new OrtRunner(1).runShaped(vadShaped(), in.calibration(), "vad");
        assertThat(out.get(2).values()).containsExactly(16020, 16021, 16022, 16023);
    }

    @Test
    void onnxTestDataSubFoldersMapInputKToTheKthInput() throws Exception {
        for (int r = 0; r < 2; r++) {
            Path set = Files.createDirectories(dir.resolve("model/test_data_set_" + r));
            Files.write(set.resolve("input_0.pb"), dev.edgeperf.core.onnx.Tensors.floatTensor("audio", new long[] {2, 4},
                    CalibrationFixtures.ramp(8, r)).toByteArray());
            Files.write(set.resolve("input_1.pb"), dev.edgeperf.core.onnx.Tensors.floatTensor("state",
                    new long[] {2, 2, 3}, CalibrationFixtures.ramp(12, 0)).toByteArray());
            Files.write(set.resolve("output_0.pb"), new byte[] {1});
        }
        List<InputBatch> b = batches(load(dir.resolve("model"), SR));
        assertThat(b).hasSize(2);
        assertThat(feed(b.get(1), "audio").floats()[0]).isEqualTo(1f);
        assertThat(feed(b.get(1), "mask").shape()).containsExactly(2, 4);
        // one test data set on its own is one run
        assertThat(batches(load(dir.resolve("model/test_data_set_0"), SR))).hasSize(1);
    }

    @Test
    void aPlainFolderFeedsTheFirstInputAndTheOthersAreCompletedOrNamed() throws Exception {
        Path f = Files.createDirectories(dir.resolve("plain"));
        CalibrationFixtures.npy(f.resolve("a.npy"), 1, "<f4", false, new long[] {4},
                CalibrationFixtures.floats(CalibrationFixtures.ramp(4, 0)));
        // state is float: nothing may invent it
        assertThatThrownBy(() -> load(f, SR)).isInstanceOf(EdgeperfException.class)
                .hasMessage("calibration tensors:" + f + " gives no data for input 'state' [2, batch, 3] of model vad;"
                        + " add one file per run named <run>.state.npy to the folder, or --value state=V");
        ModelInputs zeroState = new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {8000}, "state",
                new long[] {0}));
        InputBatch b = batches(load(f, zeroState)).get(0);
        assertThat(feed(b, "state").shape()).containsExactly(2, 1, 3);
        assertThat(feed(b, "sr").longs()).containsExactly(8000);
    }

    @Test
    void aRunWithoutOneOfTheInputsOrAFileOfTheWrongTypeIsOneLine() throws Exception {
        Path f = Files.createDirectories(dir.resolve("gap"));
        for (int r = 0; r < 2; r++) {
            CalibrationFixtures.npy(f.resolve(r + ".audio.npy"), 1, "<f4", false, new long[] {1, 4},
                    CalibrationFixtures.floats(CalibrationFixtures.ramp(4, 0)));
        }
        CalibrationFixtures.npy(f.resolve("0.state.npy"), 1, "<f4", false, new long[] {2, 1, 3},
                CalibrationFixtures.floats(CalibrationFixtures.ramp(6, 0)));
        assertThatThrownBy(() -> load(f, SR)).hasMessage("calibration folder " + f + ": run '1' has no file for input(s)"
                + " [state]; every run needs the same inputs (first run: [audio, state])");

        CalibrationFixtures.npy(f.resolve("1.state.npy"), 1, "<i8", false, new long[] {2, 1, 3},
                CalibrationFixtures.longs(1, 2, 3, 4, 5, 6));
        assertThatThrownBy(() -> load(f, SR)).hasMessageStartingWith("tensor file " + f.resolve("1.state.npy")
                + " holds <i8 but input 'state' is FLOAT");

        CalibrationFixtures.npy(f.resolve("1.state.npy"), 1, "<f4", false, new long[] {2, 2, 3},
                CalibrationFixtures.floats(CalibrationFixtures.ramp(12, 0)));
        assertThatThrownBy(() -> load(f, SR)).isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("calibration tensors:" + f + ": ").hasMessageContaining("state");

        Files.delete(f.resolve("1.state.npy"));
        CalibrationFixtures.npy(f.resolve("stray.npy"), 1, "<f4", false, new long[] {4},
                CalibrationFixtures.floats(CalibrationFixtures.ramp(4, 0)));
        assertThatThrownBy(() -> load(f, SR)).hasMessageStartingWith("tensor file " + f.resolve("stray.npy")
                + " names no input of the model");
    }
}
