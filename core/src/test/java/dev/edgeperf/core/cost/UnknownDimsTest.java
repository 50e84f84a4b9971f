package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.fixtures.OnnxFixture;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Unknown dimensions ({@code ?}, empty {@code dim_param}, neither field) are each their own unknown;
 * named symbols are shared and set by name or by a given shape.
 */
class UnknownDimsTest {
    private static final int F = DataType.FLOAT_VALUE;

    /** A stride-2 3x3 convolution over {@code [d0, 3, d2, d3]}, exporters' form for "any image size". */
    private static OnnxFixture conv(Object d0, Object d2, Object d3) {
        return new OnnxFixture("det", "pytorch", 13).input("x", F, d0, 3, d2, d3).weight("w", 8, 3, 3, 3)
                .node("conv", "Conv", "x,w", "y", "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1})
                .node("relu", "Relu", "y", "z").output("z", F);
    }

    static Stream<Arguments> unnamedForms() {
        return Stream.of(Arguments.of("?", "?", "?"), Arguments.of("", "", ""), Arguments.of(null, null, null),
                Arguments.of("?", "", null));
    }

    @ParameterizedTest
    @MethodSource("unnamedForms")
    void eachUnnamedDimTakesItsOwnValueAndCountsAsOnnxRuntimeRuns(Object d0, Object d2, Object d3) throws Exception {
        OnnxFixture m = conv(d0, d2, d3);
        long[] given = {1, 3, 48, 192};
        ModelProfile p = ModelProfiler.profile(m.bytes(), "det.onnx",
                new ProfileOptions(1, Map.of("x", given), CountingConvention.DETAILED));

        long[] ort = ortOutputShape(m.bytes(), given);
        assertThat(ort).containsExactly(1, 8, 24, 96);
        assertThat(p.nodes().get(0).outputShape()).containsExactly(Arrays.stream(ort).boxed().toArray(Long[]::new));
        // MACs from ONNX Runtime's own output shape: one 3x3x3 kernel volume per output element.
        long ortMacs = Arrays.stream(ort).reduce(1, (a, b) -> a * b) * 3 * 3 * 3;
        assertThat(p.nodes().get(0).macs()).isEqualTo(ortMacs).isEqualTo(497_664);
    }

    @Test
    void anUnnamedDimWithoutAValueIsAnErrorNamingInputIndexAndSymbol() {
        assertThatThrownBy(() -> ModelProfiler.profile(conv("?", "?", "?").bytes(), "det.onnx", ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("input 'x' of det.onnx has no value for dimension 2 (unnamed, dim_param '?') of [?, 3, ?, ?];"
                        + " pass --input x=1x3x<d2>x<d3>")
                .extracting(e -> ((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR);
        assertThatThrownBy(() -> ModelProfiler.profile(conv(null, 48, null).bytes(), "det.onnx", ProfileOptions.batch(2)))
                .hasMessage("input 'x' of det.onnx has no value for dimension 3 (unnamed, no dim_param) of [?, 3, 48, ?];"
                        + " pass --input x=2x3x48x<d3>");
    }

    @Test
    void aNamedSymbolWithoutAValueIsAnErrorNamingIt() {
        assertThatThrownBy(() -> ModelProfiler.profile(tokens().bytes(), "tok.onnx", ProfileOptions.batch(1)))
                .hasMessage("input 'ids' of tok.onnx has no value for dimension 1 (symbol 'sequence') of [batch, sequence];"
                        + " pass --dim sequence=SIZE or --input ids=1x<sequence>");
    }

    /** Two inputs sharing {@code batch} and {@code sequence}, added together. */
    private static OnnxFixture tokens() {
        return new OnnxFixture("tok", "pytorch", 13).input("ids", F, "batch", "sequence")
                .input("mask", F, "batch", "sequence").node("add", "Add", "ids,mask", "y").output("y", F);
    }

    @Test
    void twoInputsSharingASymbolTakeOneValue() {
        ModelProfile byShape = ModelProfiler.profile(tokens().bytes(), "tok.onnx",
                new ProfileOptions(1, Map.of("ids", new long[] {3, 7}), CountingConvention.DETAILED));
        assertThat(byShape.nodes().get(0).outputShape()).containsExactly(3L, 7L);

        ModelProfile byName = ModelProfiler.profile(tokens().bytes(), "tok.onnx",
                new ProfileOptions(1, Map.of(), Map.of("batch", 4L, "sequence", 128L), CountingConvention.DETAILED));
        assertThat(byName.nodes().get(0).outputShape()).containsExactly(4L, 128L);

        assertThatThrownBy(() -> ModelProfiler.profile(tokens().bytes(), "tok.onnx", new ProfileOptions(1,
                Map.of("ids", new long[] {3, 7}), Map.of("batch", 2L), CountingConvention.DETAILED)))
                .hasMessage("input 'ids' of tok.onnx dimension 0 (symbol 'batch') is 3 in --input ids=3x7, but"
                        + " --dim batch=2 sets 'batch' to 2");
    }

    @Test
    void questionMarksInTwoInputsAreNotShared() {
        OnnxFixture m = new OnnxFixture("two", "tf2onnx", 13).input("a", F, "?", 4).input("b", F, "?", 4)
                .node("cat", "Concat", "a,b", "y", "axis", 0L).output("y", F);
        ModelProfile p = ModelProfiler.profile(m.bytes(), "two.onnx", new ProfileOptions(1,
                Map.of("a", new long[] {2, 4}, "b", new long[] {5, 4}), CountingConvention.DETAILED));
        assertThat(p.nodes().get(0).outputShape()).containsExactly(7L, 4L);
    }

    @Test
    void aDimNamedThatTheModelDoesNotHaveListsTheKnownSymbols() {
        assertThatThrownBy(() -> ModelProfiler.profile(tokens().bytes(), "tok.onnx",
                new ProfileOptions(1, Map.of(), Map.of("seq", 8L), CountingConvention.DETAILED)))
                .hasMessage("--dim seq: model tok.onnx has no dimension named 'seq'; its named dimensions are"
                        + " batch, sequence");
        assertThatThrownBy(() -> ModelProfiler.profile(conv("?", "?", "?").bytes(), "det.onnx",
                new ProfileOptions(1, Map.of(), Map.of("?", 8L), CountingConvention.DETAILED)))
                .hasMessage("--dim ?: model det.onnx has no dimension named '?'; it has no named dimensions");
    }

    private static long[] ortOutputShape(byte[] model, long[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model, o);
             OnnxTensor x = OnnxTensor.createTensor(env,
                     FloatBuffer.allocate((int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)), shape);
             OrtSession.Result r = s.run(Map.of("x", x))) {
            return ((TensorInfo) r.get(0).getInfo()).getShape();
        }
    }

    /** A VAD-shaped model: state [2, batch, 3] first (its leading 2 is not the batch), input [batch, 4]. */
    private static OnnxFixture stateFirst() {
        return new OnnxFixture("vad", "pytorch", 13).input("state", F, 2, "batch", 3).input("input", F, "batch", 4)
                .weight("w", 4, 3).node("mm", "MatMul", "input,w", "y").node("relu", "Relu", "state", "s")
                .output("y", F).output("s", F);
    }

    @Test
    void theBatchOfTheCountsIsWhatTheGivenShapesMakeItNotTheStatesLeadingDimension() {
        ModelProfile given = ModelProfiler.profile(stateFirst().bytes(), "vad.onnx",
                new ProfileOptions(1, Map.of("input", new long[] {8, 4}), CountingConvention.SEED));
        // input=8x4 sets the shared 'batch' to 8: the MatMul's 8 x 4 x 3 MACs are per batch of 8
        assertThat(given.batch()).isEqualTo(8);
        assertThat(given.totalMacs()).isEqualTo(8 * 4 * 3);
        assertThat(ModelProfiler.profile(stateFirst().bytes(), "vad.onnx", new ProfileOptions(1, Map.of(),
                Map.of("batch", 3L), Map.of(), CountingConvention.SEED)).batch()).isEqualTo(3);
        // a fixed leading dimension is the batch the counts are for, whatever --batch says
        OnnxFixture fixed = new OnnxFixture("fixed", "pytorch", 13).input("x", F, 1, 4).weight("w", 4, 3)
                .node("mm", "MatMul", "x,w", "y").output("y", F);
        assertThat(ModelProfiler.profile(fixed.bytes(), "fixed.onnx", ProfileOptions.batch(1)).batch()).isEqualTo(1);
    }
}
