package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.fixtures.BertFixture;
import dev.edgeperf.core.cost.fixtures.PaddleMobileFixture;
import dev.edgeperf.core.cost.fixtures.TfNhwcCnnFixture;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every recipe, through {@link VariantBuilder} (what {@code variants build} calls), on graphs as exporters
 * write them ({@link ExporterModels}): PyTorch BERT (int64 inputs, MatMul, decomposed LayerNorm, Erf GELU),
 * tf2onnx NHWC CNN (Transpose pairs, asymmetric pads, weights in Constant nodes) and paddle2onnx MobileNetV3
 * block (BatchNormalization, squeeze-excitation, MatMul head).
 *
 * <p>Fidelity is measured against the baseline on 8 random samples, before the classifiers' Softmax (over
 * 1000 near-uniform probabilities almost any output looks similar) and on both BERT outputs. Thresholds:
 * <ul>
 *   <li>fp16 weights: cosine ≥ 0.9999 and top-1 100% — fp16 rounds a weight by at most 2⁻¹¹ (measured
 *       60-69 dB SQNR);</li>
 *   <li>int8 static and dynamic: cosine ≥ 0.995 (≈ 20 dB) — per-channel int8 measured 28-44 dB, while a
 *       wrong scale, axis or zero point falls far below;</li>
 *   <li>separable on kernels made rank-1 per input channel: cosine ≥ 0.99999 — the least-squares fit is
 *       exact there, so anything less is a wiring error (pads, strides, BatchNorm folding);</li>
 *   <li>clustered:16 ≥ 0.9 and 50% pruning ≥ 0.75: lossy on random weights, which have no redundancy
 *       (measured 0.95-0.99 and 0.81-0.95); the bounds catch a transform that cuts the wrong channels.</li>
 * </ul>
 */
class ExporterModelVariantsTest {
    static final List<String> RECIPES = List.of("baseline", "pruned:unstructured:0.5", "pruned:structured:0.5",
            "quantized:int8-static", "quantized:int8-dynamic", "quantized:fp16", "separable", "clustered:16");
    private static final int SEQUENCE = 16;
    private static final OrtRunner RUNNER = new OrtRunner(1);

    /** A fixture, the tensors fidelity is measured on, and how it is fed. */
    record Model(String name, ModelProto proto, List<String> compared) {
        CalibrationData inputs() {
            return CalibrationData.random(proto, 4, SEQUENCE, 2, 17);
        }

