package dev.edgeperf.core.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Execution provider names in campaigns (issue 14 item 3). */
class ExecutionProvidersTest {
    @Test
    void namesAreCaseInsensitiveAndCanonicalLowerCaseWithoutUnderscores() {
        assertThat(ExecutionProviders.canonical(List.of("CUDA", " TensorRT", "open_vino", "cpu")))
                .containsExactly("cuda", "tensorrt", "openvino", "cpu");
        assertThat(ExecutionProviders.name(OrtProvider.CORE_ML)).isEqualTo("coreml");
        assertThat(ExecutionProviders.provider("xnnpack")).contains(OrtProvider.XNNPACK);
        assertThat(ExecutionProviders.known()).startsWith("cpu, cuda, dnnl, openvino");
    }

    @Test
    void unknownEmptyAndRepeatedNamesAreOneLineUserErrors() {
        assertThatThrownBy(() -> ExecutionProviders.canonical(List.of("cpu", "cudda")))
                .isInstanceOfSatisfying(EdgeperfException.class,
                        e -> assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR))
                .hasMessageStartingWith("measurement setting providers: unknown execution provider 'cudda'; expected"
                        + " one of cpu, cuda,");
        assertThatThrownBy(() -> ExecutionProviders.canonical(List.of("cuda", "CUDA")))
                .hasMessage("measurement setting providers names 'cuda' twice");
        assertThatThrownBy(() -> ExecutionProviders.canonical(List.of(" ")))
                .hasMessageStartingWith("measurement setting providers has an empty name");
    }

    @Test
    void providersTravelOnTheWireInOrder() {
        MeasurementSettings s = MeasurementSettings.defaults().withProviders(List.of("CUDA", "cpu"));
        assertThat(s.providers()).containsExactly("cuda", "cpu");
        assertThat(s.toProto().getProvidersList()).containsExactly("cuda", "cpu");
        assertThat(MeasurementSettings.fromProto(s.toProto())).isEqualTo(s);
        assertThat(MeasurementSettings.defaults().providers()).isEmpty();
        assertThat(s.withConcurrency(4).providers()).containsExactly("cuda", "cpu");
    }
}
