package dev.edgeperf.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Backward passes against central finite differences of a scalar loss L = sum(out * R) (so
 * dL/dout = R) on tiny shapes. Float32 forward passes limit the precision, hence the relative
 * tolerance of a few per cent on every entry and a tighter one on the whole gradient.
 */
class GradientCheckTest {
    /** Step for the linear kernels (exact up to rounding) and for the network, whose ReLU kinks want a small one. */
    private static final double EPS = 1e-2;
    private static final double NETWORK_EPS = 2e-3;
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void convBackwardMatchesFiniteDifferences() {
        int cin = 2;
        int h = 5;
        int w = 6;
        int cout = 3;
        float[] in = TestData.random(cin * h * w, random, 1);
        float[] weight = TestData.random(cout * cin * 9, random, 0.5);
        float[] bias = TestData.random(cout, random, 0.5);
        float[] r = TestData.random(cout * (h - 2) * (w - 2), random, 1);
        float[] out = new float[r.length];
        Supplier<Double> loss = () -> {
            Kernels.convForward(in, 0, cin, h, w, weight, bias, cout, out);
            return dot(out, r);
        };
        float[] dW = new float[weight.length];
        float[] dB = new float[bias.length];
        float[] dIn = new float[in.length];
        Kernels.convBackward(in, 0, cin, h, w, weight, cout, r, dW, dB, dIn);

        assertGradient("conv dWeight", weight, dW, loss);
        assertGradient("conv dBias", bias, dB, loss);
        assertGradient("conv dInput", in, dIn, loss);
    }

