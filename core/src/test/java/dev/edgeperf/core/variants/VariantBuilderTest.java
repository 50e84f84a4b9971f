package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantBuilderTest {
    static final List<String> ALL = List.of("baseline", "pruned:unstructured:0.5", "pruned:structured:0.5",
            "quantized:int8-dynamic", "quantized:int8-static", "quantized:fp16", "separable", "clustered:16");

    @Test
    void writesEveryVariantWithARecord(@TempDir Path dir) throws Exception {
        ModelProto m = TestModels.zooMnist();
        CalibrationData data = TransformTestSupport.inputs(m, 8, 4);
        // separable collapses on mnist-cnn (see ZooRecipesTest), so it is built here on the small CNN below.
        List<String> recipes = ALL.stream().map(r -> r.equals("separable") ? "baseline" : r).toList();
        List<VariantRecord> records = new ArrayList<>(new VariantBuilder(new OrtRunner(1))
                .build(m, "mnist-cnn", recipes.stream().distinct().map(VariantRecipe::parse).toList(), data, dir));
        records.add(6, new VariantBuilder(new OrtRunner(1)).build(TestModels.smallCnn(), "small",
                List.of(VariantRecipe.parse("separable")), TransformTestSupport.inputs(TestModels.smallCnn(), 8, 2),
                dir).get(0));
        assertThat(records).hasSize(ALL.size());
        VariantRecord base = records.get(0);
        for (VariantRecord r : records) {
            Path f = dir.resolve(r.file());
            assertThat(f).exists();
            byte[] bytes = Files.readAllBytes(f);
            assertThat(r.sha256()).isEqualTo(dev.edgeperf.core.io.Digests.sha256Hex(bytes));
            assertThat(r.fileBytes()).isEqualTo(bytes.length);
            assertThat(r.executedKernels()).isNotEmpty();
            Map<String, Object> entry = r.toManifestEntry();
            assertThat(entry).containsKeys("recipe", "sha256", "paramsTotal", "paramsNonZero", "macsDense",
                    "gzipBytes", "fidelity", "executedKernels", "int8KernelsExecuted", "notes");
            if (r.recipe().equals("separable")) {
                continue;
            }
            System.out.printf("%-28s size %.3f gzip %.3f params %d nz %d top1 %s cos %.5f sqnr %.1f dB kernels %s%n",
                    r.recipe(), (double) r.fileBytes() / base.fileBytes(), (double) r.gzipBytes() / base.gzipBytes(),
                    r.paramsTotal(), r.paramsNonZero(), r.fidelity().top1Agreement(), r.fidelity().cosineSimilarity(),
                    r.fidelity().sqnrDb(), r.executedKernels());
        }
        assertThat(base.macsDense()).isPositive().isEqualTo(base.macsEffective());
        assertThat(entry(base, "macsDense")).isEqualTo(base.macsDense());
        assertThat(records.get(1).macsDense()).isEqualTo(base.macsDense());
        assertThat(records.get(1).macsEffective()).isLessThan(base.macsDense() * 3 / 4);
        assertThat(records.get(2).macsDense()).isLessThan(base.macsDense());
        assertThat(records.get(4).macsDense()).isEqualTo(base.macsDense());
        assertThat(records.get(4).macsEffective()).isLessThanOrEqualTo(base.macsDense());
        assertThat(records.get(6).recipe()).isEqualTo("separable");
        assertThat(FidelityGate.Tier.RESTRUCTURED.fails(records.get(6).fidelity())).isFalse();
        assertThat(records.get(0).file()).isEqualTo("mnist-cnn.baseline.onnx");
        assertThat(records.get(4).file()).isEqualTo("mnist-cnn.quantized-int8-static.onnx");
        assertThat(base.fidelity().sqnrDb()).isInfinite();
        assertThat(base.toManifestEntry().get("fidelity")).asString().contains("sqnrDb=null");
        assertThat(records.get(1).paramsNonZero()).isLessThan(base.paramsTotal() * 6 / 10);
        assertThat(records.get(2).paramsTotal()).isLessThan(base.paramsTotal());
        assertThat(records.get(3).paramsTotal()).isEqualTo(base.paramsTotal());
        assertThat(records.get(4).int8KernelsExecuted()).isTrue();
        assertThat(records.get(5).int8KernelsExecuted()).isFalse();
        assertThat((double) records.get(7).gzipBytes() / base.gzipBytes()).isLessThanOrEqualTo(0.3);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    private static Object entry(VariantRecord r, String key) {
        return r.toManifestEntry().get(key);
    }

    @Test
    void inputsThatDoNotFitTheModelAreAUserErrorAndWriteNothing(@TempDir Path dir) {
        ModelProto m = TestModels.smallCnn();
        CalibrationData wrong = CalibrationData.random(new long[] {2, 3, 28, 28}, 1, 1);
        assertThatThrownBy(() -> new VariantBuilder(new OrtRunner(1))
                .build(m, "small", List.of(VariantRecipe.parse("baseline")), wrong, dir.resolve("out")))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("[2, 3, 28, 28]");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
