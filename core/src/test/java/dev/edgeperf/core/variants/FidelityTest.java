package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FidelityTest {
    @Test
    void matchesHandComputedValues() {
        // Two samples, two classes. Baseline argmax: 1, 0. Variant argmax: 1, 1.
        float[] base = {1, 2, 3, 0};
        float[] var = {1, 3, 1, 2};
        Fidelity f = Fidelity.compare(List.of(base), List.of(var), List.of(2), List.of(new int[] {1, 1}));
        assertThat(f.samples()).isEqualTo(2);
        assertThat(f.top1Agreement()).isEqualTo(0.5);
        // errors: 0, 1, 2, 2
        assertThat(f.maxAbsError()).isEqualTo(2.0);
        assertThat(f.meanAbsError()).isEqualTo(1.25);
        // dot = 1+6+3+0 = 10; |b|^2 = 14; |v|^2 = 15
        assertThat(f.cosineSimilarity()).isCloseTo(10 / Math.sqrt(14 * 15), within(1e-12));
        // noise = 0+1+4+4 = 9
        assertThat(f.sqnrDb()).isCloseTo(10 * Math.log10(14.0 / 9.0), within(1e-12));
        assertThat(f.baselineAccuracy()).isEqualTo(0.5);
        assertThat(f.variantAccuracy()).isEqualTo(1.0);
    }

    @Test
    void identicalOutputsHaveInfiniteSqnrAndNoAccuracyWithoutLabels() {
        float[] a = {0.5f, -1f, 2f};
        Fidelity f = Fidelity.compare(List.of(a), List.of(a.clone()), List.of(1), null);
        assertThat(f.top1Agreement()).isEqualTo(1.0);
        assertThat(f.maxAbsError()).isZero();
        assertThat(f.cosineSimilarity()).isCloseTo(1.0, within(1e-12));
        assertThat(f.sqnrDb()).isInfinite();
        assertThat(f.baselineAccuracy()).isNull();
    }

    @Test
    void aggregatesOverBatches() {
        Fidelity f = Fidelity.compare(List.of(new float[] {0, 1}, new float[] {1, 0}),
                List.of(new float[] {0, 1}, new float[] {0, 1}), List.of(1, 1), List.of());
        assertThat(f.samples()).isEqualTo(2);
        assertThat(f.top1Agreement()).isEqualTo(0.5);
        assertThat(f.meanAbsError()).isEqualTo(0.5);
    }
}
