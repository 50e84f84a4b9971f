package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.LayerTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Execution providers per job (issue 14 item 3), on this CPU-only machine. */
class SessionProvidersTest {
    @TempDir
    Path dir;

    private static LayerTime layer(String node, String provider) {
        return LayerTime.newBuilder().setNode(node).setProvider(provider).build();
    }

    @Test
    void aProviderTheEngineLacksIsOneLineNamingTheAgentAndWhatItHas() {
        assertThatThrownBy(() -> SessionProviders.requireAvailable(List.of("cpu", "cuda"), List.of("CPU"), "agent pi-1"))
                .isInstanceOfSatisfying(EdgeperfException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR))
                .hasMessage("provider cuda is not available on agent pi-1 (available: cpu)");
        assertThatThrownBy(() -> SessionProviders.requireAvailable(List.of("tensorrt"), List.of("CPU", "CUDA"), "agent orin"))
                .hasMessage("provider tensorrt is not available on agent orin (available: cpu, cuda)");
        SessionProviders.requireAvailable(List.of("cuda", "cpu"), List.of("CUDA", "CPU"), "x");
        SessionProviders.requireAvailable(List.of(), List.of(), "x");
    }

    @Test
    void nodesPerProviderAreCountedMostFirst() {
        List<LayerTime> layers = List.of(layer("a", "CUDAExecutionProvider"), layer("b", "CPUExecutionProvider"),
                layer("c", "CUDAExecutionProvider"), layer("d", ""), layer("e", "CUDAExecutionProvider"));
        assertThat(SessionProviders.nodesByProvider(layers)).isEqualTo("CUDAExecutionProvider=3,CPUExecutionProvider=1");
        assertThat(SessionProviders.nodesByProvider(List.of())).isEmpty();
        // used: the requested ones that ran nodes, in request order; ORT's implicit CPU is reported when it ran some
        assertThat(SessionProviders.used(List.of("cuda", "cpu"), layers)).isEqualTo("CUDA,CPU");
        assertThat(SessionProviders.used(List.of("cuda", "cpu"), List.of(layer("a", "CPUExecutionProvider"))))
                .isEqualTo("CPU");
        assertThat(SessionProviders.used(List.of("tensorrt"), List.of(layer("a", "TensorrtExecutionProvider"),
                layer("b", "CUDAExecutionProvider")))).isEqualTo("TENSOR_RT,CUDA");
        assertThat(SessionProviders.used(List.of(), List.of())).isEqualTo("CPU");
        assertThat(SessionProviders.fromProfile("OpenVINOExecutionProvider")).contains("openvino");
    }

    @Test
    void theTraceCarriesTheProviderOfEveryKernel() {
        String trace = "[{\"cat\":\"Node\",\"name\":\"conv1_kernel_time\",\"dur\":100,"
                + "\"args\":{\"op_name\":\"Conv\",\"provider\":\"CPUExecutionProvider\"}},"
                + "{\"cat\":\"Node\",\"name\":\"gemm_kernel_time\",\"dur\":10,\"args\":{\"op_name\":\"Gemm\"}}]";
        List<LayerTime> layers = LayerTimes.parse(trace, 1, LayerTimes.GraphNodes.NONE);
        assertThat(layers).extracting(LayerTime::getProvider).containsExactly("CPUExecutionProvider", "");
    }

    @Test
    void requestingCpuRunsOnCpuAndCountsEveryProfiledKernelThere() throws Exception {
        Path model = dir.resolve("mnist-cnn.onnx");
        Files.write(model, ModelZoo.build("mnist-cnn"));
        MeasurementSettings s = new MeasurementSettings(1, 3, 0, 120_000).withProviders(List.of("CPU"));
        MeasurementResult m = new InferenceRunner(new DeviceSensors(dir), 1)
                .measure(new MeasurementRequest(model, 1, 1, s), (it, ms) -> { });
        assertThat(m.executionProvider()).isEqualTo("CPU");
        assertThat(m.layers()).isNotEmpty().allSatisfy(l -> assertThat(l.getProvider()).isEqualTo("CPUExecutionProvider"));
        assertThat(SessionProviders.nodesByProvider(m.layers())).isEqualTo("CPUExecutionProvider=" + m.layers().size());
    }

    @Test
    void requestingCudaHereFailsBeforeAnySessionIsBuilt() throws Exception {
        Path model = dir.resolve("mnist-cnn.onnx");
        Files.write(model, ModelZoo.build("mnist-cnn"));
        MeasurementSettings s = new MeasurementSettings(1, 3, 0, 120_000).withProviders(List.of("cuda", "cpu"));
        assertThat(InferenceRunner.availableProviders()).doesNotContain("CUDA"); // the CPU jar this build uses
        assertThatThrownBy(() -> new InferenceRunner(new DeviceSensors(dir), 1)
                .measure(new MeasurementRequest(model, 1, 1, s), (it, ms) -> { }))
                .hasMessage("provider cuda is not available on this host (available: "
                        + String.join(", ", InferenceRunner.availableProviders().stream()
                        .map(String::toLowerCase).toList()) + ")");
    }

    @Test
    void cpuListedKeepsOrtsCpuFallbackOn() throws Exception {
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions()) {
            SessionProviders.apply(options, List.of("cpu"));
            assertThat(options.getConfigEntries()).doesNotContainKey(SessionProviders.DISABLE_CPU_FALLBACK);
        }
        // a provider this CPU build lacks cannot be added to a session: ONNX Runtime refuses it
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions()) {
            assertThatThrownBy(() -> SessionProviders.apply(options, List.of("cuda")))
                    .isInstanceOf(ai.onnxruntime.OrtException.class);
        }
    }
}
