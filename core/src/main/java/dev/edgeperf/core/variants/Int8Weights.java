package dev.edgeperf.core.variants;

/**
 * Symmetric int8 weight quantization (zero point 0, values in [-127, 127]) with one scale per output
 * channel, shared by the static and dynamic quantizers.
 */
final class Int8Weights {
    /**
     * @param q     quantized values, in the layout the consumer reads
     * @param scale one scale per output channel (max |w| / 127; 1 for an all-zero channel)
     */
    record PerChannel(byte[] q, float[] scale) {
    }

    private Int8Weights() {
    }

    /** Conv weight [Cout, ...]: each output channel is a contiguous block. */
    static PerChannel conv(float[] w, int cout) {
        int inner = w.length / cout;
        float[] scale = new float[cout];
        byte[] q = new byte[w.length];
        for (int c = 0; c < cout; c++) {
            float max = 0;
            for (int i = c * inner; i < (c + 1) * inner; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scale[c] = max == 0 ? 1f : max / 127f;
            for (int i = c * inner; i < (c + 1) * inner; i++) {
                q[i] = clamp(w[i] / scale[c]);
            }
        }
        return new PerChannel(q, scale);
    }

    /**
     * A 2-D matrix weight stored {@code [rows, cols]}, returned as {@code [K, N]} with a scale per
     * column N, whatever Gemm's transB was, so that MatMulInteger/QLinearMatMul compute A·B directly.
     */
    static PerChannel matrix(float[] w, int rows, int cols, boolean transB) {
        int k = transB ? cols : rows;
        int n = transB ? rows : cols;
        byte[] q = new byte[k * n];
        float[] scale = new float[n];
        for (int c = 0; c < n; c++) {
            float max = 0;
            for (int r = 0; r < k; r++) {
                max = Math.max(max, Math.abs(transB ? w[c * cols + r] : w[r * cols + c]));
            }
            scale[c] = max == 0 ? 1f : max / 127f;
            for (int r = 0; r < k; r++) {
                q[r * n + c] = clamp((transB ? w[c * cols + r] : w[r * cols + c]) / scale[c]);
            }
        }
        return new PerChannel(q, scale);
    }

    private static byte clamp(float v) {
        return (byte) Math.max(-127, Math.min(127, Math.round(v)));
    }
}
