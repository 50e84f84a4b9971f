package dev.edgeperf.core.predict.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of kernel ONNX Runtime runs on a CPU after fusion that calibration measures, each with
 * a regressor of its own per element type ({@link Kernel#regressorKey()}: "conv" for fp32,
 * "conv/uint8" for the same kind of kernel on int8 data). Bias, batch-norm (folded into the weights)
 * and a fused activation belong to the convolution that absorbed them. The int8 kernels of a static
 * (QDQ or QOperator) quantized model are the same kinds on uint8 data: QLinearConv is a conv,
 * QGemm and QLinearMatMul a gemm, QLinearAdd and QLinearMul elementwise, QLinearConcat a concat, QLinearGlobalAveragePool a
 * global pool, plus the {@link #QUANTIZE} and {@link #DEQUANTIZE} kernels at the int8 region's edges.
 * The int8 kernels of a dynamic quantized model have regressors of their own ("conv/dynamic-int8",
 * "gemm/dynamic-int8", see {@link Kernel#dtype()}), plus the {@link #DYNAMIC_QUANTIZE} kernel in front
 * of them; their int32 output is cast and rescaled by fp32 elementwise kernels.
 * An fp16 model needs no kernels of its own on the CPU execution provider: ONNX Runtime has no fp16
 * conv or gemm there, inserts casts to fp32 and folds them, so its optimized graph holds fp32 kernels.
 */
public enum KernelType {
    /** Conv or FusedConv, one group, kernel larger than 1x1. */
    CONV,
    /** Conv or FusedConv with a 1x1 kernel and one group. */
    CONV_POINTWISE,
    /** Conv with as many groups as input channels. */
    CONV_DEPTHWISE,
    /** A Conv followed by the residual Add (and Relu): ONNX Runtime's NCHWc transformer runs it as one kernel. */
    CONV_ADD,
    /** Gemm, MatMul, FusedMatMul, FusedGemm. */
    GEMM,
    /** MaxPool, AveragePool. */
    POOL,
    /** GlobalAveragePool, GlobalMaxPool. */
    GLOBAL_POOL,
    /** Unary and binary elementwise ops, standalone activations and batch-norm. */
    ELEMENTWISE,
    /** Softmax, LogSoftmax. */
    SOFTMAX,
    /** LayerNormalization (ONNX Runtime also fuses the decomposed form into it). */
    LAYERNORM,
    /** Concat; QLinearConcat on int8 data. */
    CONCAT,
    /** QuantizeLinear: fp32 to uint8 where an int8 region starts. */
    QUANTIZE,
    /** DequantizeLinear: uint8 back to fp32 where an int8 region ends. */
    DEQUANTIZE,
    /** DynamicQuantizeLinear: fp32 to uint8 with the tensor's own range, found at run time (a min/max pass, then the quantize). */
    DYNAMIC_QUANTIZE,
    /**
     * ReorderInput, ReorderOutput and the Transposes ONNX Runtime adds to change a tensor's layout
     * ({@link LayoutKernels}); calibration samples them from the profiled layout nodes around each lone kernel.
     */
    LAYOUT,
    /** Reshape-like ops ONNX Runtime runs as views of the same buffer: only their dispatch costs. */
    VIEW;

    /** The name used in profiles and output, e.g. "conv-depthwise". */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether calibration fits a regressor for it (views cost the measured per-node overhead). */
    public boolean learned() {
        return this != VIEW;
    }

    /** The type with this {@link #key()}. */
    public static Optional<KernelType> byKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key().equals(key)).findFirst();
    }
}
