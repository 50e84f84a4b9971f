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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantized:int8-static:percentile:fp32-slow-convs} on ppocr-cls-v2 (MobileNetV3 with 5x5 depthwise convs
 * and squeeze-and-excitation blocks), read back from ORT's profile: the option keeps 33 convs fp32 (11 depthwise,
 * 17 SE convs on 1x1 maps, 5 of 8 filters; a 2-filter SE conv stays fp32 by the default rule), the 19 wide
 * pointwise convs run as QLinearConv and the residual Adds between int8 convs as QLinearAdd.
 */
class PaddleClsSlowConvsTest {
    @Test
    void onlyTheWideConvsRunInt8(@TempDir Path dir) throws Exception {
        Corpus.Entry e = Corpus.entries(List.of()).stream().filter(x -> x.name().equals("ppocr-cls-v2")).findFirst()
                .orElseThrow();
        Corpus.require(e);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(e.file()));
        CalibrationData data = PaddleOcrInt8Test.renderedText(e, dir.resolve("text"));
        List<VariantRecord> r = new VariantBuilder(new OrtRunner(2)).build(model, e.name(),
                List.of(VariantRecipe.parse("quantized:int8-static:percentile:fp32-slow-convs")), data, dir);
        VariantRecord q = r.get(0);
        System.out.println(e.name() + " fp32-slow-convs kernels " + q.executedKernels() + "; " + q.fidelity().summary());
        Map<String, Integer> k = q.executedKernels();
        assertThat(q.notes()).filteredOn(n -> n.contains("left fp32 (fp32-slow-convs)")).hasSize(33);
        assertThat(q.notes()).noneMatch(n -> n.contains("quantized all the same"));
        assertThat(k.getOrDefault("QLinearConv", 0)).isEqualTo(19);
        assertThat(k.getOrDefault("QLinearAdd", 0)).isEqualTo(6);
        assertThat(k.getOrDefault("Conv", 0) + k.getOrDefault("FusedConv", 0)).isEqualTo(34);
        assertThat(q.fidelity().cosineSimilarity()).isGreaterThanOrEqualTo(0.98);
    }
}
