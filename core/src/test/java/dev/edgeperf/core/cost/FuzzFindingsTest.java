package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.onnx.Tensors;
import org.junit.jupiter.api.Test;

/** What the profiler fuzz run ({@code ProfilerFuzzTest}, {@code scripts/fuzz.sh}) found, one test each. */
class FuzzFindingsTest {
    private static ModelProfile profile(byte[] model) {
        return ModelProfiler.profile(model, "m.onnx", ProfileOptions.batch(1));
    }

    @Test
    void aConvMissingItsWeightIsListedAsUnknownShapeNotAnIndexError() {
        byte[] model = new TinyModel().input("x", 1, 3, 8, 8).node("Conv", "x", "y").output("y").bytes();

        ModelProfile p = profile(model);

        assertThat(p.uncountedOpTypes()).containsEntry("Conv (unknown shape)", 1);
        assertThat(p.totalMacs()).isZero();
    }

    @Test
    void aZeroStrideIsAUserErrorBeforeOnnxRuntimeSeesIt() {
        // ONNX Runtime 1.19 dies with SIGFPE creating a session for this model (the runtime shape probe did).
        byte[] model = new TinyModel().input("x", "N", 4, 31, 31)
                .node("MaxPool", "x", "y", "kernel_shape", new long[] {2, 2}, "strides", new long[] {0, 2})
                .output("y").bytes();

        assertThatThrownBy(() -> profile(model)).isInstanceOf(EdgeperfException.class)
                .hasMessage("not a valid ONNX model: m.onnx: node 'maxpool0' (MaxPool) has strides [0, 2]; expected"
                        + " positive integers");
    }

    @Test
    void aNegativePadIsAUserError() {
        byte[] model = new TinyModel().input("x", 1, 1, 8, 8).weight("w", 1, 1, 3, 3)
                .node("Conv", "x,w", "y", "pads", new long[] {-1, 0, 0, 0}).output("y").bytes();

        assertThatThrownBy(() -> profile(model)).hasMessageContaining("has pads [-1, 0, 0, 0]; expected non-negative");
    }

    @Test
    void aConstantWithANegativeDimIsAUserErrorNotANegativeArraySize() throws Exception {
        ModelProto base = ModelProto.newBuilder().mergeFrom(new TinyModel().input("x", 1, 4).ints("shape", 2, 2)
                .node("Reshape", "x,shape", "y").output("y").bytes()).build();
        TensorProto bad = base.getGraph().getInitializer(0).toBuilder().setDims(0, -2).build();
        ModelProto model = base.toBuilder().setGraph(base.getGraph().toBuilder().setInitializer(0, bad)).build();

        assertThat(Tensors.intValues(bad)).isNull();
        assertThatThrownBy(() -> profile(model.toByteArray())).isInstanceOf(EdgeperfException.class)
                .hasMessage("not a valid ONNX model: constant tensor 'shape' has dims [-2]; expected non-negative dims");
    }

    @Test
    void controlCharactersInNamesStayInsideOneLine() {
        EdgeperfException e = EdgeperfException.userError("node 'a\nb\rc\u0001' is odd");

        assertThat(e.getMessage()).isEqualTo("node 'a\\nb\\rc\\u0001' is odd").doesNotContain("\n");
        assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR);
    }
}
