package dev.edgeperf.core.predict.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The int8 convolutions, which ONNX Runtime runs one image at a time: its QLinearConv and ConvInteger
 * kernels loop over the batch and parallelise within each image, so a batch of n costs n images. They are
 * predicted as n times the prediction of one image (features with {@code n} = 1, FLOPs / n, activation
 * bytes / n, the weights once), not from the batch-n shape: a regressor's shape correction learned from
 * the few batch-8 samples calibration draws (whose quantize and dequantize around large tensors it
 * over-attributes to the kernel) predicted mobilenet-v1's uint8 convs at batch 8 up to 22 times their
 * batch-1 time, where ONNX Runtime's profiler measured 6 to 12 times (mostly 7 to 9), and int8 variants
 * at batch 8 23-60 % slow. The fp32 convs are not: ONNX Runtime's NCHWc convolution splits the whole
 * batch among its threads, and predicting them per image lost 1-9 points of the bench's 104 cells within
 * ±10 % on each of five calibrations, where this rule for the int8 ones gained 1.9-7.6 on each of six.
 */
public final class ImageLoop {
    private ImageLoop() {
    }

    /** Whether kernels of this regressor key run image by image: the uint8 and dynamic-int8 convolutions. */
    public static boolean loopsOverImages(String regressorKey) {
        return regressorKey.startsWith("conv") && (regressorKey.endsWith("/uint8")
                || regressorKey.endsWith("/" + Kernel.DYNAMIC_INT8));
    }

    /** {@code kernel}'s predicted ms by {@code regressor}, per image times the batch where it loops over images. */
    public static double predictMs(KernelRegressor regressor, Kernel kernel) {
        long n = kernel.features().getOrDefault("n", 1L);
        String key = kernel.regressorKey().orElse("");
        if (n <= 1 || !loopsOverImages(key)) {
            return regressor.predictMs(kernel.features(), kernel.flops(), kernel.bytes());
        }
        Map<String, Long> one = new LinkedHashMap<>(kernel.features());
        one.put("n", 1L);
        long weights = weightBytes(kernel.features());
        long bytes = Math.max(weights, (kernel.bytes() - weights) / n + weights);
        return n * regressor.predictMs(one, kernel.flops() / n, bytes);
    }

    /** The int8 weight tensor of a convolution with these features: cout x cin / groups x kh x kw bytes. */
    static long weightBytes(Map<String, Long> conv) {
        return conv.getOrDefault("cout", 0L) * (conv.getOrDefault("cin", 0L) / Math.max(1, conv.getOrDefault("groups",
                1L))) * conv.getOrDefault("kh", 0L) * conv.getOrDefault("kw", 0L);
    }
}
