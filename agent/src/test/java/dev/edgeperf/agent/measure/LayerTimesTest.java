package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.LayerTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiled pass after the timed runs: ONNX Runtime's trace parsed and mapped to the graph's nodes. */
class LayerTimesTest {
    @TempDir
    Path dir;

    @Test
    void aHandMadeTraceGivesMeansPerRunMappedToTheGraph() {
        String trace = "[{\"cat\":\"Session\",\"name\":\"model_run\",\"dur\":900},"
                + "{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":100,\"args\":{\"op_name\":\"FusedConv\"}},"
                + "{\"cat\":\"Node\",\"name\":\"conv1_fence_before\",\"dur\":7,\"args\":{\"op_name\":\"FusedConv\"}},"
                + "{\"cat\":\"Node\",\"name\":\"ReorderOutput_kernel_time\",\"dur\":10,\"args\":{\"op_name\":\"ReorderOutput\"}},"
                + "{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":300,\"args\":{\"op_name\":\"FusedConv\"}}]";
        List<LayerTime> layers = LayerTimes.parse(trace, 2, new LayerTimes.GraphNodes(Map.of("conv1", "Conv",
                "relu1", "Relu"), Map.of(), Map.of()));
        assertThat(layers).hasSize(2);
        LayerTime conv = layers.get(0);
        assertThat(conv.getNode()).isEqualTo("conv1");
        assertThat(conv.getOpType()).isEqualTo("FusedConv");
        assertThat(conv.getGraphOpType()).isEqualTo("Conv");
        assertThat(conv.getInGraph()).isTrue();
        assertThat(conv.getMeanUs()).isCloseTo(200, within(1e-9));
        assertThat(conv.getRuns()).isEqualTo(2);
        LayerTime inserted = layers.get(1);
        assertThat(inserted.getInGraph()).isFalse();
        assertThat(inserted.getGraphOpType()).isEmpty();
        assertThat(inserted.getMeanUs()).isCloseTo(5, within(1e-9));
    }

    @Test
    void eachNodesWarmUpEventsAreLeftOut() {
        String trace = "[{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":1700,\"args\":{\"op_name\":\"Conv\"}},"
                + "{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":100,\"args\":{\"op_name\":\"Conv\"}},"
                + "{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":120,\"args\":{\"op_name\":\"Conv\"}}]";
        // the first run's 1700 us (cold buffers) is not part of the mean of the two counted runs
        LayerTime conv = LayerTimes.parse(trace, 1, 2, LayerTimes.GraphNodes.NONE).get(0);
        assertThat(conv.getMeanUs()).isCloseTo(110, within(1e-9));
        assertThat(conv.getRuns()).isEqualTo(2);
    }

    @Test
    void kernelsOnnxRuntimeRenamedMapBackToTheirGraphNodes() {
        // conv1 -> relu_1 (output relu_1_out), fc1: ORT runs "relu_1_out_nchwc" (Conv+Relu) and "fused fc1"
        LayerTimes.GraphNodes graph = new LayerTimes.GraphNodes(Map.of("conv1", "Conv", "relu_1", "Relu", "fc1", "Gemm"),
                Map.of("conv1_out", "conv1", "relu_1_out", "relu_1", "fc1_out", "fc1"),
                Map.of("relu_1", "conv1_out", "conv1", "x", "fc1", "flat"));
        assertThat(graph.map("relu_1_out_nchwc", "Conv")).isEqualTo("conv1");
        assertThat(graph.map("relu_1_out_nchwc_token_3", "Conv")).isEqualTo("conv1");
        assertThat(graph.map("relu_1_out_nchwc", "Relu")).isEqualTo("relu_1");
        assertThat(graph.map("fused fc1", "FusedGemm")).isEqualTo("fc1");
        assertThat(graph.map("ReorderOutput_token_5", "ReorderOutput")).isNull();
        assertThat(graph.map("nowhere_nchwc", "Conv")).isNull();
    }

    @Test
    void aTraceThatIsNotAnEventArrayIsRefused() {
        assertThatThrownBy(() -> LayerTimes.parse("{\"a\":1}", 1, LayerTimes.GraphNodes.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON array");
        assertThatThrownBy(() -> LayerTimes.parse("[{\"cat\"", 1, LayerTimes.GraphNodes.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }

    @Test
    void theMeasurementOfAZooModelCarriesLayersOfItsGraph() throws Exception {
        Path mnist = dir.resolve("mnist-cnn.onnx");
        Files.write(mnist, ModelZoo.build("mnist-cnn"));
        Map<String, String> graph = LayerTimes.graph(mnist).ops();
        // the temp dir is shared (an agent killed mid-pass elsewhere leaves its folder): only new ones count
        List<Path> before = profileFolders();
        MeasurementResult m = new InferenceRunner(new DeviceSensors(dir), 1).measure(
                new MeasurementRequest(mnist, 4, 1, new MeasurementSettings(1, 5, 0, 120_000)));

        List<LayerTime> layers = m.layers();
        assertThat(layers).isNotEmpty();
        List<LayerTime> mapped = layers.stream().filter(LayerTime::getInGraph).toList();
        assertThat(mapped).isNotEmpty();
        for (LayerTime l : mapped) {
            assertThat(graph).containsKey(l.getNode());
            assertThat(l.getGraphOpType()).isEqualTo(graph.get(l.getNode()));
        }
        for (LayerTime l : layers.stream().filter(l -> !l.getInGraph()).toList()) {
            assertThat(graph).doesNotContainKey(l.getNode());
        }
        // both convolutions and both dense layers ran, fused or not, and map back to their nodes
        assertThat(mapped.stream().filter(l -> l.getGraphOpType().equals("Conv")).map(LayerTime::getNode))
                .containsExactlyInAnyOrder("conv1", "conv2");
        assertThat(mapped.stream().filter(l -> l.getGraphOpType().equals("Gemm")).map(LayerTime::getNode))
                .containsExactlyInAnyOrder("fc1", "fc2");
        double sumUs = layers.stream().mapToDouble(LayerTime::getMeanUs).sum();
        assertThat(sumUs).isPositive();
        // sanity, not timing: kernels run inside a call, so their sum stays within a generous factor of
        // the measured mean (profiled runs are slower, and a loaded machine slows them more)
        assertThat(sumUs / 1000).isLessThanOrEqualTo(m.computeLatency().meanMs() * 50);
        // the wire form carries them
        assertThat(MeasurementResultProto.toProto(m).getLayersList()).isEqualTo(layers);
        // no profile file is left behind in the temp dir
        assertThat(profileFolders()).isSubsetOf(before);
    }

    private static List<Path> profileFolders() throws java.io.IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("edgeperf-profile")).toList();
        }
    }
}
