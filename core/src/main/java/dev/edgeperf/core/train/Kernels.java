package dev.edgeperf.core.train;

/**
 * Single-sample float kernels of the network's layers, written so the JIT can vectorise their
 * inner loops: every innermost loop is a contiguous multiply-add into an output row (axpy), which
 * C2 turns into SIMD, rather than a dot-product reduction, which it does not.
 * Gradients are accumulated ({@code +=}) so a worker can sum a whole mini-batch in one buffer.
 */
final class Kernels {
    private Kernels() {
    }

    /**
     * Valid 3x3 convolution, stride 1: out[oc, y, x] = b[oc] + sum in[ic, y+ky, x+kx] * w[oc, ic, ky, kx].
     *
     * @param in    input [cin, h, w] starting at {@code inOff}
     * @param out   output [cout, h-2, w-2], overwritten
     */
    static void convForward(float[] in, int inOff, int cin, int h, int w, float[] weight, float[] bias, int cout, float[] out) {
        int oh = h - 2;
        int ow = w - 2;
        int plane = oh * ow;
        for (int oc = 0; oc < cout; oc++) {
            int outBase = oc * plane;
            java.util.Arrays.fill(out, outBase, outBase + plane, bias[oc]);
            for (int ic = 0; ic < cin; ic++) {
                int inBase = inOff + ic * h * w;
                int wBase = (oc * cin + ic) * 9;
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        float k = weight[wBase + ky * 3 + kx];
                        for (int y = 0; y < oh; y++) {
                            int o = outBase + y * ow;
                            int i = inBase + (y + ky) * w + kx;
                            for (int x = 0; x < ow; x++) {
                                out[o + x] += k * in[i + x];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Backward of {@link #convForward}: accumulates dWeight and dBias and, when {@code dIn} is not
     * null, overwrites dIn [cin, h, w] with the input gradient.
     */
    static void convBackward(float[] in, int inOff, int cin, int h, int w, float[] weight, int cout, float[] dOut,
                             float[] dWeight, float[] dBias, float[] dIn) {
        int oh = h - 2;
        int ow = w - 2;
        int plane = oh * ow;
        if (dIn != null) {
            java.util.Arrays.fill(dIn, 0, cin * h * w, 0f);
        }
        for (int oc = 0; oc < cout; oc++) {
            int outBase = oc * plane;
            float db = 0f;
            for (int p = 0; p < plane; p++) {
                db += dOut[outBase + p];
            }
            dBias[oc] += db;
            for (int ic = 0; ic < cin; ic++) {
                int inBase = inOff + ic * h * w;
                int wBase = (oc * cin + ic) * 9;
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        float k = weight[wBase + ky * 3 + kx];
                        // two partial sums halve the dependent add chain of this reduction
                        float s0 = 0f;
                        float s1 = 0f;
                        for (int y = 0; y < oh; y++) {
                            int o = outBase + y * ow;
                            int i = inBase + (y + ky) * w + kx;
                            int x = 0;
                            for (; x + 1 < ow; x += 2) {
                                s0 += dOut[o + x] * in[i + x];
                                s1 += dOut[o + x + 1] * in[i + x + 1];
                            }
                            for (; x < ow; x++) {
                                s0 += dOut[o + x] * in[i + x];
                            }
                            if (dIn != null) {
                                int d = ic * h * w + (y + ky) * w + kx;
                                for (int xx = 0; xx < ow; xx++) {
                                    dIn[d + xx] += k * dOut[o + xx];
                                }
                            }
                        }
                        dWeight[wBase + ky * 3 + kx] += s0 + s1;
                    }
                }
            }
        }
    }

    /**
     * Depthwise valid 3x3 convolution, stride 1, no bias (group = channels, as {@code separable} writes it):
     * out[c, y, x] = sum in[c, y+ky, x+kx] * w[c, 0, ky, kx].
     *
     * @param in  input [c, h, w] starting at {@code inOff}
     * @param out output [c, h-2, w-2], overwritten
     */
    static void depthwiseForward(float[] in, int inOff, int c, int h, int w, float[] weight, float[] out) {
        int oh = h - 2;
        int ow = w - 2;
        int plane = oh * ow;
        java.util.Arrays.fill(out, 0, c * plane, 0f);
        for (int ch = 0; ch < c; ch++) {
            int outBase = ch * plane;
            int inBase = inOff + ch * h * w;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    float k = weight[ch * 9 + ky * 3 + kx];
                    for (int y = 0; y < oh; y++) {
                        int o = outBase + y * ow;
                        int i = inBase + (y + ky) * w + kx;
                        for (int x = 0; x < ow; x++) {
                            out[o + x] += k * in[i + x];
                        }
                    }
                }
            }
        }
    }

    /**
     * Backward of {@link #depthwiseForward}: accumulates dWeight [c, 9] and, when {@code dIn} is not null,
     * overwrites dIn [c, h, w] with the input gradient.
     */
    static void depthwiseBackward(float[] in, int inOff, int c, int h, int w, float[] weight, float[] dOut,
                                  float[] dWeight, float[] dIn) {
        int oh = h - 2;
        int ow = w - 2;
        int plane = oh * ow;
        if (dIn != null) {
            java.util.Arrays.fill(dIn, 0, c * h * w, 0f);
        }
        for (int ch = 0; ch < c; ch++) {
            int outBase = ch * plane;
            int inBase = inOff + ch * h * w;
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    float k = weight[ch * 9 + ky * 3 + kx];
                    float s = 0f;
                    for (int y = 0; y < oh; y++) {
                        int o = outBase + y * ow;
                        int i = inBase + (y + ky) * w + kx;
                        for (int x = 0; x < ow; x++) {
                            s += dOut[o + x] * in[i + x];
                        }
                        if (dIn != null) {
                            int d = ch * h * w + (y + ky) * w + kx;
                            for (int x = 0; x < ow; x++) {
                                dIn[d + x] += k * dOut[o + x];
                            }
                        }
                    }
                    dWeight[ch * 9 + ky * 3 + kx] += s;
                }
            }
        }
    }

