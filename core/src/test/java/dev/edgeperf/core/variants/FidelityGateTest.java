package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.core.EdgeperfException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gate's figures against an independent computation (power ratios of means, normalised vectors), and the
 * two real cases cosine alone let through: a shared offset (a log-mel spectrogram) and a near-zero
 * probability map that grows.
 */
class FidelityGateTest {
    /** Cosine from unit vectors and SQNR from mean powers: another route to the same definitions. */
    private static double[] independent(float[] x, float[] y) {
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            nx += x[i] * (double) x[i];
            ny += y[i] * (double) y[i];
        }
        nx = Math.sqrt(nx);
        ny = Math.sqrt(ny);
        double cos = 0;
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < x.length; i++) {
            cos += (x[i] / nx) * (y[i] / ny);
            signal += x[i] * (double) x[i] / x.length;
            noise += (x[i] - (double) y[i]) * (x[i] - (double) y[i]) / x.length;
        }
        return new double[] {cos, 10 * Math.log10(signal / noise)};
    }

    private static OutputTensor out(String name, float[] v) {
        return new OutputTensor(name, new long[] {2, v.length / 2}, v);
    }

    @Test
    void cosineAndSqnrAgreeWithAnIndependentComputationOverSeveralBatches() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(-2, 2);
            y[i] = x[i] + (float) rnd.nextDouble(-0.3, 0.3);
        }
        float[] x1 = java.util.Arrays.copyOfRange(x, 0, 32);
        float[] x2 = java.util.Arrays.copyOfRange(x, 32, 64);
        Fidelity f = Fidelity.compare(List.of(out("o", x1), out("o", x2)),
                List.of(out("o", java.util.Arrays.copyOfRange(y, 0, 32)), out("o", java.util.Arrays.copyOfRange(y, 32, 64))),
                null);
        double[] ref = independent(x, y);
        assertThat(f.cosineSimilarity()).isCloseTo(ref[0], within(1e-9));
        assertThat(f.sqnrDb()).isCloseTo(ref[1], within(1e-9));
        assertThat(f.sqnrDb()).isBetween(15.0, 30.0);
    }

    @Test
    void aSharedOffsetKeepsCosineHighButSqnrShowsTheCollapse() {
        // oww-melspectrogram int8-dynamic, in miniature: log-mel values around -5 whose variant sinks towards -78
        // (the log of a quantized power that became ~0): cosine 0.84, SQNR -17.6 dB, measured on the real file.
        float[] x = new float[32];
        float[] y = new float[32];
        for (int i = 0; i < x.length; i++) {
            x[i] = -5 + (i % 4);
            y[i] = i % 3 == 0 ? -78 : x[i] - 20;
        }
        Fidelity f = Fidelity.compare(List.of(out("output", x)), List.of(out("output", y)), null);
        double[] ref = independent(x, y);
        assertThat(f.cosineSimilarity()).isCloseTo(ref[0], within(1e-9)).isGreaterThan(0.8);
        assertThat(f.sqnrDb()).isCloseTo(ref[1], within(1e-9)).isLessThan(-10);
        assertThat(FidelityGate.Tier.NUMERIC.fails(f)).isTrue();
        assertThat(FidelityGate.failure("oww variant quantized:int8-dynamic", FidelityGate.Tier.NUMERIC, "output", f))
                .hasValueSatisfying(s -> assertThat(s).startsWith("oww variant quantized:int8-dynamic failed: output"
                        + " 'output' fidelity to the baseline collapsed on 2 calibration samples (cosine 0.")
                        .contains("SQNR -").endsWith("a quantized or clustered variant keeps cosine >= 0.90 and SQNR >= 0.0 dB)"));
    }

    @Test
    void aGrowingNearZeroMapHasCosineNearOneAndNegativeSqnr() {
        // ppocr-det int8-dynamic on noise: a probability map ~1e-8 that grows about fivefold stays "parallel"
        float[] x = new float[40];
        float[] y = new float[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1e-8f * (1 + (i % 5) * 0.1f);
            y[i] = 5.2f * x[i];
        }
        Fidelity f = Fidelity.compare(List.of(out("p", x)), List.of(out("p", y)), null);
        assertThat(f.cosineSimilarity()).isCloseTo(1.0, within(1e-6));
        // error = 4.2 x signal: 10·log10(1 / 4.2²) = -12.5 dB
        assertThat(f.sqnrDb()).isCloseTo(-20 * Math.log10(4.2), within(1e-3));
        assertThat(FidelityGate.Tier.NUMERIC.fails(f)).isTrue();
        assertThat(FidelityGate.Tier.RESTRUCTURED.fails(f)).isTrue();
    }

    @Test
    void tiersFollowWhatTheRecipePromises() {
        assertThat(FidelityGate.tier(VariantRecipe.parse("quantized:int8-static"))).isEqualTo(FidelityGate.Tier.NUMERIC);
        assertThat(FidelityGate.tier(VariantRecipe.parse("clustered:16"))).isEqualTo(FidelityGate.Tier.NUMERIC);
        assertThat(FidelityGate.tier(VariantRecipe.parse("pruned:structured:0.5")))
                .isEqualTo(FidelityGate.Tier.RESTRUCTURED);
        // pruned:structured:0.5 on mnist-cnn without fine-tuning: cosine 0.60, SQNR 1.9 dB is a price, not a collapse
        Fidelity pruned = new Fidelity(16, 0.3, 1, 0.5, 0.60, 1.9, null, null);
        assertThat(FidelityGate.Tier.RESTRUCTURED.fails(pruned)).isFalse();
        assertThat(FidelityGate.Tier.NUMERIC.fails(pruned)).isTrue();
        assertThat(FidelityGate.Tier.NUMERIC.fails(new Fidelity(1, null, 0, 0, Double.NaN, 10, null, null))).isTrue();
    }

    @Test
    void everyOutputIsJudgedAndTheFailingOneIsNamed() {
        float[] good = {1, 2, 3, 4};
        OutputTensor prob = out("prob", good);
        OutputTensor state = out("state", new float[] {1, 1, 1, 1});
        OutputTensor brokenState = out("state", new float[] {-3, 9, -3, 9});
        assertThatThrownBy(() -> VariantCheck.check("m variant quantized:int8-static", FidelityGate.Tier.NUMERIC,
                List.of(List.of(prob), List.of(state)), List.of(List.of(out("prob", good.clone())), List.of(brokenState)),
                null))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("m variant quantized:int8-static failed: output 'state' fidelity to the baseline"
                        + " collapsed on 2 calibration samples (cosine 0.4472");
        Fidelity first = VariantCheck.check("m", FidelityGate.Tier.NUMERIC, List.of(List.of(prob), List.of(state)),
                List.of(List.of(out("prob", good.clone())), List.of(out("state", new float[] {1, 1, 1, 1.01f}))), null);
        assertThat(first.sqnrDb()).isInfinite();
    }
}
