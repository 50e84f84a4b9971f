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
