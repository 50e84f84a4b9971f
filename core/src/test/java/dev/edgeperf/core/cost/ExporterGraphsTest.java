package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.cost.fixtures.BertFixture;
import dev.edgeperf.core.cost.fixtures.OnnxFixture;
import dev.edgeperf.core.cost.fixtures.OrtShapes;
import dev.edgeperf.core.cost.fixtures.PaddleMobileFixture;
import dev.edgeperf.core.cost.fixtures.QuantizedFixtures;
import dev.edgeperf.core.cost.fixtures.TfNhwcCnnFixture;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ShapeInference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Graphs as PyTorch, tf2onnx, paddle2onnx and ONNX Runtime's quantizer write them: every count is
 * checked against a hand-computed figure, every fixture is loaded and run by ONNX Runtime, and the
 * output shapes static inference found (no runtime fallback) must equal the ones ORT produced.
 */
class ExporterGraphsTest {
    private static ModelProfile profile(byte[] model, Map<String, long[]> inputs, CountingConvention convention) {
        return ModelProfiler.profile(model, "fixture.onnx", new ProfileOptions(1, inputs, convention));
    }

    /** Static inference (no ORT fallback) must resolve every value and agree with ORT's outputs. */
    private static void assertShapesMatchOrt(byte[] model, Map<String, long[]> given, Map<String, long[]> fed)
            throws Exception {
        OnnxGraph graph = OnnxGraph.of(OnnxModels.parse(model, "fixture.onnx"), "fixture.onnx");
        InferredShapes shapes = ShapeInference.infer(graph, 1, given, false);
        assertThat(shapes.unknown()).as("values static inference could not resolve").isEmpty();
        Map<String, long[]> ort = OrtShapes.outputShapes(model, fed);
        assertThat(ort.keySet()).containsExactlyInAnyOrderElementsOf(graph.outputNames());
        for (Map.Entry<String, long[]> e : ort.entrySet()) {
            assertThat(shapes.get(e.getKey()).shape()).as("output " + e.getKey()).containsExactly(e.getValue());
        }
    }

    private static long macsOfNodesStartingWith(ModelProfile p, String prefix) {
        return p.nodes().stream().filter(n -> n.name().startsWith(prefix)).mapToLong(NodeCost::macs).sum();
    }

    @Test
    void pytorchBertEncoderCountsMatchTheStandardFormula() throws Exception {
        BertFixture bert = new BertFixture(2, 30_522, 768, 12, 3072, 512);
        byte[] model = bert.build().bytes();
        long s = 128;
        long h = 768;
        long ffn = 3072;
        // Only input_ids is given: 'batch' and 'sequence' then size the mask and token types too.
        Map<String, long[]> given = Map.of("input_ids", new long[] {1, s});

        ModelProfile seed = profile(model, given, CountingConvention.SEED);
        ModelProfile detailed = profile(model, given, CountingConvention.DETAILED);

        long layerMacs = 4 * s * h * h + 2 * s * s * h + 2 * s * h * ffn;
        assertThat(layerMacs).isEqualTo(931_135_488L).isEqualTo(bert.layerMacs(1, s));
        assertThat(macsOfNodesStartingWith(seed, "/encoder/layer.0/")).isEqualTo(layerMacs);
        assertThat(macsOfNodesStartingWith(seed, "/encoder/layer.1/")).isEqualTo(layerMacs);
        assertThat(seed.totalMacs()).isEqualTo(2 * layerMacs + h * h);
        assertThat(seed.totalFlops()).isEqualTo(2 * seed.totalMacs());
        assertThat(seed.uncountedOpTypes()).isEmpty();

        // BERT-base's published parameter figures: 7,087,872 per layer, 23,837,184 embeddings, 590,592 pooler.
        assertThat(bert.layerParams()).isEqualTo(7_087_872L);
        assertThat(bert.embeddingParams()).isEqualTo(23_837_184L);
        assertThat(seed.totalParams()).isEqualTo(23_837_184L + 2 * 7_087_872L + 590_592L);
        assertThat(seed.trainableParams()).isEqualTo(seed.totalParams());
        assertThat(seed.weightBytes()).isEqualTo(4 * seed.totalParams());

        // Detailed FLOPs per layer, by hand: 2 x MACs; bias Adds (Q, K, V, out: s*h each; FFN: s*ffn
        // and s*h); Div by sqrt(d), mask Add (12*s*s each) and Softmax (4 per score); two residual
        // Adds; two decomposed LayerNorms (ReduceMean, Sub, Pow, ReduceMean, Div, Mul, Add over s*h,
        // the eps Add and Sqrt over s); GELU's Div, Erf (5), Add, Mul, Mul over s*ffn.
        long scores = 12 * s * s;
        long layerDetailed = 2 * layerMacs + 5 * s * h + s * ffn + scores + scores + 4 * scores + 2 * s * h
                + 2 * (7 * s * h + 2 * s) + 9 * s * ffn;
        assertThat(flopsOfNodesStartingWith(detailed, "/encoder/layer.0/")).isEqualTo(layerDetailed);

        // The attention scores are [1, 12, 128, 128]; the merged context is back to [1, 128, 768].
        assertThat(node(seed, "/encoder/layer.0/attention/self/MatMul").outputShape()).containsExactly(1L, 12L, s, s);
        assertThat(node(seed, "/encoder/layer.0/attention/self/merge/Reshape").outputShape())
                .containsExactly(1L, s, h);
        assertThat(node(seed, "/embeddings/word_embeddings/Gather").outputShape()).containsExactly(1L, s, h);

        assertShapesMatchOrt(model, given, Map.of("input_ids", new long[] {1, s},
                "attention_mask", new long[] {1, s}, "token_type_ids", new long[] {1, s}));
    }

