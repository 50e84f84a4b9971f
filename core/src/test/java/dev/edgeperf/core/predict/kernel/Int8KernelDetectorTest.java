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

    /** The kernels of the zoo model's variant at batch 1. */
    private static List<Kernel> kernelsOf(String zooModel, String recipe) {
        return KernelDetector.detect(variant(zooModel, recipe), zooModel + " " + recipe, 1, Map.of(), Map.of());
    }

    /** Kernels per regressor key, layout nodes left out (the counts are those of the EXTENDED graph). */
    private static Map<String, Long> byKey(List<Kernel> kernels) {
        Map<String, Long> out = new TreeMap<>();
        kernels.stream().filter(k -> !k.type().equals(java.util.Optional.of(KernelType.LAYOUT)))
                .forEach(k -> out.merge(k.regressorKey().orElse("none:" + k.opType()), 1L, Long::sum));
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
    void squeezenetsInt8MaxPoolsAndConcatsAreUint8Kernels() {
        // the quantizer leaves squeezenet's MaxPools fp32; ONNX Runtime runs them on uint8 and names their
        // outputs "<fp32 name>_q_to_dq": their shapes are the fp32 tensors' (55x55, 27x27, 13x13 at batch 1)
        List<Kernel> kernels = kernelsOf("squeezenet1_1", "quantized:int8-static");
        List<Kernel> pools = kernels.stream().filter(k -> k.opType().equals("MaxPool")).toList();
        assertThat(pools).hasSize(3).allSatisfy(k -> assertThat(k.regressorKey()).contains("pool/uint8"));
        assertThat(pools).extracting(k -> k.features().get("hout")).containsExactly(55L, 27L, 13L);
        assertThat(pools).extracting(k -> k.features().get("c")).containsExactly(64L, 128L, 256L);
        // each fire module's expand 1x1 and 3x3 outputs joined on uint8: the first one 2 x 64 channels at 55x55
        List<Kernel> concats = kernels.stream().filter(k -> k.opType().equals("QLinearConcat")).toList();
        assertThat(concats).hasSize(8).allSatisfy(k -> {
            assertThat(k.regressorKey()).contains("concat/uint8");
            assertThat(k.features()).containsEntry("inputs", 2L);
        });
        assertThat(concats.get(0).features()).containsEntry("elements", 128L * 55 * 55);
        assertThat(concats.get(0).bytes()).isEqualTo(2L * 128 * 55 * 55);
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

    @Test
    void resnet18Int8DynamicRunsConvIntegersBetweenDynamicQuantizeAndFp32Rescales() {
        List<Kernel> kernels = kernelsOf("resnet18", "quantized:int8-dynamic");
        // hand-checked against the optimized graph: the 20 convs as ConvInteger (17 3x3/7x7, 3 1x1
        // downsample), 17 DynamicQuantizeLinear (a downsample conv shares its block's quantized input),
        // per conv a Cast of the int32 result and two Muls (x_scale * w_scale, the rescale) and the bias
        // Add: 20 Casts, 40 Muls, 20 + 8 residual Adds + 17 Relus fp32; the fc as one DynamicQuantizeMatMul
        assertThat(byKey(kernels)).containsExactlyInAnyOrderEntriesOf(Map.of("conv/dynamic-int8", 17L,
                "conv-pointwise/dynamic-int8", 3L, "dynamic-quantize", 17L, "elementwise/int32", 20L,
                "elementwise", 85L, "gemm/dynamic-int8", 1L, "pool", 1L, "global-pool", 1L, "view", 1L));
        Kernel first = kernels.stream().filter(k -> k.opType().equals("ConvInteger")).findFirst().orElseThrow();
        assertThat(first.features()).containsEntry("cin", 3L).containsEntry("cout", 64L).containsEntry("kh", 7L)
                .containsEntry("stride", 2L).containsEntry("hout", 112L);
        assertThat(first.flops()).isEqualTo(2L * 64 * 112 * 112 * 3 * 7 * 7);
        Kernel fc = kernels.stream().filter(k -> k.opType().equals("DynamicQuantizeMatMul")).findFirst().orElseThrow();
        assertThat(fc.features()).containsEntry("m", 1L).containsEntry("k", 512L).containsEntry("n", 1000L);
        Kernel quantize = kernels.stream().filter(k -> k.opType().equals("DynamicQuantizeLinear")).findFirst()
                .orElseThrow();
        assertThat(quantize.features()).containsEntry("elements", 3L * 224 * 224);
    }

    @Test
    void mobilenetV2Int8DynamicKeepsItsDepthwiseConvsFp32() {
        // the stem 3x3 and 34 1x1 convs as ConvInteger, each behind its own DynamicQuantizeLinear, with a
        // Cast, 2 Muls and the bias Add; the 17 depthwise convs fp32 (FusedConv with their ReLU6); fp32
        // elementwise: 70 Muls, 35 + 10 residual Adds, 18 Clips (the ReLU6 behind stem, expand and last conv)
        assertThat(byKey(kernelsOf("mobilenet-v2", "quantized:int8-dynamic"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("conv/dynamic-int8", 1L,
                "conv-pointwise/dynamic-int8", 34L, "dynamic-quantize", 35L, "elementwise/int32", 35L,
                "elementwise", 133L, "conv-depthwise", 17L, "gemm/dynamic-int8", 1L, "global-pool", 1L, "view", 1L));
    }

    /**
     * An opset-11 model's int8-static variant is in the QOperator form: QLinearConv, MatMulInteger with an
     * int32 bias Add and a Cast, explicit QuantizeLinear/DequantizeLinear around what stays fp32.
     */
    @Test
    void resnet18AtOpset11Int8StaticMapsTheQOperatorForm() {
        OnnxMl.ModelProto opset11 = ModelZoo.buildProto("resnet18").toBuilder().clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
        CalibrationData data = CalibrationData.random(opset11, 1, 1, 2, 7);
        OnnxMl.ModelProto v = VariantTransforms.apply(opset11, VariantRecipe.parse("quantized:int8-static"), data,
                RUNNER).model();
        List<Kernel> kernels = KernelDetector.detect(v, "r18-op11-int8", 1, Map.of(), Map.of());
        // hand-checked against the optimized graph: 20 QLinearConvs (the Relus behind them absorbed into
        // their output quantizers); MaxPool fp32 (uint8 MaxPool needs opset 12) between a DequantizeLinear
        // and a QuantizeLinear; 7 residual Adds as QLinearAdd (their Relus absorbed into the output quantizers),
        // the last Add and its Relu fp32 behind 2 DequantizeLinear, as GlobalAveragePool is; the fc as
        // MatMulInteger (the u8s8 gemm) + int32 bias Add + Cast + Mul by the constant scale. Before unread
        // quantizers were dropped, every Add's output also fed a QuantizeLinear nothing read, which kept ORT
        // from fusing: 8 fp32 Adds between 17 DequantizeLinear and 18 QuantizeLinear
        assertThat(byKey(kernels)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(Map.entry("conv/uint8", 17L),
                Map.entry("conv-pointwise/uint8", 3L), Map.entry("quantize", 3L), Map.entry("dequantize", 3L),
                Map.entry("elementwise", 3L), Map.entry("elementwise/uint8", 7L), Map.entry("elementwise/int32", 2L),
                Map.entry("gemm/uint8", 1L), Map.entry("pool", 1L), Map.entry("global-pool", 1L),
                Map.entry("view", 1L)));
        Kernel fc = kernels.stream().filter(k -> k.opType().equals("MatMulInteger")).findFirst().orElseThrow();
        assertThat(fc.dtype()).isEqualTo("uint8");
        assertThat(fc.features()).containsEntry("m", 1L).containsEntry("k", 512L).containsEntry("n", 1000L);
        assertThat(fc.flops()).isEqualTo(2L * 512 * 1000);
    }
}
