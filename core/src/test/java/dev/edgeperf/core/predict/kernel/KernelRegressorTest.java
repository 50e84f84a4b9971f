package dev.edgeperf.core.predict.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelRegressorTest {
    private static KernelSample sample(long flops, long bytes, double ms) {
        return new KernelSample("conv", Map.of(), flops, bytes, ms);
    }

    @Test
    void recoversAKnownFixedCostComputeRateAndMemoryRate() {
        // 20 us + FLOPs at 50 GFLOP/s + bytes at 10 GB/s
        SplittableRandom r = new SplittableRandom(7);
        List<KernelSample> data = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long flops = 1_000 + r.nextLong(500_000_000L);
            long bytes = 1_000 + r.nextLong(50_000_000L);
            data.add(sample(flops, bytes, 0.02 + flops / 50e9 * 1e3 + bytes / 10e9 * 1e3));
        }
        KernelRegressor fit = KernelRegressor.fit(data);
        assertThat(fit.fixedMs()).isCloseTo(0.02, within(1e-9));
        assertThat(fit.gflops()).isCloseTo(50, within(1e-6));
        assertThat(fit.gbPerS()).isCloseTo(10, within(1e-6));
        // and extrapolates to a kernel ten times larger than any sample
        assertThat(fit.predictMs(5_000_000_000L, 0)).isCloseTo(0.02 + 100, within(1e-6));
        assertThat(fit.dominantTerm(5_000_000_000L, 1_000)).isEqualTo(KernelRegressor.Term.COMPUTE);
        assertThat(fit.dominantTerm(1_000, 500_000_000L)).isEqualTo(KernelRegressor.Term.MEMORY);
        assertThat(fit.dominantTerm(1, 1)).isEqualTo(KernelRegressor.Term.FIXED);
    }

    @Test
    void neverFitsANegativeRate() {
        // times that fall with FLOPs (noise) must not give a negative compute rate
        List<KernelSample> data = List.of(sample(1_000, 100, 1.0), sample(2_000, 100, 0.9), sample(3_000, 100, 0.8));
        KernelRegressor fit = KernelRegressor.fit(data);
        assertThat(fit.gflops()).isGreaterThanOrEqualTo(0);
        assertThat(fit.fixedMs()).isGreaterThan(0);
        for (KernelSample s : data) {
            assertThat(fit.predictMs(s.flops(), s.bytes())).isGreaterThan(0);
        }
    }

    @Test
    void minimisesRelativeErrorSoSmallKernelsAreNotSwampedByLargeOnes() {
        // ms = FLOPs / 1 GFLOP/s exactly, plus one large outlier 20 % slow: the small ones stay exact
        List<KernelSample> data = new ArrayList<>();
        for (long f = 1_000_000; f <= 64_000_000; f *= 2) {
            data.add(sample(f, 0, f / 1e9 * 1e3));
        }
        data.add(sample(10_000_000_000L, 0, 1.2 * 10_000));
        KernelRegressor fit = KernelRegressor.fit(data);
        assertThat(fit.predictMs(1_000_000, 0) / 1.0).isCloseTo(1.0, within(0.1));
    }

    @Test
    void oneSampleIsEnoughAndNoneIsAnError() {
        assertThat(KernelRegressor.fit(List.of(sample(1_000_000, 0, 2.0))).predictMs(1_000_000, 0))
                .isCloseTo(2.0, within(1e-9));
        assertThatThrownBy(() -> KernelRegressor.fit(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /** Convs at 1 GFLOP/s whose channel count is a multiple of 8, 3x slower otherwise (ONNX Runtime's channel blocks). */
    private static List<KernelSample> blocked(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<KernelSample> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long c = 1 + r.nextInt(128);
            long flops = 2 * c * c * 9 * 28 * 28;
            double ms = flops / 1e9 * 1e3 * (c % 8 == 0 ? 1 : 3) * (0.97 + 0.06 * r.nextDouble());
            data.add(new KernelSample("conv", Map.of("cin", c, "cout", c), flops, flops / 10, ms));
        }
        return data;
    }

    @Test
    void theShapeCorrectionLearnsWhatTheRateCannot() {
        KernelRegressor fit = KernelRegressor.fit(blocked(120, 3));
        assertThat(fit.corrected()).isTrue();
        int rateWithin = 0;
        int fullWithin = 0;
        List<KernelSample> unseen = blocked(60, 99);
        for (KernelSample s : unseen) {
            rateWithin += Math.abs(fit.predictMs(s.flops(), s.bytes()) / s.ms() - 1) <= 0.1 ? 1 : 0;
            fullWithin += Math.abs(fit.predictMs(s.features(), s.flops(), s.bytes()) / s.ms() - 1) <= 0.1 ? 1 : 0;
        }
        // one rate cannot be right for both kinds; the factor tells them apart on samples it never saw
        assertThat(rateWithin).isLessThan(unseen.size() / 2);
        assertThat(fullWithin).isGreaterThanOrEqualTo(unseen.size() * 9 / 10);
    }

    @Test
    void theShapeCorrectionKeepsTheRatesExtrapolation() {
        List<KernelSample> data = new ArrayList<>();
        for (long f = 1_000_000; f <= 512_000_000; f *= 2) {
            data.add(new KernelSample("gemm", Map.of("m", f / 1_000_000), f, 0, f / 1e9 * 1e3));
        }
        KernelRegressor fit = KernelRegressor.fit(data);
        // 20x the largest sample: the rate carries it, the factor stays near the 1 it learned
        assertThat(fit.predictMs(Map.of("m", 10_000L), 10_000_000_000L, 0)).isCloseTo(10_000, within(100.0));
    }

    @Test
    void tooFewSamplesForTreesLeaveTheRateAlone() {
        List<KernelSample> data = blocked(ShapeCorrection.MIN_SAMPLES - 1, 5);
        KernelRegressor fit = KernelRegressor.fit(data);
        assertThat(fit.corrected()).isFalse();
        KernelSample s = data.get(0);
        assertThat(fit.predictMs(s.features(), s.flops(), s.bytes())).isEqualTo(fit.predictMs(s.flops(), s.bytes()));
    }
}
