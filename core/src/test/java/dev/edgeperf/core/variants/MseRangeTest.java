package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MseRangeTest {
    private static float[] sorted(float[] v) {
        float[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    /** Mean squared error of uint8 quantize-dequantize of {@code v} with the range's parameters. */
    private static double mse(float[] v, float[] range) {
        float[] p = ActivationRanges.uint8Params(range);
        double e = 0;
        for (float x : v) {
            double q = (Math.max(0, Math.min(255, Math.round(x / p[0]) + p[1])) - p[1]) * p[0];
            e += (x - q) * (x - q);
        }
        return e / v.length;
    }

    @Test
    void aUniformTensorKeepsItsWholeRange() {
        Random r = new Random(1);
        float[] v = new float[50_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 4 - 1; // [-1, 3)
        }
        float[] range = MseRange.of(sorted(v));
        // clipping a uniform distribution costs more than the finer step saves
        assertThat(range[0]).isCloseTo(-1f, within(1f / MseRange.GRID + 1e-3f));
        assertThat(range[1]).isCloseTo(3f, within(3f / MseRange.GRID + 1e-3f));
    }

    @Test
    void aHeavyTailedTensorIsClippedAndQuantizesWithLessErrorThanMinMaxOrPercentile() {
        Random r = new Random(2);
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) { // Laplace(0, 1): rare large values at both ends
            double u = r.nextDouble() - 0.5;
            v[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        float[] s = sorted(v);
        float[] range = MseRange.of(s);
        assertThat(range[0]).isGreaterThan(s[0] * 0.95f).isLessThan(-2f);
        assertThat(range[1]).isLessThan(s[s.length - 1] * 0.95f).isGreaterThan(2f);
        assertThat(mse(v, range)).isLessThan(mse(v, new float[] {s[0], s[s.length - 1]}) * 0.9);
        float[] percentile = {s[(int) (s.length * 0.0001)], s[(int) (s.length * 0.9999)]};
        assertThat(mse(v, range)).isLessThanOrEqualTo(mse(v, percentile));
    }

    @Test
    void aReluOutputKeepsZeroAsItsLowEnd() {
        Random r = new Random(3);
        float[] v = new float[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.max(0, r.nextGaussian());
        }
        float[] range = MseRange.of(sorted(v));
        assertThat(range[0]).isZero();
        assertThat(range[1]).isBetween(2f, 5f);
        assertThat(mse(v, range)).isLessThanOrEqualTo(mse(v, new float[] {0, sorted(v)[v.length - 1]}));
    }

    @Test
    void aConstantTensorGivesItsValue() {
        assertThat(MseRange.of(new float[] {0f, 0f, 0f})).containsExactly(0f, 0f);
    }
}
