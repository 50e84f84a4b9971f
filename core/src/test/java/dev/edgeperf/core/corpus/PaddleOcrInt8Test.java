package dev.edgeperf.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantBuilder;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * int8-static on the real PaddlePaddle CNNs of the corpus (opset 9 and 11): ORT's profile of the built
 * variant shows its convolutions ran as QLinearConv, and the fp32 elementwise passes between them
 * (paddle2onnx's affine blocks and four-op hard-swish) are mostly gone, which is what makes int8 faster
 * than the fp32 baseline on these models (scripts/bench-corpus.sh measures how much).
 */
class PaddleOcrInt8Test {
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Mul", "Div", "Clip");

    static Stream<Corpus.Entry> paddleCnns() {
        return Corpus.entries(List.of()).stream().filter(e -> e.name().startsWith("ppocr-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paddleCnns")
    void convolutionsRunAsQLinearConvWithFewFp32PassesLeft(Corpus.Entry e, @TempDir Path dir) throws Exception {
        Corpus.require(e);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(e.file()));
        CalibrationData data = CalibrationData.random(model, 1, e.shapes(), Map.of(), 0, 2, 7);
        List<VariantRecord> r = new VariantBuilder(new OrtRunner(2)).build(model, e.name(),
                List.of(VariantRecipe.parse("baseline"), VariantRecipe.parse("quantized:int8-static")), data, dir);
        VariantRecord base = r.get(0);
        VariantRecord q = r.get(1);
        System.out.println(e.name() + " int8-static kernels " + q.executedKernels() + "; " + q.fidelity().summary());
        assertThat(q.noopReason()).as("%s no-op", e.name()).isNull();
        if (e.opset() < 10) {
            assertThat(q.notes()).anyMatch(n -> n.startsWith("opset " + e.opset() + " raised to 10"));
        }
        Map<String, Integer> k = q.executedKernels();
        int fp32Convs = k.getOrDefault("Conv", 0) + k.getOrDefault("FusedConv", 0);
        assertThat(k.getOrDefault("QLinearConv", 0)).as("%s QLinearConv nodes", e.name()).isGreaterThanOrEqualTo(30)
                .isGreaterThan(10 * fp32Convs);
        assertThat(elementwise(k)).as("%s fp32 Add/Mul/Div/Clip kernels", e.name())
                .isLessThanOrEqualTo(elementwise(base.executedKernels()) * 2 / 3);
    }

    private static int elementwise(Map<String, Integer> kernels) {
        return kernels.entrySet().stream().filter(x -> ELEMENTWISE.contains(x.getKey())).mapToInt(Map.Entry::getValue)
                .sum();
    }
}
