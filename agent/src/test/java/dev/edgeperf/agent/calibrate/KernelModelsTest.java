package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelModelsTest {
    @Test
    void everyGeneratedModelRunsAsOneKernelOfItsTypeUnderTheCap() {
        long cap = 50_000_000L;
        KernelModels models = new KernelModels(42, cap);
        for (KernelType type : KernelType.values()) {
            if (!type.learned() || type == KernelType.QUANTIZE || type == KernelType.DEQUANTIZE
                    || type == KernelType.DYNAMIC_QUANTIZE || type == KernelType.LAYOUT) {
                continue;
            }
            for (int i = 0; i < 8; i++) {
                byte[] bytes = models.next(type);
                List<Kernel> kernels = KernelDetector.detectFused(OnnxModels.parse(bytes, "k"), "k", 1, Map.of(), Map.of());
                assertThat(kernels).as(type + " sample " + i).hasSize(1);
                Kernel k = kernels.get(0);
                assertThat(k.type()).as(type + " as " + k.opType() + " " + k.features()).contains(type);
                assertThat(k.regressorKey()).contains(type.key());
                assertThat(k.flops()).isLessThanOrEqualTo(cap * KernelModels.LARGE_DRAW_FACTOR);
                assertThat(k.bytes()).isPositive();
            }
        }
    }

    /** Most convs are under the cap, and some, as large as batch-8 layers, are over it. */
    @Test
    void someConvDrawsAreLargerThanTheCap() {
        long cap = 50_000_000L;
        KernelModels models = new KernelModels(5, cap);
        int over = 0;
        int draws = 60;
        for (int i = 0; i < draws; i++) {
            Kernel k = KernelDetector.detectFused(OnnxModels.parse(models.next(KernelType.CONV), "k"), "k", 1,
                    Map.of(), Map.of()).get(0);
            assertThat(k.flops()).isLessThanOrEqualTo(cap * KernelModels.LARGE_DRAW_FACTOR);
            over += k.flops() > cap ? 1 : 0;
        }
        assertThat(over).isPositive().isLessThan(draws / 3);
    }

    /** Odd channel counts and transcendental activations are drawn, as pruned variants and LeNet-style models have. */
    @Test
    void theShapesIncludeOddChannelsAndFusedTranscendentals() {
        KernelModels models = new KernelModels(42, 50_000_000L);
        java.util.Set<Long> acts = new java.util.TreeSet<>();
        boolean odd = false;
        for (int i = 0; i < 24; i++) {
            Kernel k = KernelDetector.detectFused(OnnxModels.parse(models.next(KernelType.CONV), "k"), "k", 1, Map.of(),
                    Map.of()).get(0);
            acts.add(k.features().get("act"));
            odd |= k.features().get("cin") % 8 != 0 && k.features().get("cin") != 3;
        }
        assertThat(odd).isTrue();
        assertThat(acts).contains(1L, 3L);
    }

    /**
     * Each int8 model is one uint8 kernel of its kind, plus the QuantizeLinear/DequantizeLinear at its
     * edges and, for Add and the average pool, a side conv, for the MaxPool and the Concat the 1x1
     * depthwise convs around them (which calibration subtracts).
     */
    @Test
    void everyInt8ModelRunsAsOneUint8KernelOfItsTypeBetweenQuantizeAndDequantize() {
        Int8Kernels models = new Int8Kernels(new KernelModels(7, 50_000_000L), 7);
        java.util.Set<Long> pools = new java.util.TreeSet<>();
        for (KernelType type : Int8Kernels.TYPES) {
            for (int i = 0; i < 4; i++) {
                List<Kernel> kernels = learnedKernels(models.next(type));
                String what = describe(type, i, kernels);
                List<Kernel> inner = ofType(kernels, type);
                assertThat(inner).as(what).hasSize(1);
                // the rest: quantize/dequantize at the edges and the weightless kinds' side conv
                assertThat(otherKeys(kernels, inner.get(0))).as(what)
                        .isSubsetOf("quantize", "dequantize", "conv-pointwise/uint8", "conv-depthwise/uint8");
                Kernel k = inner.get(0);
                assertThat(k.type()).as(what).contains(type);
                String dtype = type == KernelType.QUANTIZE ? "float" : "uint8";
                boolean fixed = type == KernelType.QUANTIZE || type == KernelType.DEQUANTIZE;
                assertThat(k.dtype()).as(what).isEqualTo(dtype);
                assertThat(k.regressorKey()).as(what).contains(fixed ? type.key() : type.key() + "/uint8");
                if (type == KernelType.POOL) {
                    pools.add(k.features().get("avg"));
                }
            }
        }
        // both the uint8 MaxPool (in NHWC behind its conv) and QLinearAveragePool are sampled
        assertThat(pools).containsExactly(0L, 1L);
    }

    /**
     * Each dynamic int8 model is one kernel of its kind: a DynamicQuantizeLinear, a Cast of int32, or a
     * ConvInteger / DynamicQuantizeMatMul ("dynamic-int8") with, for the conv, the DynamicQuantizeLinear in
     * front and fp32 elementwise kernels behind (calibration subtracts them).
     */
    @Test
    void everyDynamicInt8ModelRunsOneKernelOfItsTypeAmongKindsCalibratedBeforeIt() {
        DynamicInt8Kernels models = new DynamicInt8Kernels(new KernelModels(11, 50_000_000L), 11);
        for (KernelType type : DynamicInt8Kernels.TYPES) {
            // six draws: a gemm draw is a biased Gemm or a bare MatMul, both must fuse into DynamicQuantizeMatMul
            for (int i = 0; i < 6; i++) {
                List<Kernel> kernels = learnedKernels(models.next(type));
                String what = describe(type, i, kernels);
                List<Kernel> inner = ofType(kernels, type);
                assertThat(inner).as(what).hasSize(1);
                String key = switch (type) {
                    case DYNAMIC_QUANTIZE -> "dynamic-quantize";
                    case ELEMENTWISE -> "elementwise/int32";
                    default -> type.key() + "/dynamic-int8";
                };
                assertThat(inner.get(0).regressorKey()).as(what).contains(key);
                assertThat(inner.get(0).opType()).as(what).isIn("DynamicQuantizeLinear", "Cast", "ConvInteger",
                        "DynamicQuantizeMatMul");
                assertThat(otherKeys(kernels, inner.get(0))).as(what)
                        .isSubsetOf("dynamic-quantize", "elementwise/int32", "elementwise");
            }
        }
    }

    /** The kernels ONNX Runtime runs for a generated model, views left out. */
    private static List<Kernel> learnedKernels(byte[] model) {
        return KernelDetector.detectFused(OnnxModels.parse(model, "k"), "k", 1, Map.of(), Map.of()).stream()
                .filter(k -> k.type().map(KernelType::learned).orElse(true)).toList();
    }

    private static List<Kernel> ofType(List<Kernel> kernels, KernelType type) {
        return kernels.stream().filter(k -> k.type().equals(java.util.Optional.of(type))).toList();
    }

    /** The regressor keys of every kernel but {@code target} ("?" for one without). */
    private static List<String> otherKeys(List<Kernel> kernels, Kernel target) {
        return kernels.stream().filter(k -> k != target).map(k -> k.regressorKey().orElse("?")).toList();
    }

    private static String describe(KernelType type, int sample, List<Kernel> kernels) {
        return type + " sample " + sample + ": " + kernels.stream().map(k -> k.opType() + "/" + k.dtype()).toList();
    }
}
