package dev.edgeperf.core.predict.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The kernels of edgeperf's own quantized and fp16 variants, as ONNX Runtime optimizes them, by regressor key. */
public class Int8KernelDetectorTest {
    private static final OrtRunner RUNNER = new OrtRunner(1);

    /** The zoo model transformed by {@code recipe} (int8-static calibrated on random inputs). */
    public static OnnxMl.ModelProto variant(String zooModel, String recipe) {
        OnnxMl.ModelProto m = ModelZoo.buildProto(zooModel);
        CalibrationData data = CalibrationData.random(m, 1, 1, 2, 7);
        return VariantTransforms.apply(m, VariantRecipe.parse(recipe), data, RUNNER).model();
    }

    private static Map<String, Long> byKey(List<Kernel> kernels) {
        Map<String, Long> out = new TreeMap<>();
        kernels.forEach(k -> out.merge(k.regressorKey().orElse("none:" + k.opType()), 1L, Long::sum));
        return out;
    }

    @Test
    void resnet18Int8StaticRunsQLinearConvsAddsAndPoolsOnUint8() {
        List<Kernel> kernels = KernelDetector.detect(variant("resnet18", "quantized:int8-static"), "r18-int8", 1,
                Map.of(), Map.of());
        // hand-checked against the optimized graph: conv1 7x7 and 16 3x3 convs, 3 1x1 downsample convs, the
        // 8 residual adds as QLinearAdd, MaxPool on uint8, QLinearGlobalAveragePool, the fc as QGemm
        // (float output), one QuantizeLinear at the input, the flatten as a Reshape
        assertThat(byKey(kernels)).containsExactlyInAnyOrderEntriesOf(Map.of("conv/uint8", 17L,
                "conv-pointwise/uint8", 3L, "elementwise/uint8", 8L, "pool/uint8", 1L, "global-pool/uint8", 1L,
                "gemm/uint8", 1L, "quantize", 1L, "view", 1L));
        Kernel first = kernels.stream().filter(k -> k.opType().equals("QLinearConv")).findFirst().orElseThrow();
        assertThat(first.features()).containsEntry("cin", 3L).containsEntry("cout", 64L).containsEntry("kh", 7L)
                .containsEntry("stride", 2L).containsEntry("hout", 112L);
        assertThat(first.flops()).isEqualTo(2L * 64 * 112 * 112 * 3 * 7 * 7);
        // int8 weights: 64 x 3 x 7 x 7 bytes, not 4 bytes each
        assertThat(first.bytes()).isLessThan(3L * 224 * 224 * 4 + 64L * 3 * 7 * 7 * 2 + 64L * 112 * 112 * 2);
    }

    @Test
    void mnistInt8StaticKeepsItsNarrowConvsFp32AndRunsItsGemmsAsQGemm() {
        List<Kernel> kernels = KernelDetector.detect(variant("mnist-cnn", "quantized:int8-static"), "mnist-int8", 1,
                Map.of(), Map.of());
        assertThat(byKey(kernels)).containsExactlyInAnyOrderEntriesOf(Map.of("conv", 2L, "gemm/uint8", 2L,
                "quantize", 1L, "view", 1L, "softmax", 1L));
    }

    @Test
    void anFp16VariantRunsFp32KernelsOnTheCpu() {
        List<Kernel> fp16 = KernelDetector.detect(variant("resnet18", "quantized:fp16"), "r18-fp16", 1, Map.of(),
                Map.of());
        List<Kernel> fp32 = KernelDetector.detect(ModelZoo.buildProto("resnet18"), "r18", 1, Map.of(), Map.of());
        assertThat(byKey(fp16)).isEqualTo(byKey(fp32));
        assertThat(fp16).allMatch(k -> k.regressorKey().isPresent() && !k.regressorKey().get().contains("/"));
    }
}