    private static long flopsOfNodesStartingWith(ModelProfile p, String prefix) {
        return p.nodes().stream().filter(n -> n.name().startsWith(prefix)).mapToLong(NodeCost::flops).sum();
    }

    private static NodeCost node(ModelProfile p, String name) {
        return p.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bertSequenceAndBatchFollowTheOverride() {
        byte[] model = new BertFixture(1, 100, 64, 4, 256, 64).build().bytes();
        ModelProfile p = profile(model, Map.of("input_ids", new long[] {3, 16}), CountingConvention.SEED);
        BertFixture small = new BertFixture(1, 100, 64, 4, 256, 64);
        assertThat(p.totalMacs()).isEqualTo(small.layerMacs(3, 16) + 3 * 64 * 64);
        assertThat(node(p, "/encoder/layer.0/attention/self/Softmax").outputShape()).containsExactly(3L, 4L, 16L, 16L);
    }

    @Test
    void tf2onnxNhwcCnnWithConstantNodeWeights() throws Exception {
        byte[] model = TfNhwcCnnFixture.build().bytes();
        ModelProfile p = profile(model, Map.of(), CountingConvention.SEED);
        assertThat(p.totalMacs()).isEqualTo(TfNhwcCnnFixture.MACS_PER_IMAGE).isEqualTo(40_141_440L);
        assertThat(p.totalParams()).isEqualTo(TfNhwcCnnFixture.PARAMS).isEqualTo(3_978L);
        assertThat(p.uncountedOpTypes()).isEmpty();
        // TF "SAME" at stride 2 on 224: pads 0 before, 1 after -> 112.
        assertThat(node(p, "StatefulPartitionedCall/model/conv1/Conv2D").outputShape())
                .containsExactly(1L, 32L, 112L, 112L);
        assertThat(node(p, "StatefulPartitionedCall/model/global_average_pooling2d/Squeeze").outputShape())
                .containsExactly(1L, 64L);
        // Weights in Constant nodes are parameters; Clip's Constant bounds are not.
        assertThat(node(p, "StatefulPartitionedCall/model/conv1/Conv2D").params()).isEqualTo(896);
        assertThat(node(p, "StatefulPartitionedCall/model/conv1_relu/Relu6").params()).isZero();

        ModelProfile batch4 = ModelProfiler.profile(model, "tf.onnx", new ProfileOptions(4, Map.of(),
                CountingConvention.SEED));
        assertThat(batch4.totalMacs()).isEqualTo(4 * TfNhwcCnnFixture.MACS_PER_IMAGE);
        assertShapesMatchOrt(model, Map.of(), Map.of("input_1:0", new long[] {1, 224, 224, 3}));
    }

    @Test
    void paddle2onnxMobileBlock() throws Exception {
        byte[] model = PaddleMobileFixture.build().bytes();
        ModelProfile p = profile(model, Map.of(), CountingConvention.SEED);
        assertThat(p.totalMacs()).isEqualTo(PaddleMobileFixture.MACS_PER_IMAGE).isEqualTo(7_098_944L);
        assertThat(p.totalParams()).isEqualTo(PaddleMobileFixture.PARAMS).isEqualTo(26_332L);
        assertThat(p.totalParams() - p.trainableParams()).isEqualTo(PaddleMobileFixture.NON_TRAINABLE).isEqualTo(112L);
        assertThat(node(p, "p2o.MaxPool.0").outputShape()).containsExactly(1L, 24L, 28L, 28L);
        // Seed FLOPs: 2 x MACs + one per pooled output (MaxPool 24x28x28, the two global pools 16 and 24).
        assertThat(p.totalFlops()).isEqualTo(2 * 7_098_944L + 24 * 28 * 28 + 16 + 24);
        assertThat(p.uncountedOpTypes()).isEmpty();

        ModelProfile d = profile(model, Map.of(), CountingConvention.DETAILED);
        assertThat(node(d, "p2o.HardSwish.0").flops()).isEqualTo(4L * 16 * 112 * 112);
        assertThat(node(d, "p2o.HardSigmoid.0").flops()).isEqualTo(3L * 16);
        assertThat(node(d, "p2o.Mul.0").flops()).isEqualTo(16L * 56 * 56);
        assertThat(node(d, "p2o.MaxPool.0").flops()).isEqualTo(9L * 24 * 28 * 28);
        assertShapesMatchOrt(model, Map.of(), Map.of("x", new long[] {1, 3, 224, 224}));
    }

    @Test
    void dynamicQuantizedMatMulCountsLikeItsFloatForm() throws Exception {
        Map<String, long[]> given = Map.of("hidden", new long[] {2, 128, 768});
        byte[] quantized = QuantizedFixtures.dynamicMatMul(768, 3072).bytes();
        ModelProfile q = profile(quantized, given, CountingConvention.SEED);
        ModelProfile f = profile(QuantizedFixtures.floatMatMul(768, 3072).bytes(), given, CountingConvention.SEED);
        assertThat(q.totalMacs()).isEqualTo(f.totalMacs()).isEqualTo(2L * 128 * 768 * 3072);
        assertThat(node(q, "MatMul_quant").macs()).isEqualTo(2L * 128 * 768 * 3072);
        assertThat(q.trainableParams()).isEqualTo(f.trainableParams()).isEqualTo(768L * 3072 + 3072);
        // The int8 weight is a quarter of the float one; its scale and zero point are metadata, not parameters.
        assertThat(q.totalParams()).isEqualTo(f.totalParams()).isEqualTo(q.trainableParams());
        assertThat(q.weightBytes()).isEqualTo(768L * 3072 + 4 * 3072);
        assertThat(q.uncountedOpTypes()).isEmpty();
        assertShapesMatchOrt(quantized, given, given);
    }

    @Test
    void qdqConvCountsLikeItsFloatForm() throws Exception {
        byte[] quantized = QuantizedFixtures.qdqConv(3, 16, 3, 32).bytes();
        ModelProfile q = profile(quantized, Map.of(), CountingConvention.SEED);
        ModelProfile f = profile(QuantizedFixtures.floatConv(3, 16, 3, 32).bytes(), Map.of(), CountingConvention.SEED);
        assertThat(q.totalMacs()).isEqualTo(f.totalMacs()).isEqualTo(16L * 32 * 32 * 27);
        assertThat(q.totalFlops()).isEqualTo(f.totalFlops());
        assertThat(q.trainableParams()).isEqualTo(f.trainableParams()).isEqualTo(16 * 27 + 16);
        // Per-channel weight scales and zero points, bias and activation scales and zero points are metadata.
        assertThat(q.totalParams()).isEqualTo(f.totalParams()).isEqualTo(q.trainableParams());
        ModelProfile qd = profile(quantized, Map.of(), CountingConvention.DETAILED);
        // Q and DQ cost 2 per element: input Q+DQ 2x3x32x32, weight DQ 432, bias DQ 16, output Q+DQ 2x16x32x32.
        long qdq = 2 * (2 * 3 * 32 * 32 + 432 + 16 + 2 * 16 * 32 * 32);
        assertThat(qd.totalFlops()).isEqualTo(profile(QuantizedFixtures.floatConv(3, 16, 3, 32).bytes(), Map.of(),
                CountingConvention.DETAILED).totalFlops() + qdq);
        assertShapesMatchOrt(quantized, Map.of(), Map.of("input", new long[] {1, 3, 32, 32}));
    }

    @Test
    void fixturesAreWhatTheyClaim() {
        // Guards the fixtures themselves: real exporter op mixes, weights where the exporter puts them.
        List<String> bertOps = new BertFixture(1, 10, 8, 2, 16, 8).build().model().getGraph().getNodeList().stream()
                .map(n -> n.getOpType()).distinct().toList();
        assertThat(bertOps).contains("Shape", "Gather", "Unsqueeze", "Concat", "Reshape", "Transpose", "Div",
                "Softmax", "ReduceMean", "Pow", "Sqrt", "Erf", "Slice", "Cast").doesNotContain("LayerNormalization", "Gemm");
        OnnxFixture tf = TfNhwcCnnFixture.build();
        assertThat(tf.model().getGraph().getInitializerCount()).isZero();
    }
}
