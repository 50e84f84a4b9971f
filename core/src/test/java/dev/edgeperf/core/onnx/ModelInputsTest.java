package dev.edgeperf.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which inputs a batch size replaces, and what a fixed-batch model refuses. */
class ModelInputsTest {
    private static InputDims.Declared in(String name, Object... dims) {
        long[] sizes = new long[dims.length];
        String[] symbols = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            sizes[i] = dims[i] instanceof Number n ? n.longValue() : 0;
            symbols[i] = dims[i] instanceof String s ? s : "";
        }
        return new InputDims.Declared(name, sizes, symbols);
    }

    private static List<long[]> shapes(Map<String, long[]> m) {
        return List.copyOf(m.values());
    }

    @Test
    void theBatchFollowsItsSymbolIntoLaterDimensionsWhateverTheInputOrder() {
        List<InputDims.Declared> silero = List.of(in("state", 2, "batch", 128), in("audio", "batch", 512),
                in("sr"));

        Map<String, long[]> at4 = ModelInputs.none().resolve("vad.onnx", silero, 4);

        assertThat(shapes(at4)).containsExactly(new long[] {2, 4, 128}, new long[] {4, 512}, new long[0]);
        assertThat(ModelInputs.describe(at4)).isEqualTo("state=2x4x128 audio=4x512 sr=scalar");
    }

    @Test
    void aBatchSymbolInsideAGivenShapeFollowsTheBatchWhenItLeadsAnotherGivenInput() {
        // silero_vad_16k_op15: input [batch, sequence], state [2, batch, 128], sr []
        List<InputDims.Declared> silero = List.of(in("input", "batch", "sequence"), in("state", 2, "batch", 128),
                in("sr"));
        ModelInputs given = ModelInputs.parse(Map.of("input", "1x512", "state", "2x1x128"), Map.of());

        assertThat(shapes(given.resolve("vad.onnx", silero, 1))).containsExactly(new long[] {1, 512},
                new long[] {2, 1, 128}, new long[0]);
        assertThat(shapes(given.resolve("vad.onnx", silero, 8))).containsExactly(new long[] {8, 512},
                new long[] {2, 8, 128}, new long[0]);
        assertThat(given.shapes().get("state")).containsExactly(2, 1, 128);
    }

    @Test
    void givenValuesMustNameAnInputAndFillItsShape() {
        List<InputDims.Declared> silero = List.of(in("input", "batch", 512), in("sr"));
        Map<String, long[]> at1 = ModelInputs.none().resolve("vad.onnx", silero, 1);
        new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {16000})).checkValues("vad.onnx", silero, at1);

        assertThatThrownBy(() -> new ModelInputs(Map.of(), Map.of(), Map.of("rate", new long[] {16000}))
                .checkValues("vad.onnx", silero, at1)).isInstanceOf(EdgeperfException.class)
                .hasMessage("model vad.onnx has no input 'rate' to give a value to; its inputs are 'input', 'sr'");
        assertThatThrownBy(() -> new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {16000, 8000}))
                .checkValues("vad.onnx", silero, at1)).isInstanceOf(EdgeperfException.class)
                .hasMessage("model vad.onnx: input 'sr' of shape [] holds 1 value(s), 2 given (sr=16000,8000)");
        assertThat(new ModelInputs(Map.of(), Map.of(), Map.of("sr", new long[] {16000})).describe())
                .isEqualTo("sr=16000");
    }

    @Test
    void aSymbolSizedByTheUserIsNoBatchEvenWhereItLeads() {
        List<InputDims.Declared> bert = List.of(in("ids", "batch", "sequence"), in("pos", "sequence"));
        ModelInputs given = ModelInputs.parse(Map.of("ids", "1x16"), Map.of());

        assertThat(shapes(given.resolve("bert.onnx", bert, 2))).containsExactly(new long[] {2, 16},
                new long[] {16});
    }

    @Test
    void aModelWithNothingToBatchTakesOnlyItsOwnBatch() {
        assertThat(shapes(ModelInputs.none().resolve("m.onnx", List.of(in("x", 4, 10)), 4)))
                .containsExactly(new long[] {4, 10});
        assertThatThrownBy(() -> ModelInputs.none().resolve("m.onnx", List.of(in("x", 4, 10)), 1))
                .isInstanceOf(EdgeperfException.class).hasMessage("model m.onnx: input 'x' has a fixed batch"
                        + " dimension of 4 ([4, 10]), so batch 1 cannot be measured; measure batch 4, or export the"
                        + " model with a symbolic leading dimension");
        assertThatThrownBy(() -> ModelInputs.none().resolve("s.onnx", List.of(in("sr")), 2))
                .isInstanceOf(EdgeperfException.class).hasMessage("model s.onnx has no input with a batch dimension,"
                        + " so batch 2 cannot be measured; measure batch 1");
    }
}