    /**
     * Pointwise (1x1) convolution with bias: out[o, p] = b[o] + sum_i w[o, i] * in[i, p] over the
     * {@code plane} pixels p of each channel.
     *
     * @param weight [cout, cin] (the ONNX [cout, cin, 1, 1] tensor)
     * @param out    output [cout, plane], overwritten
     */
    static void pointwiseForward(float[] in, int cin, int plane, float[] weight, float[] bias, int cout, float[] out) {
        for (int o = 0; o < cout; o++) {
            int outBase = o * plane;
            java.util.Arrays.fill(out, outBase, outBase + plane, bias[o]);
            for (int i = 0; i < cin; i++) {
                float k = weight[o * cin + i];
                int inBase = i * plane;
                for (int p = 0; p < plane; p++) {
                    out[outBase + p] += k * in[inBase + p];
                }
            }
        }
    }

    /**
     * Backward of {@link #pointwiseForward}: accumulates dWeight [cout, cin] and dBias and, when {@code dIn}
     * is not null, overwrites dIn [cin, plane] with the input gradient.
     */
    static void pointwiseBackward(float[] in, int cin, int plane, float[] weight, int cout, float[] dOut,
                                  float[] dWeight, float[] dBias, float[] dIn) {
        if (dIn != null) {
            java.util.Arrays.fill(dIn, 0, cin * plane, 0f);
        }
        for (int o = 0; o < cout; o++) {
            int outBase = o * plane;
            float db = 0f;
            for (int p = 0; p < plane; p++) {
                db += dOut[outBase + p];
            }
            dBias[o] += db;
            for (int i = 0; i < cin; i++) {
                int inBase = i * plane;
                float s = 0f;
                for (int p = 0; p < plane; p++) {
                    s += dOut[outBase + p] * in[inBase + p];
                }
                dWeight[o * cin + i] += s;
                if (dIn != null) {
                    float k = weight[o * cin + i];
                    for (int p = 0; p < plane; p++) {
                        dIn[inBase + p] += k * dOut[outBase + p];
                    }
                }
            }
        }
    }

    /**
     * Dense layer y = W x + b with the weights given transposed, {@code weightT[i * out + o] = W[o, i]},
     * so the inner loop runs over outputs; inputs that are exactly zero (after a ReLU, about half)
     * are skipped.
     */
    static void denseForward(float[] x, int inputs, float[] weightT, float[] bias, int outputs, float[] y) {
        System.arraycopy(bias, 0, y, 0, outputs);
        for (int i = 0; i < inputs; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            int row = i * outputs;
            for (int o = 0; o < outputs; o++) {
                y[o] += xi * weightT[row + o];
            }
        }
    }

