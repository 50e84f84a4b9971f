package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgeperf.core.predict.kernel.KernelSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout reorders ONNX Runtime puts around a lone kernel are measured, so that a sample can leave them out. */
class LayoutNodesTest {
    @TempDir
    Path dir;

    @Test
    void eachLayoutNodeCountsItsMedianAfterTheWarmUpRuns() {
        StringBuilder trace = new StringBuilder("[");
        double[] reorderIn = {1500, 100, 120, 110, 300};
        double[] reorderOut = {300, 60, 70, 65, 62};
        for (int run = 0; run < 5; run++) {
            trace.append(node("X_nchwc_reorder", "ReorderInput", reorderIn[run], "float", "[1,6,8,8]", "[1,16,8,8]"))
                    .append(',').append(node("conv_nchwc", "Conv", 500, "float", "[1,16,8,8]", "[1,16,8,8]"))
                    .append(',').append(node("Y_reorder", "ReorderOutput", reorderOut[run], "float", "[1,16,8,8]",
                            "[1,6,8,8]"))
                    .append(',').append(node("t", "Transpose", 40, "uint8", "[1,6,8,8]", "[1,8,8,6]")).append(',');
        }
        trace.append("{\"cat\":\"Session\",\"name\":\"model_run\",\"dur\":900}]");
        // the first run (cold buffers) is left out, a later spike does not move the median: 120 + 65 + 40 us
        // (the upper median of four); the conv and the session are not layout
        List<LayoutNodes.Node> nodes = LayoutNodes.of(trace.toString(), 1);
        assertThat(nodes).extracting(LayoutNodes.Node::opType)
                .containsExactly("ReorderInput", "Conv", "ReorderOutput", "Transpose");
        List<LayoutNodes.Node> layout = LayoutNodes.layout(nodes);
        assertThat(layout).extracting(LayoutNodes.Node::opType)
                .containsExactly("ReorderInput", "ReorderOutput", "Transpose");
        assertThat(layout.stream().mapToDouble(LayoutNodes.Node::ms).sum()).isCloseTo(0.225, offset(1e-12));
        // a rewritten node keeps its original name with a token
        assertThat(nodes.get(1).runs("conv")).isFalse();
        assertThat(new LayoutNodes.Node("pool_token_87", "NhwcMaxPool", "uint8", new long[0], new long[0], 0)
                .runs("pool")).isTrue();
        assertThat(nodes.get(1).runs("conv_nchwc")).isTrue();
        // the profiler's part: the four nodes' 0.725 ms less an unprofiled run of 0.705 ms, per node
        assertThat(LayoutNodes.inflationMs(nodes, 0.705)).isCloseTo(0.005, offset(1e-12));
    }

    @Test
    void eachLayoutNodeIsASampleOfItsPlainSide() {
        String trace = "[" + node("r", "ReorderOutput", 65, "float", "[2,16,8,8]", "[2,6,8,8]") + ","
                + node("t", "Transpose", 40, "uint8", "[2,8,8,6]", "[2,6,8,8]") + "]";
        List<KernelSample> samples = LayoutNodes.of(trace, 0).stream()
                .map(n -> n.sample(n.ms()).orElseThrow()).toList();
        // a reorder's plain side is its unpadded NCHW one: 2 x 6 x 8 x 8 = 768 elements of 6 channels,
        // read and written once as fp32; a uint8 Transpose has its own regressor and no channel count
        assertThat(samples.get(0)).isEqualTo(new KernelSample("layout",
                Map.of("elements", 768L, "channels", 6L, "op", 1L), 0, 2 * 768 * 4, 0.065));
        assertThat(samples.get(1)).isEqualTo(new KernelSample("layout/uint8",
                Map.of("elements", 768L, "channels", 0L, "op", 2L), 0, 2 * 768, 0.040));
    }

    @Test
    void aTraceThatIsNotJsonIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LayoutNodes.of("not json", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }

    @Test
    void anNchwcConvRunsReordersAroundItAndAnAddRunsNone() throws Exception {
        // ONNX Runtime's NCHWc layout is an x86 (AVX2 / AVX-512) transformation
        assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"));
        Path conv = dir.resolve("conv.onnx");
        Files.write(conv, MicroModels.conv(64, 28));
        // that it has reorders, not how long they take (a time compared across two sessions flakes under load)
        List<LayoutNodes.Node> reorders = LayoutNodes.layout(LayoutNodes.of(conv, 1, 1, dir));
        assertThat(reorders).extracting(LayoutNodes.Node::opType).contains("ReorderInput", "ReorderOutput");
        assertThat(reorders).allSatisfy(n -> assertThat(n.ms()).isPositive());

        Path add = dir.resolve("add.onnx");
        Files.write(add, MicroModels.tiny());
        assertThat(LayoutNodes.of(add, 1, 1, dir)).extracting(LayoutNodes.Node::opType).containsExactly("Add");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("conv.onnx", "add.onnx");
        }
    }

    private static String node(String name, String op, double us, String dtype, String in, String out) {
        return "{\"cat\":\"Node\",\"name\":\"" + name + "_kernel_time\",\"dur\":" + us + ",\"args\":{\"op_name\":\"" + op
                + "\",\"provider\":\"CPUExecutionProvider\",\"input_type_shape\":[{\"" + dtype + "\":" + in
                + "}],\"output_type_shape\":[{\"" + dtype + "\":" + out + "}]}}";
    }
}
