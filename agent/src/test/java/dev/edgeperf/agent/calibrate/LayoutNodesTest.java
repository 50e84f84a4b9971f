package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
            trace.append(node("X_nchwc_reorder", "ReorderInput", reorderIn[run])).append(',')
                    .append(node("conv_nchwc", "Conv", 500)).append(',')
                    .append(node("Y_reorder", "ReorderOutput", reorderOut[run])).append(',')
                    .append(node("t", "Transpose", 40)).append(',');
        }
        trace.append("{\"cat\":\"Session\",\"name\":\"model_run\",\"dur\":900}]");
        // the first run (cold buffers) is left out, a later spike does not move the median: 120 + 65 + 40 us
        // (the upper median of four); the conv and the session are not layout
        assertThat(LayoutNodes.ms(trace.toString(), 1)).isCloseTo(0.225, offset(1e-12));
    }

    @Test
    void aTraceThatIsNotJsonIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LayoutNodes.ms("not json", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }

    @Test
    void anNchwcConvRunsReordersAroundItAndAnAddRunsNone() throws Exception {
        // ONNX Runtime's NCHWc layout is an x86 (AVX2 / AVX-512) transformation
        assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"));
        Path conv = dir.resolve("conv.onnx");
        Files.write(conv, MicroModels.conv(64, 28));
        // that it has reorders, not how long they take (a time compared across two sessions flakes under load)
        assertThat(LayoutNodes.ms(conv, 1, 1, dir)).isGreaterThan(0);

        Path add = dir.resolve("add.onnx");
        Files.write(add, MicroModels.tiny());
        assertThat(LayoutNodes.ms(add, 1, 1, dir)).isZero();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("conv.onnx", "add.onnx");
        }
    }

    private static String node(String name, String op, double us) {
        return "{\"cat\":\"Node\",\"name\":\"" + name + "_kernel_time\",\"dur\":" + us + ",\"args\":{\"op_name\":\"" + op
                + "\",\"provider\":\"CPUExecutionProvider\"}}";
    }
}