        /** For separable: the same graph with kernels a depthwise + pointwise pair represents exactly. */
        Model forRecipe(String recipe) {
            return recipe.equals("separable")
                    ? new Model(name, ExporterModels.separableKernels(proto), compared) : this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final Model BERT = new Model("bert", ExporterModels.bert(), List.of("last_hidden_state", "pooler_output"));
    static final Model TF = new Model("tf2onnx-nhwc", ExporterModels.tfNhwc(), List.of("logits"));
    static final Model PADDLE = new Model("paddle", ExporterModels.paddle(), List.of("linear_0.tmp_1"));

    static Stream<Arguments> everyModelAndRecipe() {
        return Stream.of(BERT, TF, PADDLE).flatMap(m -> RECIPES.stream().map(r -> Arguments.of(m, r)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModelAndRecipe")
    void everyRecipeGivesARunnableFaithfulVariantOrAOneLineError(Model model, String recipe, @TempDir Path dir)
            throws Exception {
        Model m = model.forRecipe(recipe);
        if (model == BERT && recipe.equals("separable")) {
            assertThatThrownBy(() -> build(m, recipe, dir)).isInstanceOfSatisfying(EdgeperfException.class, e -> {
                assertThat(e.category()).isEqualTo(ErrorCategory.USER_ERROR);
                assertThat(e.getMessage()).startsWith("separable: ").contains("no non-grouped Conv")
                        .doesNotContain("\n");
            });
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
            return;
        }
        VariantRecord base = build(m, "baseline", dir);
        VariantRecord r = build(m, recipe, dir);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(dir.resolve(r.file())));
        assertThat(written.getGraph().getInputList()).isEqualTo(m.proto().getGraph().getInputList());
        assertThat(written.getGraph().getOutputList()).isEqualTo(m.proto().getGraph().getOutputList());
        Map<String, List<AllOutputs.Output>> expected = outputs(m.proto(), m);
        Map<String, List<AllOutputs.Output>> actual = outputs(written, m);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String name : expected.keySet()) {
            for (int b = 0; b < expected.get(name).size(); b++) {
                assertThat(actual.get(name).get(b).shape()).as(name).isEqualTo(expected.get(name).get(b).shape());
            }
        }
        for (String name : m.compared()) {
            Fidelity f = AllOutputs.fidelity(expected.get(name), actual.get(name));
            assertThat(f.cosineSimilarity()).as("%s cosine on %s", recipe, name)
                    .isGreaterThanOrEqualTo(minCosine(recipe));
            if (recipe.equals("baseline")) {
                assertThat(f.maxAbsError()).isZero();
            }
            if (recipe.equals("quantized:fp16") && model != BERT) {
                assertThat(f.top1Agreement()).as("fp16 top-1 on %s", name).isEqualTo(1.0);
            }
        }
        assertThat(r.fidelity().samples()).isEqualTo(8);
        assertThat(r.executedKernels()).isNotEmpty();
        assertThat(r.macsDense()).isNotNull();
        checkWhatTheRecipeBuys(model, recipe, base, r);
    }

    /** Each recipe changes what it promises, or says in a note which node it left alone and why. */
    private static void checkWhatTheRecipeBuys(Model m, String recipe, VariantRecord base, VariantRecord r) {
        switch (recipe) {
            case "pruned:unstructured:0.5" -> {
                assertThat(r.macsDense()).isEqualTo(base.macsDense());
                assertThat(r.macsEffective()).isLessThan(base.macsDense() * 7 / 10);
                assertThat(r.paramsNonZero()).isLessThan(base.paramsNonZero());
            }
            case "pruned:structured:0.5" -> {
                if (m == BERT) {
                    assertThat(r.notes()).anyMatch(n -> n.contains("model has no Conv")
                            && n.contains("/encoder/layer.0/attention/self/query/MatMul"));
                    assertThat(r.macsDense()).isEqualTo(base.macsDense());
                } else {
                    assertThat(r.macsDense()).isLessThan(base.macsDense());
                    assertThat(r.paramsTotal()).isLessThan(base.paramsTotal());
                }
                if (m == TF) {
                    // The last conv feeds the NHWC Transpose: its channels are left alone, with a note.
                    assertThat(r.notes()).anyMatch(n -> n.startsWith("StatefulPartitionedCall/model/conv_pw_1/Conv2D: "
                            + "not pruned, output feeds Transpose"));
                }
            }
            case "quantized:int8-static", "quantized:int8-dynamic" -> {
                assertThat(r.int8KernelsExecuted()).isTrue();
                assertThat(r.fileBytes()).isLessThan(base.fileBytes());
            }
            case "quantized:fp16" -> assertThat(r.fileBytes()).isLessThan(base.fileBytes() * 65 / 100);
            case "clustered:16" -> assertThat(r.gzipBytes()).isLessThan(base.gzipBytes() * 4 / 10);
            case "separable" -> {
                assertThat(r.macsDense()).isLessThan(base.macsDense());
                assertThat(r.notes()).anyMatch(n -> n.contains("1x1 kernel is already pointwise; left as is"));
            }
            default -> assertThat(r.sha256()).isEqualTo(base.sha256());
        }
        if (m == BERT && List.of("pruned:unstructured:0.5", "quantized:int8-static", "quantized:int8-dynamic",
                "clustered:16").contains(recipe)) {
            assertThat(r.notes()).contains("/encoder/layer.0/attention/self/MatMul: multiplies two activations, "
                    + "there is no weight; left " + (recipe.startsWith("quantized") ? "fp32"
                            : recipe.startsWith("pruned") ? "dense" : "as is"));
        }
    }

    private static double minCosine(String recipe) {
        return switch (recipe) {
            case "baseline" -> 1.0 - 1e-12;
            case "quantized:fp16" -> 0.9999;
            case "quantized:int8-static", "quantized:int8-dynamic" -> 0.995;
            case "separable" -> 0.99999;
            case "clustered:16" -> 0.9;
            default -> 0.75;
        };
    }

    @Test
    void baselineRecordsCountExporterGraphsLikeTheCostModel(@TempDir Path dir) {
        VariantRecord bert = build(BERT, "baseline", dir);
        BertFixture f = ExporterModels.BERT;
        assertThat(bert.paramsTotal()).isEqualTo(f.totalParams());
        assertThat(bert.macsDense()).isEqualTo(f.layers * f.layerMacs(1, SEQUENCE) + f.hidden * f.hidden);
        VariantRecord tf = build(TF, "baseline", dir);
        assertThat(tf.paramsTotal()).isEqualTo(TfNhwcCnnFixture.PARAMS);
        assertThat(tf.macsDense()).isEqualTo(TfNhwcCnnFixture.MACS_PER_IMAGE);
        VariantRecord paddle = build(PADDLE, "baseline", dir);
        assertThat(paddle.paramsTotal()).isEqualTo(PaddleMobileFixture.PARAMS);
        assertThat(paddle.macsDense()).isEqualTo(PaddleMobileFixture.MACS_PER_IMAGE);
    }

    @Test
    void randomInputsFeedEveryBertInputWithValidValues() {
        InputBatch b = BERT.inputs().iterator().next();
        assertThat(b.inputs()).extracting(InputBatch.Feed::name)
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(b.inputs()).allSatisfy(f -> assertThat(f.shape()).containsExactly(4, SEQUENCE));
        long[] ids = b.inputs().get(0).longs();
        assertThat(java.util.Arrays.stream(ids).min().orElseThrow()).isNotNegative();
        assertThat(java.util.Arrays.stream(ids).max().orElseThrow()).isLessThan(ExporterModels.BERT.vocab)
                .isGreaterThan(ExporterModels.BERT.vocab / 2);
        assertThat(b.inputs().get(1).longs()).containsOnly(1L);
        // Token types are zeros (the first segment), by the rule the agent feeds too (IntegerInputs).
        assertThat(b.inputs().get(2).longs()).containsOnly(0L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pruned:unstructured:0.5", "pruned:structured:0.5", "quantized:int8-static",
        "quantized:int8-dynamic", "quantized:fp16", "separable", "clustered:16"})
    void weightsInConstantNodesAreTransformedLikeInitializers(String recipe, @TempDir Path dir) throws Exception {
        Model constants = new Model("paddle-constants", ExporterModels.initializersAsConstants(PADDLE.proto()),
                PADDLE.compared());
        assertThat(constants.proto().getGraph().getInitializerList()).noneMatch(t -> t.getDimsCount() > 0
                && Tensors.isFloat(t));
        VariantRecord base = build(constants, "baseline", dir);
        VariantRecord fromInits = build(PADDLE, recipe, dir.resolve("inits"));
        VariantRecord fromConstants = build(constants, recipe, dir.resolve("constants"));
        assertThat(fromConstants.paramsTotal()).isEqualTo(fromInits.paramsTotal());
        assertThat(fromConstants.paramsNonZero()).isEqualTo(fromInits.paramsNonZero());
        assertThat(fromConstants.macsDense()).isEqualTo(fromInits.macsDense());
        assertThat(fromConstants.macsEffective()).isEqualTo(fromInits.macsEffective());
        assertThat(fromConstants.int8KernelsExecuted()).isEqualTo(fromInits.int8KernelsExecuted());
        assertThat(fromConstants.fidelity()).isEqualTo(fromInits.fidelity());
        assertThat(fromConstants.fileBytes()).isCloseTo(fromInits.fileBytes(), Percentage.withPercentage(2));
        // ... and against the Constant-node baseline, the recipe bought what it promises (MACs, size).
        checkWhatTheRecipeBuys(PADDLE, recipe, base, fromConstants);
    }

    private static VariantRecord build(Model m, String recipe, Path dir) {
        return new VariantBuilder(RUNNER)
                .build(m.proto(), m.name(), List.of(VariantRecipe.parse(recipe)), m.inputs(), dir).get(0);
    }

    /** All graph outputs plus the compared intermediate tensors (the classifiers' logits). */
    private static Map<String, List<AllOutputs.Output>> outputs(ModelProto proto, Model m) throws Exception {
        List<String> extra = new ArrayList<>(m.compared());
        extra.removeAll(Graphs.graphOutputs(proto.getGraph()));
        return AllOutputs.run(OrtRunner.exposing(proto, extra).toByteArray(), m.inputs());
    }
}
