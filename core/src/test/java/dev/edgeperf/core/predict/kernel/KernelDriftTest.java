package dev.edgeperf.core.predict.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelDriftTest {
    private static KernelSample sample(String type, long cin, double ms) {
        return new KernelSample(type, Map.of("cin", cin), 1000 * cin, 100 * cin, ms);
    }

    @Test
    void eachTypesMedianRatioOverTheSamplesReTimedShapeForShape() {
        List<KernelSample> stored = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            stored.add(sample("conv", i, 0.01 * i));
            stored.add(sample("gemm", i, 0.02 * i));
        }
        // the refresh re-ran the first five rounds: conv 20 % slower (one outlier), gemm 10 % faster
        List<KernelSample> fresh = new ArrayList<>();
        double[] convRatio = {1.2, 1.2, 5.0, 1.2, 1.2};
        for (int i = 1; i <= 5; i++) {
            fresh.add(sample("conv", i, 0.01 * i * convRatio[i - 1]));
            fresh.add(sample("gemm", i, 0.02 * i * 0.9));
        }
        Map<String, Double> drift = KernelDrift.between(stored, fresh);
        assertThat(drift).containsOnlyKeys("conv", "gemm");
        assertThat(drift.get("conv")).isCloseTo(1.2, within(1e-12));
        assertThat(drift.get("gemm")).isCloseTo(0.9, within(1e-12));
        assertThat(KernelDrift.typical(drift)).isCloseTo(1.05, within(1e-12));
        assertThat(KernelDrift.typical(Map.of())).isEqualTo(1);
    }

    @Test
    void repeatedShapesPairInOrderAndTooFewOrTooSmallSamplesGiveNoFactor() {
        // the same layout shape three times: the n-th fresh one is compared with the n-th stored one
        List<KernelSample> stored = List.of(sample("layout", 4, 0.010), sample("layout", 4, 0.020),
                sample("layout", 4, 0.040), sample("softmax", 1, 0.004), sample("softmax", 2, 0.004),
                sample("pool", 1, 0.0005), sample("pool", 2, 0.0005), sample("pool", 3, 0.0005));
        List<KernelSample> fresh = List.of(sample("layout", 4, 0.011), sample("layout", 4, 0.022),
                sample("layout", 4, 0.044), sample("layout", 4, 9.0), sample("softmax", 1, 0.005),
                sample("softmax", 2, 0.005), sample("pool", 1, 0.001), sample("pool", 2, 0.001),
                sample("pool", 3, 0.001), sample("conv", 3, 0.1));
        Map<String, Double> drift = KernelDrift.between(stored, fresh);
        // a fourth layout and the conv have no stored twin; two softmax pairs are too few; sub-2-us pools are noise
        assertThat(drift).containsOnlyKeys("layout");
        assertThat(drift.get("layout")).isCloseTo(1.1, within(1e-12));
    }

    @Test
    void aRegressorScalesEveryTermAndRejectsANonPositiveFactor() {
        KernelRegressor r = new KernelRegressor(0.002, 1e-9, 2e-9, 10);
        assertThat(r.scaled(1.5).predictMs(1_000_000, 500_000)).isCloseTo(1.5 * r.predictMs(1_000_000, 500_000),
                within(1e-15));
        assertThat(r.scaled(1)).isSameAs(r);
        assertThatThrownBy(() -> r.scaled(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KernelCalibration.ThreadSamples(1, 3, List.of(), Map.of("conv", -1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drift of conv must be > 0");
    }
}
