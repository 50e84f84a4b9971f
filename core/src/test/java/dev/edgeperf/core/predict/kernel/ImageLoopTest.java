package dev.edgeperf.core.predict.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The int8 convolutions are predicted image by image, as ONNX Runtime runs them; the others by their whole shape. */
class ImageLoopTest {
    /** ms = 0.001 + 1e-9 x FLOPs + 1e-8 x bytes, with no shape correction. */
    private static final KernelRegressor RATE = new KernelRegressor(0.001, 1e-9, 1e-8, 10);

    private static Kernel pointwise(String dtype, long n) {
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("n", n);
        f.put("cin", 32L);
        f.put("h", 112L);
        f.put("w", 112L);
        f.put("cout", 64L);
        f.put("hout", 112L);
        f.put("wout", 112L);
        f.put("kh", 1L);
        f.put("kw", 1L);
        f.put("stride", 1L);
        f.put("groups", 1L);
        f.put("act", 0L);
        long flops = 2 * n * 64 * 112 * 112 * 32;
        long element = dtype.equals("float") ? 4 : 1;
        long bytes = (n * 32 * 112 * 112 + n * 64 * 112 * 112 + 64 * 32) * element;
        return new Kernel("conv_pw_1", "QLinearConv", Optional.of(KernelType.CONV_POINTWISE), dtype, f, flops, bytes);
    }

    @Test
    void aBatchOfAnInt8ConvIsItsBatchTimesOneImageWithTheWeightsReadOncePerImage() {
        Kernel batch8 = pointwise("uint8", 8);
        long weights = 64 * 32;
        // by hand: one image is 1/8 of the FLOPs and of the activations, and all the weights
        double oneImage = 0.001 + 1e-9 * (2L * 64 * 112 * 112 * 32) + 1e-8 * ((32 + 64) * 112 * 112 + weights);
        assertThat(ImageLoop.predictMs(RATE, batch8)).isCloseTo(8 * oneImage, offset(1e-12));
        assertThat(ImageLoop.predictMs(RATE, pointwise("uint8", 1))).isCloseTo(oneImage, offset(1e-12));
        // what the whole shape gives: the fixed cost once, the weights once
        assertThat(ImageLoop.predictMs(RATE, batch8)).isGreaterThan(RATE.predictMs(batch8.flops(), batch8.bytes()));
        Kernel dynamic = pointwise(Kernel.DYNAMIC_INT8, 4);
        assertThat(ImageLoop.predictMs(RATE, dynamic)).isCloseTo(4 * RATE.predictMs(dynamic.flops() / 4,
                (dynamic.bytes() - weights) / 4 + weights), offset(1e-12));
    }

    @Test
    void fp32ConvsAndOtherInt8KernelsArePredictedByTheirWholeShape() {
        Kernel fp32 = pointwise("float", 8);
        assertThat(ImageLoop.predictMs(RATE, fp32)).isEqualTo(RATE.predictMs(fp32.flops(), fp32.bytes()));
        assertThat(ImageLoop.loopsOverImages("conv/uint8")).isTrue();
        assertThat(ImageLoop.loopsOverImages("conv-depthwise/uint8")).isTrue();
        assertThat(ImageLoop.loopsOverImages("conv-pointwise/dynamic-int8")).isTrue();
        assertThat(ImageLoop.loopsOverImages("conv")).isFalse();
        assertThat(ImageLoop.loopsOverImages("conv-add")).isFalse();
        assertThat(ImageLoop.loopsOverImages("gemm/uint8")).isFalse();
        assertThat(ImageLoop.loopsOverImages("gemm/dynamic-int8")).isFalse();
        assertThat(ImageLoop.loopsOverImages("elementwise/uint8")).isFalse();
    }
}
