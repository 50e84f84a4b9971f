package dev.edgeperf.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** ONNX's own test data ({@code libonnx-testdata}): a {@code test_data_set_0} folder is a tensors: source as it is. */
class OnnxTestDataCalibrationTest {
    private static final Path RELU = Path.of("/usr/share/libonnx-testdata/data/node/test_relu");

    @Test
    void aTestDataSetFeedsItsModelAndTheExpectedOutputIsLeftOut() {
        Assumptions.assumeTrue(Files.isDirectory(RELU), "libonnx-testdata not installed");
        ModelProto model = OnnxModels.read(RELU.resolve("model.onnx"));
        CalibrationInputs in = CalibrationInputs.load(CalibrationSource.parse("tensors:" + RELU.resolve(
                "test_data_set_0"), null, null), null, model, "test_relu", 4, 100, ModelInputs.none(), 0);
        List<InputBatch> batches = new ArrayList<>();
        in.calibration().forEach(batches::add);
        assertThat(batches).singleElement().satisfies(b -> assertThat(b.shape()).containsExactly(3, 4, 5));
        assertThat(in.label()).endsWith("test_data_set_0 1 file, 3 samples");
        assertThat(new VariantBuilder(new OrtRunner(1)).baseline(model, "test_relu", in.calibration())
                .degenerateWarning()).isEmpty();
    }
}
