package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code :fp32-sensitive=K} on the MobileNet-style block of {@link Fp32DepthwiseTest}, in both int8 forms: the
 * layer left fp32 is the candidate whose return to fp32 alone gives the best output cosine (checked here by
 * quantizing with each candidate fp32 in turn), it is named in the notes and really stays a float op, and the same
 * recipe and inputs give the same bytes.
 */
class SensitiveLayersTest {
    private static final List<String> FLOAT_WEIGHT_OPS = List.of("Conv", "Gemm", "MatMul");

    @ParameterizedTest
    @ValueSource(longs = {10, 13})
    void theMostSensitiveLayerStaysFp32AndIsNamed(long opset) {
        ModelProto m = Graphs.normalize(Fp32DepthwiseTest.separableBlock(opset, false));
        CalibrationData data = inputs(m, 8, 2);
        VariantRecipe base = VariantRecipe.parse("quantized:int8-static:percentile");
        LayerChoice all = LayerChoice.none();
        ModelProto allInt8 = StaticQuantizer.apply(m, data, base, RUNNER, all).model();
        assertThat(all.candidates()).contains("dw", "fc");
        String best = null;
        double bestCosine = fidelity(m, allInt8, data).cosineSimilarity();
        for (String layer : all.candidates()) {
            ModelProto one = StaticQuantizer.apply(m, data, base, RUNNER,
                    new LayerChoice(Set.of(layer), new HashMap<>())).model();
            double c = fidelity(m, one, data).cosineSimilarity();
            if (c > bestCosine) {
                bestCosine = c;
                best = layer;
            }
        }
        assertThat(best).as("some layer gains when left fp32").isNotNull();

        VariantRecipe recipe = VariantRecipe.parse("quantized:int8-static:percentile:fp32-sensitive=1");
        TransformResult r = VariantTransforms.apply(m, recipe, data, RUNNER);
        String chosen = best;
        assertThat(r.notes()).anyMatch(n -> n.startsWith("fp32-sensitive=1: ranked " + all.candidates().size()
                + " int8 layers") && n.contains("left fp32, each with what it added: " + chosen + " (+"));
        if (!chosen.equals("gap")) { // a weight layer: noted as the quantizer notes every layer it leaves fp32
            assertThat(r.notes()).anyMatch(n -> n.startsWith(chosen + ": ") && n.endsWith("left fp32 (fp32-sensitive)"));
            assertThat(r.model().getGraph().getNodeList()).anyMatch(n -> n.getName().equals(chosen)
                    && FLOAT_WEIGHT_OPS.contains(n.getOpType()));
        }
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isEqualTo(bestCosine);
        assertThat(VariantTransforms.apply(m, recipe, data, RUNNER).model().toByteArray())
                .isEqualTo(r.model().toByteArray());
    }
}
