package dev.edgeperf.core.predict.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One kernel of an ONNX-Runtime-optimized graph.
 *
 * @param node     name of the node in the optimized graph (ONNX Runtime keeps the original node's name)
 * @param opType   its op type as ONNX Runtime wrote it ({@code FusedConv}, {@code Conv+Add+Relu} for a
 *                 group this class joins, see {@link KernelDetector})
 * @param type     the calibrated kind it belongs to; empty for op types no kernel regressor covers
 * @param dtype    element type of its first input ("float", "float16", "uint8", …; "?" when unknown), or
 *                 {@value #DYNAMIC_INT8} for the int8 kernels of dynamic quantization (ConvInteger,
 *                 DynamicQuantizeMatMul): their input is quantized at run time, with a speed of its own
 * @param features named integer features in a fixed order per type (shapes, channels, kernel size,
 *                 stride, groups); see {@link KernelDetector} for each type's list
 * @param flops    floating-point operations of one call (2 x MACs for conv/gemm; see {@link KernelDetector})
 * @param bytes    bytes it reads (inputs and weights) plus bytes it writes; 0 when a shape is unknown
 */
public record Kernel(String node, String opType, Optional<KernelType> type, String dtype, Map<String, Long> features,
                     long flops, long bytes) {
    /** The {@link #dtype()} of the kernels of dynamic int8 quantization. */
    public static final String DYNAMIC_INT8 = "dynamic-int8";

    public Kernel {
        Objects.requireNonNull(node, "node is null");
        Objects.requireNonNull(opType, "opType is null");
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(dtype, "dtype is null");
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        if (flops < 0 || bytes < 0) {
            throw new IllegalArgumentException("flops and bytes must be >= 0, got " + flops + ", " + bytes);
        }
    }

    /**
     * The regressor this kernel needs: the type's key, with "/dtype" unless fp32 ("conv/uint8" for a
     * QLinearConv, "conv/dynamic-int8" for a ConvInteger), without it for the types whose element types
     * are fixed by what they do (views, quantize, dequantize, dynamic quantize); empty when no type
     * covers the op. A kernel whose key the device profile has no samples of is reported as not predicted.
     */
    public Optional<String> regressorKey() {
        return type.map(t -> dtype.equals("float") || t == KernelType.VIEW || t == KernelType.QUANTIZE
                || t == KernelType.DEQUANTIZE || t == KernelType.DYNAMIC_QUANTIZE ? t.key() : t.key() + "/" + dtype);
    }
}
