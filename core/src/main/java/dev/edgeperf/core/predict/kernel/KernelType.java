package dev.edgeperf.core.predict.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of kernel ONNX Runtime runs on a CPU after fusion that calibration measures, each with
 * a regressor of its own. Bias, batch-norm (folded into the weights) and a fused activation belong
 * to the convolution that absorbed them.
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
    /** Concat. */
    CONCAT,
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
