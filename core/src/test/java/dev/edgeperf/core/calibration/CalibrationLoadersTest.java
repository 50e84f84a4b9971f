package dev.edgeperf.core.calibration;

import static dev.edgeperf.core.calibration.CalibrationFixtures.floatModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.Tensors;
import dev.edgeperf.core.variants.InputBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationLoadersTest {
    @TempDir
    Path dir;

    private CalibrationInputs load(String source, String preprocess, ModelProto model) {
        return CalibrationInputs.load(CalibrationSource.parse(source, preprocess, dir), null, model, "m", 4, 100,
                ModelInputs.none(), 0);
    }

    private static List<InputBatch> batches(CalibrationInputs in) {
        List<InputBatch> out = new ArrayList<>();
        in.calibration().forEach(out::add);
        return out;
    }

    /** Red (255, 0, 0) at (0, 0), elsewhere (x*10, y*10, 200). */
    private void images(Path folder, int n, int w, int h) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < n; i++) {
            CalibrationFixtures.png(folder.resolve("img" + i + ".png"), w, h,
                    (x, y) -> x == 0 && y == 0 ? 0xFF0000 : (x * 10) << 16 | (y * 10) << 8 | 200);
        }
    }

    @Test
    void imagesBecomeNchwFloatsScaledAndNormalised() throws IOException {
        images(dir.resolve("photos"), 10, 4, 3);
        CalibrationInputs in = load("images:photos", "mean=0.5,std=0.5", floatModel(-1, 3, 3, 4));

        List<InputBatch> b = batches(in);
        assertThat(b).hasSize(2);
        assertThat(b.get(0).shape()).containsExactly(8, 3, 3, 4);
        assertThat(b.get(1).shape()).containsExactly(2, 3, 3, 4);
        float[] v = b.get(0).values();
        assertThat(v[0]).isEqualTo(1f);                     // R of (0, 0): (1 - 0.5) / 0.5
        assertThat(v[12]).isEqualTo(-1f);                   // G of (0, 0)
        assertThat(v[2 * 12 + 5]).isCloseTo((float) ((200 / 255.0 - 0.5) / 0.5), within(1e-6f)); // B of (1, 1)
        assertThat(in.label()).isEqualTo("images:photos 10 files");
        assertThat(in.separateEvaluation()).isFalse();
    }

    @Test
    void nhwcBgrAndGrayFollowTheModelOrTheDeclaration() throws IOException {
        images(dir.resolve("p"), 2, 4, 4);
        float[] nhwc = batches(load("images:p", "channels=bgr", floatModel(-1, 4, 4, 3))).get(0).values();
        assertThat(new float[] {nhwc[0], nhwc[1], nhwc[2]}).containsExactly(0f, 0f, 1f);
        float[] gray = batches(load("images:p", null, floatModel(-1, 1, 4, 4))).get(0).values();
        assertThat(gray[0]).isCloseTo(0.299f, within(1e-6f));
    }

    @Test
    void resizeGivesTheModelSizeAndWithoutItAWrongSizeIsNamed() throws IOException {
        images(dir.resolve("big"), 3, 8, 8);
        assertThat(batches(load("images:big", "resize=4x4", floatModel(-1, 3, 4, 4))).get(0).shape())
                .containsExactly(3, 3, 4, 4);
        assertThatThrownBy(() -> load("images:big", null, floatModel(-1, 3, 4, 4)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("image " + dir.resolve("big/img0.png") + " is 8x8 (HxW) but the model input takes 4x4;"
                        + " resize the images or add --preprocess resize=4x4");
        assertThatThrownBy(() -> load("images:big", null, floatModel(-1, 5, 8, 8)))
                .hasMessageContaining("has no 1- or 3-channel dimension at index 1 or 3");
        assertThatThrownBy(() -> load("images:big", "layout=nchw", floatModel(-1, 5, 8, 8)))
                .hasMessageContaining("takes 5 channels in NCHW order");
        assertThatThrownBy(() -> load("images:big", "channels=gray", floatModel(-1, 3, 8, 8)))
                .hasMessageContaining("gives 1 channel(s) but the model input takes 3");
    }

    @Test
    void emptyFoldersAndUnreadableImagesAreNamed() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/readme.txt"), "no images");
        assertThatThrownBy(() -> load("images:empty", null, floatModel(-1, 3, 4, 4)))
                .hasMessage("calibration folder " + dir.resolve("empty") + " has no image files; expected .png, .jpg or"
                        + " .jpeg files");
        Files.createDirectories(dir.resolve("bad"));
        Files.write(dir.resolve("bad/a.png"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> load("images:bad", null, floatModel(-1, 3, 4, 4)))
                .hasMessageStartingWith("image " + dir.resolve("bad/a.png") + " cannot be decoded");
        assertThatThrownBy(() -> load("images:missing", null, floatModel(-1, 3, 4, 4)))
                .hasMessageContaining("does not exist or is not a folder");
    }

    @Test
    void npyFilesV1AndV2AreSamplesOrBatches() throws IOException {
        Path t = Files.createDirectories(dir.resolve("t"));
        CalibrationFixtures.npy(t.resolve("a.npy"), 1, "<f4", false, new long[] {2, 3}, CalibrationFixtures.floats(
                CalibrationFixtures.ramp(6, 0)));
        CalibrationFixtures.npy(t.resolve("b.npy"), 2, "<f4", false, new long[] {3}, CalibrationFixtures.floats(
                CalibrationFixtures.ramp(3, 10)));
        CalibrationInputs in = load("tensors:t", null, floatModel(-1, 3));
        List<InputBatch> b = batches(in);
        assertThat(b).singleElement().satisfies(x -> {
            assertThat(x.shape()).containsExactly(3, 3);
            assertThat(x.values()).containsExactly(0, 1, 2, 3, 4, 5, 10, 11, 12);
        });
        assertThat(in.label()).isEqualTo("tensors:t 2 files, 3 samples");
    }

    @Test
    void npyIntegersFeedInt64InputsAndTheWrongDtypeOrShapeIsNamed() throws IOException {
        Path t = Files.createDirectories(dir.resolve("ids"));
        CalibrationFixtures.npy(t.resolve("a.npy"), 1, "<i8", false, new long[] {1, 4}, CalibrationFixtures.longs(1, 2, 3, 4));
        ModelProto ids = CalibrationFixtures.identity(TensorProto.DataType.INT64_VALUE, -1, 4);
        assertThat(batches(load("tensors:ids", null, ids)).get(0).inputs().get(0).longs()).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> load("tensors:ids", null, floatModel(-1, 4)))
                .hasMessage("tensor file " + t.resolve("a.npy") + " holds <i8 but model m input 'x' is float32;"
                        + " expected '<f4' (.npy) or FLOAT (.pb)");
        assertThatThrownBy(() -> load("tensors:ids", null, CalibrationFixtures.identity(TensorProto.DataType.INT64_VALUE,
                -1, 5))).hasMessageContaining("has shape [1, 4] but model m input 'x' takes [?, 5]");
    }

    @Test
    void npyRefusesFortranOrderAndOtherDtypes() throws IOException {
        Path f = dir.resolve("f.npy");
        CalibrationFixtures.npy(f, 1, "<f4", true, new long[] {2}, CalibrationFixtures.floats(1, 2));
        assertThatThrownBy(() -> NpyReader.read("f.npy", Files.readAllBytes(f)))
                .hasMessage("tensor file f.npy is in Fortran order; expected a C-order array (numpy.ascontiguousarray)");
        CalibrationFixtures.npy(f, 1, "<f8", false, new long[] {1}, new byte[8]);
        assertThatThrownBy(() -> NpyReader.read("f.npy", Files.readAllBytes(f)))
                .hasMessage("tensor file f.npy has dtype '<f8'; expected '<f4', '<i8', '<i4' or '|u1'");
        CalibrationFixtures.npy(f, 1, "|u1", false, new long[] {3}, new byte[] {1, (byte) 200, 3});
        assertThat(NpyReader.read("f.npy", Files.readAllBytes(f)).longs()).containsExactly(1, 200, 3);
        CalibrationFixtures.npy(f, 2, "<i4", false, new long[] {2}, new byte[] {-1, -1, -1, -1, 5, 0, 0, 0});
        assertThat(NpyReader.read("f.npy", Files.readAllBytes(f)).longs()).containsExactly(-1, 5);
        assertThatThrownBy(() -> NpyReader.read("x.npy", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .hasMessageContaining("is not an NPY file");
    }

    @Test
    void onnxTensorProtoFilesAsInOnnxTestDataLeaveOutputsOut() throws IOException {
        Path t = Files.createDirectories(dir.resolve("test_data_set_0"));
        for (int i = 0; i < 2; i++) {
            Files.write(t.resolve("input_" + i + ".pb"), Tensors.floatTensor("x", new long[] {1, 3},
                    CalibrationFixtures.ramp(3, 10 * i)).toByteArray());
        }
        Files.write(t.resolve("output_0.pb"), Tensors.floatTensor("y", new long[] {9}, new float[9]).toByteArray());
        CalibrationInputs in = load("tensors:test_data_set_0", null, floatModel(-1, 3));
        assertThat(batches(in).get(0).values()).containsExactly(0, 1, 2, 10, 11, 12);
        Files.write(t.resolve("input_2.pb"), Tensors.int32Tensor("x", new long[] {1, 3}, new int[] {1, 2, 3}).toByteArray());
        assertThatThrownBy(() -> load("tensors:test_data_set_0", null, floatModel(-1, 3)))
                .hasMessageContaining("input_2.pb holds INT32 but model m input 'x' is float32");
    }

    @Test
    void aFixedBatchTakesWholeBatchesOnly() throws IOException {
        images(dir.resolve("p"), 5, 4, 4);
        assertThat(batches(load("images:p", null, floatModel(2, 3, 4, 4)))).hasSize(2)
                .allSatisfy(b -> assertThat(b.shape()[0]).isEqualTo(2));
        assertThatThrownBy(() -> load("images:p", null, floatModel(8, 3, 4, 4)))
                .hasMessageContaining("gives 5 samples; model m input 'x' takes batches of 8");
    }

    @Test
    void randomIsLabelledWithItsSeed() {
        CalibrationInputs in = load("random:11", null, floatModel(-1, 3));
        assertThat(in.label()).isEqualTo("random (seed 11)");
        assertThat(batches(in)).hasSize(4);
    }
}
