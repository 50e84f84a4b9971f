package dev.edgeperf.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
    @TempDir
    Path dir;

    @Test
    void aModelWithExternalWeightsNamesItsFileAndProfilesFromDimsAlone() throws Exception {
        ModelProto inline = ModelZoo.buildProto("mnist-cnn");
        ModelProto external = ExternalData.externalize(inline, dir, "weights.bin", 64);
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, external.toByteArray());

        assertThat(ExternalData.locations(external, "m")).containsExactly("weights.bin");
        assertThat(Files.size(dir.resolve("weights.bin"))).isGreaterThan(Files.size(onnx));
        ProfileOptions options = new ProfileOptions(4, Map.of(), CountingConvention.SEED);
        // planning maps the .onnx only; the weights file is never read
        Files.move(dir.resolve("weights.bin"), dir.resolve("elsewhere.bin"));
        assertThat(ModelProfiler.profile(onnx, options).totalFlops())
                .isEqualTo(ModelProfiler.profile(inline.toByteArray(), "inline", options).totalFlops());
        assertThat(ModelProfiler.profile(onnx, options).totalParams())
                .isEqualTo(ModelProfiler.profile(inline.toByteArray(), "inline", options).totalParams());
    }

    @Test
    void inlineReadsTheWeightsBackByteForByte() throws Exception {
        ModelProto inline = ModelZoo.buildProto("mnist-cnn");
        ModelProto external = ExternalData.externalize(inline, dir, "data/weights.bin", 64);
        assertThat(external.getGraph().getInitializerList()).anyMatch(ExternalData::isExternal);

        ModelProto back = ExternalData.inline(external, "m", dir::resolve);

        assertThat(back.getGraph().getInitializerList()).noneMatch(ExternalData::isExternal);
        assertThat(back.toByteArray()).isEqualTo(inline.toByteArray());
    }

    @Test
    void aShortOrMissingWeightsFileIsAOneLineUserError() throws Exception {
        ModelProto external = ExternalData.externalize(ModelZoo.buildProto("mnist-cnn"), dir, "weights.bin", 64);
        Files.write(dir.resolve("weights.bin"), new byte[10]);
        assertThatThrownBy(() -> ExternalData.inline(external, "det.onnx", dir::resolve))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("det.onnx")
                .hasMessageContaining("'weights.bin', which has 10 bytes");
        Files.delete(dir.resolve("weights.bin"));
        assertThatThrownBy(() -> ExternalData.inline(external, "det.onnx", dir::resolve))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("model det.onnx: external data file 'weights.bin' cannot be read");
    }

    @Test
    void locationsOutsideTheModelFolderAreRefused() {
        for (String bad : new String[] {"../w.bin", "/etc/passwd", "a/../../w.bin", "", "C:\\w.bin", "./w.bin"}) {
            ModelProto m = ModelProto.newBuilder().setGraph(ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                    .addInitializer(TensorProto.newBuilder().setName("w")
                            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                            .addExternalData(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                                    .setKey("location").setValue(bad)))).build();
            assertThatThrownBy(() -> ExternalData.locations(m, "det.onnx"), bad)
                    .isInstanceOf(EdgeperfException.class).hasMessageContaining("det.onnx");
        }
        assertThat(ExternalData.checkLocation("sub/w.bin", "m")).isEqualTo("sub/w.bin");
    }
}