    /**
     * Backward of a dense layer with W stored [out, in]: accumulates dW += dy x^T and db += dy;
     * when {@code dx} is not null, overwrites it with W^T dy.
     */
    static void denseBackward(float[] x, int inputs, float[] weight, int outputs, float[] dy,
                              float[] dWeight, float[] dBias, float[] dx) {
        if (dx != null) {
            java.util.Arrays.fill(dx, 0, inputs, 0f);
        }
        for (int o = 0; o < outputs; o++) {
            float g = dy[o];
            dBias[o] += g;
            if (g == 0f) {
                continue;
            }
            int row = o * inputs;
            for (int i = 0; i < inputs; i++) {
                dWeight[row + i] += g * x[i];
            }
            if (dx != null) {
                for (int i = 0; i < inputs; i++) {
                    dx[i] += g * weight[row + i];
                }
            }
        }
    }

    /** Index of the largest value (the first of equal ones). */
    static int argmax(float[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    /** In-place ReLU over the first {@code n} values. */
    static void relu(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }

    /** Zeroes the gradient where the ReLU output was zero (its derivative there is taken as 0). */
    static void reluBackward(float[] activation, float[] grad, int n) {
        for (int i = 0; i < n; i++) {
            if (activation[i] <= 0f) {
                grad[i] = 0f;
            }
        }
    }

    /**
     * Softmax cross-entropy of one sample: writes dLogits = softmax(z) - onehot(label), scaled by
     * {@code scale}, and returns the loss -log softmax(z)[label] (natural log, unscaled).
     */
    static float softmaxCrossEntropy(float[] logits, int classes, int label, float scale, float[] dLogits) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[c] - max);
        }
        for (int c = 0; c < classes; c++) {
            double p = Math.exp(logits[c] - max) / sum;
            dLogits[c] = (float) ((p - (c == label ? 1 : 0)) * scale);
        }
        return (float) (Math.log(sum) - (logits[label] - max));
    }

    /**
     * Knowledge-distillation loss of one sample (Hinton et al. 2015): {@code alpha * T^2 * KL(softmax(t/T) ||
     * softmax(z/T)) + (1 - alpha) * CE(softmax(z), label)} for student logits z and teacher logits t; writes
     * {@code scale} x its gradient with respect to z into dLogits, which is
     * {@code alpha * T * (softmax(z/T) - softmax(t/T)) + (1 - alpha) * (softmax(z) - onehot(label))}.
     *
     * @param teacher teacher logits starting at {@code teacherOff} ({@code classes} values)
     * @return the unscaled loss
     */
    static float distillationLoss(float[] logits, int classes, int label, float[] teacher, int teacherOff,
                                  double temperature, double alpha, float scale, float[] dLogits) {
        if (alpha == 0) {
            return softmaxCrossEntropy(logits, classes, label, scale, dLogits); // bit for bit the hard-label run
        }
        double[] ps = softmax(logits, 0, classes, temperature);
        double[] pt = softmax(teacher, teacherOff, classes, temperature);
        double[] p = softmax(logits, 0, classes, 1);
        double kl = 0;
        for (int c = 0; c < classes; c++) {
            if (pt[c] > 0) {
                kl += pt[c] * (Math.log(pt[c]) - Math.log(Math.max(ps[c], Double.MIN_NORMAL)));
            }
        }
        for (int c = 0; c < classes; c++) {
            double g = alpha * temperature * (ps[c] - pt[c]) + (1 - alpha) * (p[c] - (c == label ? 1 : 0));
            dLogits[c] = (float) (g * scale);
        }
        double ce = -Math.log(Math.max(p[label], Double.MIN_NORMAL));
        return (float) (alpha * temperature * temperature * kl + (1 - alpha) * ce);
    }

    private static double[] softmax(float[] z, int off, int classes, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, z[off + c] / temperature);
        }
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(z[off + c] / temperature - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** out[i * rows + o] = in[o * cols + i] for an in matrix [rows, cols]; blocked for cache reuse. */
    static void transpose(float[] in, int rows, int cols, float[] out) {
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = in[r * cols + c];
                    }
                }
            }
        }
    }
}
