package dev.edgeperf.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.calibration.CalibrationInputs;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.onnx.ModelInputs;
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
        CalibrationData data = renderedText(e, dir.resolve("text"));
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

    /**
     * Calibration on what OCR models are made for, as scripts/bench-corpus.sh does it: 4 rendered-text PNGs
     * (scripts/TextImages.java) with PaddleOCR's normalisation. On random pixels the detector's probability map
     * is ~1e-8 everywhere, so its fidelity says nothing and the fidelity gate rightly refuses the variant.
     */
    static CalibrationData renderedText(Corpus.Entry e, Path images) throws Exception {
        long[] shape = e.shapes().values().iterator().next(); // [1, 3, H, W]
        boolean detector = e.name().startsWith("ppocr-det");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djava.awt.headless=true",
                Corpus.root().resolve("scripts/TextImages.java").toString(), images.toString(),
                shape[3] + "x" + shape[2], "4", detector ? "lines" : "line").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("TextImages: %s", out).isZero();
        String norm = detector ? "mean=0.485/0.456/0.406,std=0.229/0.224/0.225" : "mean=0.5/0.5/0.5,std=0.5/0.5/0.5";
        CalibrationSource source = CalibrationSource.parse("images:" + images,
                "resize=" + shape[2] + "x" + shape[3] + "," + norm, null);
        return CalibrationInputs.load(source, null, ModelProto.parseFrom(Files.readAllBytes(e.file())), e.name(), 1, 0,
                ModelInputs.none(), 0).calibration();
    }

    private static int elementwise(Map<String, Integer> kernels) {
        return kernels.entrySet().stream().filter(x -> ELEMENTWISE.contains(x.getKey())).mapToInt(Map.Entry::getValue)
                .sum();
    }
}
