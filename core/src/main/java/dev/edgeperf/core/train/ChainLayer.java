package dev.edgeperf.core.train;

import java.util.Arrays;

/**
 * One layer of a {@link ChainNet} with its single-sample forward and backward pass. Activations are flat
 * float arrays in ONNX layout ([C, H, W] for images, [F] for vectors); a layer reads its input, writes its
 * output, and on the way back overwrites the input gradient and accumulates ({@code +=}) its parameter
 * gradients, so a worker can sum a whole mini-batch in one buffer.
 */
sealed interface ChainLayer {
    /** Floats in one sample's output. */
    int outSize();

    /**
     * @param t the network's parameter tensors
     */
    void forward(float[] in, int inOff, float[] out, float[][] t);

    /**
     * After {@link #forward} of the same sample: writes dIn (when not null) and accumulates into {@code g}.
     *
     * @param out this layer's output of the forward pass
     */
    void backward(float[] in, int inOff, float[] out, float[] dOut, float[] dIn, float[][] t, float[][] g);

    /**
     * Conv, stride 1, dilation 1, zero padding {@code pt} above and {@code pl} left (the rest follows from
     * oh, ow), weights [cout, cin / group, k, k].
     *
     * @param bias index of the bias tensor, -1 when there is none
     */
    record Conv(int cin, int h, int w, int cout, int oh, int ow, int k, int pt, int pl, int group, int weight,
                int bias) implements ChainLayer {
        @Override
        public int outSize() {
            return cout * oh * ow;
        }

        @Override
        public void forward(float[] in, int inOff, float[] out, float[][] t) {
            float[] wt = t[weight];
            int cinG = cin / group;
            int coutG = cout / group;
            int plane = oh * ow;
            for (int oc = 0; oc < cout; oc++) {
                int outBase = oc * plane;
                Arrays.fill(out, outBase, outBase + plane, bias < 0 ? 0f : t[bias][oc]);
                for (int icg = 0; icg < cinG; icg++) {
                    int inBase = inOff + ((oc / coutG) * cinG + icg) * h * w;
                    int wBase = (oc * cinG + icg) * k * k;
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            float kv = wt[wBase + ky * k + kx];
                            // the output columns whose input column x + kx - pl lies inside the image
                            int x0 = Math.max(0, pl - kx);
                            int x1 = Math.min(ow, w + pl - kx);
                            for (int y = 0; y < oh; y++) {
                                int iy = y + ky - pt;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                int o = outBase + y * ow;
                                int i = inBase + iy * w + kx - pl;
                                for (int x = x0; x < x1; x++) {
                                    out[o + x] += kv * in[i + x];
                                }
                            }
                        }
                    }
                }
            }
        }

        @Override
        public void backward(float[] in, int inOff, float[] out, float[] dOut, float[] dIn, float[][] t, float[][] g) {
            float[] wt = t[weight];
            float[] dW = g[weight];
            int cinG = cin / group;
            int coutG = cout / group;
            int plane = oh * ow;
            if (dIn != null) {
                Arrays.fill(dIn, 0, cin * h * w, 0f);
            }
            for (int oc = 0; oc < cout; oc++) {
                int outBase = oc * plane;
                if (bias >= 0) {
                    float db = 0f;
                    for (int p = 0; p < plane; p++) {
                        db += dOut[outBase + p];
                    }
                    g[bias][oc] += db;
                }
                for (int icg = 0; icg < cinG; icg++) {
                    int ic = (oc / coutG) * cinG + icg;
                    int inBase = inOff + ic * h * w;
                    int wBase = (oc * cinG + icg) * k * k;
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            float kv = wt[wBase + ky * k + kx];
                            int x0 = Math.max(0, pl - kx);
                            int x1 = Math.min(ow, w + pl - kx);
                            float s = 0f;
                            for (int y = 0; y < oh; y++) {
                                int iy = y + ky - pt;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                int o = outBase + y * ow;
                                int i = inBase + iy * w + kx - pl;
                                for (int x = x0; x < x1; x++) {
                                    s += dOut[o + x] * in[i + x];
                                }
                                if (dIn != null) {
                                    int d = i - inOff;
                                    for (int x = x0; x < x1; x++) {
                                        dIn[d + x] += kv * dOut[o + x];
                                    }
                                }
                            }
                            dW[wBase + ky * k + kx] += s;
                        }
                    }
                }
            }
        }
    }

    /** Relu or Tanh over {@code size} values. */
    record Activation(boolean tanh, int size) implements ChainLayer {
        @Override
        public int outSize() {
            return size;
        }

        @Override
        public void forward(float[] in, int inOff, float[] out, float[][] t) {
            for (int i = 0; i < size; i++) {
                float v = in[inOff + i];
                out[i] = tanh ? (float) Math.tanh(v) : Math.max(v, 0f);
            }
        }

        @Override
        public void backward(float[] in, int inOff, float[] out, float[] dOut, float[] dIn, float[][] t, float[][] g) {
            if (dIn == null) {
                return;
            }
            for (int i = 0; i < size; i++) {
                // both derivatives are read off the output: tanh' = 1 - tanh^2, relu' = [out > 0] (0 at the kink)
                dIn[i] = tanh ? dOut[i] * (1 - out[i] * out[i]) : out[i] > 0f ? dOut[i] : 0f;
            }
        }
    }

    /** MaxPool or AveragePool, k x k window, stride s, no padding, floor mode, over c channels. */
    record Pool(boolean max, int c, int h, int w, int k, int s, int oh, int ow) implements ChainLayer {
        @Override
        public int outSize() {
            return c * oh * ow;
        }

        @Override
        public void forward(float[] in, int inOff, float[] out, float[][] t) {
            float inv = 1f / (k * k);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int base = inOff + ch * h * w + y * s * w + x * s;
                        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                float v = in[base + ky * w + kx];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                        out[(ch * oh + y) * ow + x] = max ? acc : acc * inv;
                    }
                }
            }
        }

        @Override
        public void backward(float[] in, int inOff, float[] out, float[] dOut, float[] dIn, float[][] t, float[][] g) {
            if (dIn == null) {
                return;
            }
            Arrays.fill(dIn, 0, c * h * w, 0f);
            float inv = 1f / (k * k);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int o = (ch * oh + y) * ow + x;
                        int base = ch * h * w + y * s * w + x * s;
                        if (max) {
                            // the whole gradient goes to the first maximum, as ONNX Runtime's MaxPool grad does
                            int best = base;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int p = base + ky * w + kx;
                                    if (in[inOff + p] > in[inOff + best]) {
                                        best = p;
                                    }
                                }
                            }
                            dIn[best] += dOut[o];
                        } else {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    dIn[base + ky * w + kx] += dOut[o] * inv;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Gemm y = W x + b with W stored [out, in] (transB = 1). */
    record Dense(int in, int out, int weight, int bias) implements ChainLayer {
        @Override
        public int outSize() {
            return out;
        }

        @Override
        public void forward(float[] x, int inOff, float[] y, float[][] t) {
            float[] wt = t[weight];
            float[] b = t[bias];
            for (int o = 0; o < out; o++) {
                float z = b[o];
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    z += wt[row + i] * x[inOff + i];
                }
                y[o] = z;
            }
        }

        @Override
        public void backward(float[] x, int inOff, float[] y, float[] dOut, float[] dIn, float[][] t, float[][] g) {
            float[] input = inOff == 0 ? x : Arrays.copyOfRange(x, inOff, inOff + in);
            Kernels.denseBackward(input, in, t[weight], out, dOut, g[weight], g[bias], dIn);
        }
    }
}
