package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelProfilerErrorsTest {
    private static final TinyModel IMAGE = new TinyModel().input("x", "N", 3, "H", "W").weight("w", 2, 3, 1, 1)
            .node("Conv", "x,w", "y").output("y");

    private static ProfileOptions shapes(Map<String, long[]> shapes) {
        return new ProfileOptions(1, shapes, CountingConvention.SEED);
    }

    @Test
    void textIsNotAModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes.onnx");
        Files.writeString(file, "hello, this is not ONNX", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelProfiler.profile(file, ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("not a valid ONNX model: " + file)
                .extracting(e -> ((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR);
    }

    @Test
    void truncatedModel() {
        byte[] full = IMAGE.bytes();
        byte[] truncated = Arrays.copyOf(full, full.length - 7);
        assertThatThrownBy(() -> ModelProfiler.profile(truncated, "cut.onnx", ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class).hasMessageStartingWith("not a valid ONNX model: cut.onnx: ");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelProfiler.profile(dir.resolve("nope.onnx"), ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("nope.onnx");
    }

    @Test
    void openSpatialDimsNeedAShape() {
        assertThatThrownBy(() -> ModelProfiler.profile(IMAGE.bytes(), "img.onnx", ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("input 'x' of img.onnx has no value for dimension 2")
                .hasMessageContaining("pass --dim H=SIZE or --input x=1x3x<H>x<W>");
        ModelProfile p = ModelProfiler.profile(IMAGE.bytes(), "img.onnx", shapes(Map.of("x", new long[] {2, 3, 5, 7})));
        assertThat(p.nodes().get(0).outputShape()).containsExactly(2L, 2L, 5L, 7L);
        assertThat(p.totalMacs()).isEqualTo(2 * 2 * 5 * 7 * 3);
    }

    @Test
    void aSymbolGivenInOneInputSizesTheOthers() {
        TinyModel twoInputs = new TinyModel().input("ids", "batch", "sequence").input("mask", "batch", "sequence")
                .node("Add", "ids,mask", "y").output("y");
        ModelProfile p = ModelProfiler.profile(twoInputs.bytes(), "two.onnx",
                shapes(Map.of("ids", new long[] {2, 9})));
        assertThat(p.nodes().get(0).outputShape()).containsExactly(2L, 9L);

        TinyModel other = new TinyModel().input("ids", "batch", "sequence").input("pos", "batch", "positions")
                .node("Add", "ids,pos", "y").output("y");
        assertThatThrownBy(() -> ModelProfiler.profile(other.bytes(), "two.onnx", shapes(Map.of("ids", new long[] {2, 9}))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("input 'pos' of two.onnx has no value for dimension 1 (symbol 'positions') of"
                        + " [batch, positions]; pass --dim positions=SIZE or --input pos=2x<positions>");
        assertThatThrownBy(() -> ModelProfiler.profile(twoInputs.bytes(), "two.onnx",
                shapes(Map.of("ids", new long[] {2, 9}, "mask", new long[] {2, 8}))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("dimension 1 (symbol 'sequence') is ")
                .hasMessageContaining("sets 'sequence' to ");
    }

    @Test
    void minusOneDimsAsOlderPaddleExportsWriteThem() {
        TinyModel paddle = new TinyModel().input("x", -1, 3, 8, 8).weight("w", 4, 3, 3, 3)
                .node("Conv", "x,w", "y").output("y");
        ModelProfile p = ModelProfiler.profile(paddle.bytes(), "paddle.onnx", ProfileOptions.batch(2));
        assertThat(p.nodes().get(0).outputShape()).containsExactly(2L, 4L, 6L, 6L);
        assertThat(p.totalMacs()).isEqualTo(2L * 4 * 6 * 6 * 27);
    }

    @Test
    void unknownInputNameListsTheInputs() {
        assertThatThrownBy(() -> ModelProfiler.profile(IMAGE.bytes(), "img.onnx",
                shapes(Map.of("image", new long[] {1, 3, 8, 8}))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("no input 'image'").hasMessageContaining("'x' [N, 3, H, W]");
    }

    @Test
    void shapeContradictingAFixedDim() {
        assertThatThrownBy(() -> ModelProfiler.profile(IMAGE.bytes(), "img.onnx",
                shapes(Map.of("x", new long[] {1, 4, 8, 8}))))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("contradicts dimension 1");
        assertThatThrownBy(() -> ModelProfiler.profile(IMAGE.bytes(), "img.onnx",
                shapes(Map.of("x", new long[] {1, 3, 8}))))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("rank 4");
    }
}
