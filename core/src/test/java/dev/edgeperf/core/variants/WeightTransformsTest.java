package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.apply;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Half;
import dev.edgeperf.core.onnx.Tensors;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** pruned:unstructured, quantized:fp16, clustered:K. */
class WeightTransformsTest {
    private final ModelProto mnist = TestModels.zooMnist();

    @Test
    void unstructuredPruningZeroesExactlyTheRequestedFractionOfWeights() {
        TransformResult r = apply(mnist, "pruned:unstructured:0.5");
        Map<String, TensorProto> before = Graphs.initializers(mnist.getGraph());
        long total = 0;
        long zeros = 0;
        for (var n : r.model().getGraph().getNodeList()) {
            String w = UnstructuredPruner.weightOf(n, Graphs.initializers(r.model().getGraph()));
            if (w == null) {
                continue;
            }
            float[] v = Tensors.floats(Graphs.initializers(r.model().getGraph()).get(w));
            float[] orig = Tensors.floats(before.get(w));
            total += v.length;
            for (int i = 0; i < v.length; i++) {
                if (v[i] == 0) {
                    zeros++;
                } else {
                    assertThat(v[i]).isEqualTo(orig[i]);
                }
            }
        }
        assertThat(zeros).isEqualTo(Math.round(0.5 * total));
        CalibrationData data = inputs(mnist, 2, 1);
        assertThat(RUNNER.run(r.model(), data, "pruned").get(0)).hasSize(2 * 10);
    }

    @Test
    void fp16StoresHalfPrecisionWeightsAndStaysClose() {
        TransformResult r = apply(mnist, "quantized:fp16");
        long halves = r.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE).count();
        assertThat(halves).isGreaterThanOrEqualTo(4);
        assertThat(r.model().getSerializedSize()).isLessThan((int) (mnist.getSerializedSize() * 0.6));
        Fidelity f = fidelity(mnist, r.model(), inputs(mnist, 4, 2));
        assertThat(f.top1Agreement()).isEqualTo(1.0);
        assertThat(f.sqnrDb()).isGreaterThan(40);
    }

    @Test
    void halfConversionRoundsLikeIeee() {
        assertThat(Half.toFloat(Half.fromFloat(1.0f))).isEqualTo(1.0f);
        assertThat(Half.toFloat(Half.fromFloat(-2.5f))).isEqualTo(-2.5f);
        assertThat(Half.toFloat(Half.fromFloat(65504f))).isEqualTo(65504f);
        assertThat(Half.toFloat(Half.fromFloat(1e6f))).isInfinite();
        assertThat(Half.toFloat(Half.fromFloat(6e-8f))).isEqualTo(0x1p-24f);
        assertThat(Half.toFloat(Half.fromFloat(0.1f))).isEqualTo(0.0999755859375f);
    }

    @Test
    void clusteringLeavesAtMostKValuesPerLayerAndShrinksTheGzippedFile() {
        TransformResult r = apply(mnist, "clustered:16");
        Map<String, TensorProto> inits = Graphs.initializers(r.model().getGraph());
        List<TensorProto> codebooks = r.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().endsWith("_codebook")).toList();
        assertThat(codebooks).isNotEmpty().allSatisfy(t -> assertThat(Tensors.elementCount(t)).isEqualTo(16));
        assertThat(inits.values()).anySatisfy(t -> assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.UINT8_VALUE));
        byte[] base = mnist.toByteArray();
        byte[] var = r.model().toByteArray();
        double gzipRatio = (double) VariantBuilder.gzipSize(var) / VariantBuilder.gzipSize(base);
        assertThat(gzipRatio).isLessThanOrEqualTo(0.3);
        // Inference really sees the shared values: decode the first layer's weights through ORT.
        Fidelity f = fidelity(mnist, r.model(), inputs(mnist, 4, 2));
        assertThat(f.cosineSimilarity()).isGreaterThan(0.98);
    }

    @Test
    void kmeansFindsObviousClusters() {
        float[] v = {0.9f, 1.0f, 1.1f, 4.9f, 5.0f, 5.1f, -3f, -3f};
        float[] cb = WeightClusterer.kmeans(v, 3);
        assertThat(cb).containsExactly(-3f, 1.0f, 5.0f);
        byte[] idx = WeightClusterer.assign(v, cb);
        assertThat(idx).containsExactly(1, 1, 1, 2, 2, 2, 0, 0);
        Set<Float> distinct = new HashSet<>();
        for (byte b : idx) {
            distinct.add(cb[b]);
        }
        assertThat(distinct).hasSize(3);
    }

    @Test
    void unstructuredPruningOnAModelWithoutWeightsIsAUserError() {
        TestModels.Builder b = new TestModels.Builder(9);
        b.node("Relu", "r", List.of("input"), "output");
        ModelProto m = b.model("relu-only", new long[] {-1, 4}, new long[] {-1, 4});
        assertThatThrownBy(() -> apply(m, "pruned:unstructured:0.3")).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("no Conv/Gemm/MatMul");
    }
}