    @Test
    void convBackwardAccumulatesAcrossCalls() {
        float[] in = TestData.random(4 * 4, random, 1);
        float[] weight = TestData.random(9, random, 1);
        float[] r = TestData.random(4, random, 1);
        float[] once = new float[9];
        float[] twice = new float[9];
        Kernels.convBackward(in, 0, 1, 4, 4, weight, 1, r, once, new float[1], null);
        Kernels.convBackward(in, 0, 1, 4, 4, weight, 1, r, twice, new float[1], null);
        Kernels.convBackward(in, 0, 1, 4, 4, weight, 1, r, twice, new float[1], null);
        for (int i = 0; i < 9; i++) {
            assertThat(twice[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void depthwiseBackwardMatchesFiniteDifferences() {
        int c = 3;
        int h = 5;
        int w = 6;
        float[] in = TestData.random(2 + c * h * w, random, 1); // offset 2: the input starts inside the array
        float[] weight = TestData.random(c * 9, random, 0.5);
        float[] r = TestData.random(c * (h - 2) * (w - 2), random, 1);
        float[] out = new float[r.length];
        Supplier<Double> loss = () -> {
            Kernels.depthwiseForward(in, 2, c, h, w, weight, out);
            return dot(out, r);
        };
        float[] dW = new float[weight.length];
        float[] dIn = new float[c * h * w];
        Kernels.depthwiseBackward(in, 2, c, h, w, weight, r, dW, dIn);

        assertGradient("depthwise dWeight", weight, dW, loss);
        float[] dInPadded = new float[in.length];
        System.arraycopy(dIn, 0, dInPadded, 2, dIn.length);
        assertGradient("depthwise dInput", in, dInPadded, loss);
    }

    @Test
    void depthwiseEqualsAFullConvWhoseKernelIsZeroAcrossChannels() {
        // independent calculation: a group=1 conv with w[o, i] = 0 for o != i is the depthwise conv
        int c = 2;
        float[] in = TestData.random(c * 5 * 5, random, 1);
        float[] dw = TestData.random(c * 9, random, 1);
        float[] full = new float[c * c * 9];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(dw, ch * 9, full, (ch * c + ch) * 9, 9);
        }
        float[] expected = new float[c * 9];
        float[] got = new float[c * 9];
        Kernels.convForward(in, 0, c, 5, 5, full, new float[c], c, expected);
        Kernels.depthwiseForward(in, 0, c, 5, 5, dw, got);
        assertThat(got).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void pointwiseBackwardMatchesFiniteDifferences() {
        int cin = 3;
        int plane = 7;
        int cout = 4;
        float[] in = TestData.random(cin * plane, random, 1);
        float[] weight = TestData.random(cout * cin, random, 0.5);
        float[] bias = TestData.random(cout, random, 0.5);
        float[] r = TestData.random(cout * plane, random, 1);
        float[] out = new float[r.length];
        Supplier<Double> loss = () -> {
            Kernels.pointwiseForward(in, cin, plane, weight, bias, cout, out);
            return dot(out, r);
        };
        float[] dW = new float[weight.length];
        float[] dB = new float[bias.length];
        float[] dIn = new float[in.length];
        Kernels.pointwiseBackward(in, cin, plane, weight, cout, r, dW, dB, dIn);

        assertGradient("pointwise dWeight", weight, dW, loss);
        assertGradient("pointwise dBias", bias, dB, loss);
        assertGradient("pointwise dInput", in, dIn, loss);
        // independent calculation of one output: b[o] + sum_i w[o, i] in[i, p]
        Kernels.pointwiseForward(in, cin, plane, weight, bias, cout, out);
        double o2p5 = bias[2];
        for (int i = 0; i < cin; i++) {
            o2p5 += weight[2 * cin + i] * in[i * plane + 5];
        }
        assertThat((double) out[2 * plane + 5]).isCloseTo(o2p5, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void wholeSeparableNetworkBackwardMatchesFiniteDifferencesOfCrossEntropy() {
        int c1 = 2;
        int c2 = 3;
        int hidden = 6;
        int height = 7;
        int width = 8;
        int classes = 4;
        int flat = c2 * (height - 4) * (width - 4);
        int[] sizes = {9, c1, c1, c1 * 9, c2 * c1, c2, hidden * flat, hidden, classes * hidden, classes};
        float[][] tensors = new float[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            tensors[t] = TestData.random(sizes[t], random, 0.6);
        }
        String[] names = {"dw1", "pw1", "b1", "dw2", "pw2", "b2", "fc1w", "fc1b", "fc2w", "fc2b"};
        SeparableCnn cnn = new SeparableCnn(c1, c2, hidden, height, width, classes, names, tensors);
        float[] image = TestData.random(height * width, random, 1);
        int label = 3;
        SeparableCnn.Net net = cnn.new Net();
        float[][] grads = cnn.newGradients();
        net.forward(image, 0);
        net.backward(image, 0, label, 1f, grads);
        float[] scratch = new float[classes];
        Supplier<Double> loss = () -> {
            net.forward(image, 0);
            return (double) Kernels.softmaxCrossEntropy(net.logits, classes, label, 1f, scratch);
        };
        for (int t = 0; t < sizes.length; t++) {
            assertGradient("separable " + names[t], tensors[t], grads[t], loss, NETWORK_EPS);
        }
    }

    @Test
    void denseBackwardMatchesFiniteDifferences() {
        int inputs = 7;
        int outputs = 4;
        float[] x = TestData.random(inputs, random, 1);
        x[2] = 0f; // the forward pass skips zero inputs; the gradient must not
        float[] weight = TestData.random(outputs * inputs, random, 0.5);
        float[] bias = TestData.random(outputs, random, 0.5);
        float[] r = TestData.random(outputs, random, 1);
        float[] y = new float[outputs];
        float[] weightT = new float[weight.length];
        Supplier<Double> loss = () -> {
            Kernels.transpose(weight, outputs, inputs, weightT);
            Kernels.denseForward(x, inputs, weightT, bias, outputs, y);
            return dot(y, r);
        };
        float[] dW = new float[weight.length];
        float[] dB = new float[bias.length];
        float[] dx = new float[inputs];
        Kernels.denseBackward(x, inputs, weight, outputs, r, dW, dB, dx);

        assertGradient("dense dWeight", weight, dW, loss);
        assertGradient("dense dBias", bias, dB, loss);
        assertGradient("dense dInput", x, dx, loss);
    }

    @Test
    void wholeNetworkBackwardMatchesFiniteDifferencesOfCrossEntropy() {
        CnnShape shape = new CnnShape(2, 3, 6, 7, 8, 4);
        CnnWeights weights = noisyWeights(shape, 3);
        float[] image = TestData.random(7 * 8, random, 1);
        int label = 2;
        CnnNetwork net = new CnnNetwork(shape);
        float[][] grads = zeroGradients(weights);
        net.forward(weights, CnnTrainer.transposedFc1(weights), image, 0);
        net.backward(weights, image, 0, label, 1f, grads);
        float[] scratch = new float[4];
        Supplier<Double> loss = () -> {
            net.forward(weights, CnnTrainer.transposedFc1(weights), image, 0);
            return (double) Kernels.softmaxCrossEntropy(net.logits, 4, label, 1f, scratch);
        };
        for (int t = 0; t < 8; t++) {
            assertGradient(CnnWeights.NAMES.get(t), weights.tensor(t), grads[t], loss, NETWORK_EPS);
        }
    }

    @Test
    void wholeNetworkBackwardMatchesFiniteDifferencesOfDistillationLoss() {
        CnnShape shape = new CnnShape(2, 3, 6, 7, 8, 4);
        CnnWeights weights = noisyWeights(shape, 5);
        float[] image = TestData.random(7 * 8, random, 1);
        int label = 1;
        SoftTargets soft = new SoftTargets(new float[] {0.5f, -1.2f, 2.0f, 0.1f}, 3.0, 0.6);
        CnnNetwork net = new CnnNetwork(shape);
        float[][] grads = zeroGradients(weights);
        net.forward(weights, CnnTrainer.transposedFc1(weights), image, 0);
        net.backward(weights, image, 0, label, soft, 0, 1f, grads);
        float[] scratch = new float[4];
        Supplier<Double> loss = () -> {
            net.forward(weights, CnnTrainer.transposedFc1(weights), image, 0);
            return (double) Kernels.distillationLoss(net.logits, 4, label, soft.logits(), 0, 3.0, 0.6, 1f, scratch);
        };
        for (int t = 0; t < 8; t++) {
            assertGradient("distill " + CnnWeights.NAMES.get(t), weights.tensor(t), grads[t], loss, NETWORK_EPS);
        }
    }

    @Test
    void distillationLossMatchesItsDefinitionAndFiniteDifferencesInTheLogits() {
        float[] z = {0.3f, -0.7f, 1.1f};
        float[] t = {2.0f, 0.0f, -1.0f};
        double temp = 2.0;
        double alpha = 0.7;
        // independent calculation, straight from the formula
        double[] ps = new double[3];
        double[] pt = new double[3];
        double[] p = new double[3];
        double zs = 0;
        double ts = 0;
        double s1 = 0;
        for (int c = 0; c < 3; c++) {
            zs += Math.exp(z[c] / temp);
            ts += Math.exp(t[c] / temp);
            s1 += Math.exp(z[c]);
        }
        double kl = 0;
        for (int c = 0; c < 3; c++) {
            ps[c] = Math.exp(z[c] / temp) / zs;
            pt[c] = Math.exp(t[c] / temp) / ts;
            p[c] = Math.exp(z[c]) / s1;
            kl += pt[c] * Math.log(pt[c] / ps[c]);
        }
        double expected = alpha * temp * temp * kl + (1 - alpha) * -Math.log(p[2]);
        float[] d = new float[3];
        float got = Kernels.distillationLoss(z, 3, 2, t, 0, temp, alpha, 1f, d);
        assertThat((double) got).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
        Supplier<Double> loss = () -> (double) Kernels.distillationLoss(z, 3, 2, t, 0, temp, alpha, 1f, new float[3]);
        assertGradient("distill dLogits", z, d, loss);
        // alpha = 0 is plain cross-entropy
        float[] ce = new float[3];
        float plain = Kernels.softmaxCrossEntropy(z, 3, 2, 1f, ce);
        float[] d0 = new float[3];
        assertThat(Kernels.distillationLoss(z, 3, 2, t, 0, temp, 0, 1f, d0)).isCloseTo(plain,
                org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(d0).containsExactly(ce, org.assertj.core.data.Offset.offset(1e-6f));
    }

    /** Initial weights plus noise: non-zero biases, so no unit sits exactly at a ReLU kink. */
    private CnnWeights noisyWeights(CnnShape shape, long seed) {
        CnnWeights weights = CnnWeights.initial(shape, seed);
        for (float[] t : weights.tensors()) {
            float[] noise = TestData.random(t.length, random, 0.1);
            for (int i = 0; i < t.length; i++) {
                t[i] += noise[i];
            }
        }
        return weights;
    }

    private static float[][] zeroGradients(CnnWeights weights) {
        float[][] grads = new float[weights.tensors().length][];
        for (int t = 0; t < grads.length; t++) {
            grads[t] = new float[weights.tensor(t).length];
        }
        return grads;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Compares every analytic entry with (L(p + eps) - L(p - eps)) / 2 eps. */
    private static void assertGradient(String what, float[] param, float[] analytic, Supplier<Double> loss) {
        assertGradient(what, param, analytic, loss, EPS);
    }

    static void assertGradient(String what, float[] param, float[] analytic, Supplier<Double> loss, double eps) {
        double diffNorm = 0;
        double norm = 0;
        for (int i = 0; i < param.length; i++) {
            float saved = param[i];
            param[i] = (float) (saved + eps);
            double plus = loss.get();
            param[i] = (float) (saved - eps);
            double minus = loss.get();
            param[i] = saved;
            double numeric = (plus - minus) / (2 * eps);
            assertThat(analytic[i]).as("%s[%d], numeric %.6f", what, i, numeric)
                    .isCloseTo((float) numeric, org.assertj.core.data.Offset.offset((float) (2e-3 + 0.03 * Math.abs(numeric))));
            diffNorm += (analytic[i] - numeric) * (analytic[i] - numeric);
            norm += numeric * numeric;
        }
        assertThat(Math.sqrt(diffNorm)).as("%s relative error", what).isLessThanOrEqualTo(0.01 * Math.sqrt(norm) + 1e-3);
        assertThat(norm).as("%s gradient must not be all zero", what).isGreaterThan(0);
    }
}
