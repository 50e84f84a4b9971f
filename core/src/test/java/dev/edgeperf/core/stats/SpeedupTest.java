package dev.edgeperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SpeedupTest {
    /** n values evenly spread over [fromNs, toNs): a sample whose median and spread are known by hand. */
    private static Histogram uniform(long fromNs, long toNs, int n) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < n; i++) {
            h.recordValue(fromNs + (toNs - fromNs) * i / n);
        }
        return h;
    }

    @Test
    void identicalRunsGiveOneAndAreNotDifferent() {
        Speedup s = Speedup.of(uniform(1_000_000, 3_000_000, 2001), uniform(1_000_000, 3_000_000, 2001));
        assertThat(s.speedup()).isEqualTo(1.0);
        assertThat(s.ciLow()).isLessThan(1.0);
        assertThat(s.ciHigh()).isGreaterThan(1.0);
        assertThat(s.different()).isFalse();
        assertThat(s.level()).isEqualTo(0.95);
    }

    @Test
    void halvedLatenciesGiveTwoWithTheAsymptoticIntervalWidth() {
        // reference uniform on [1, 3) ms, candidate on [0.5, 1.5) ms, 10,000 runs each: speedup 2.
        Speedup s = Speedup.of(uniform(1_000_000, 3_000_000, 10_000), uniform(500_000, 1_500_000, 10_000));
        assertThat(s.speedup()).isCloseTo(2.0, within(0.002));
        // By hand: the sample median of n uniform values on [a, b] has sd (b - a) / (2 sqrt n), i.e. 0.5 % of the
        // median for both runs here; the log of the ratio then has sd sqrt(2) * 0.005 = 0.00707 and the 95 %
        // interval is 2 * exp(+-1.96 * 0.00707) = [1.9725, 2.0279], width 0.0554.
        assertThat(s.ciLow()).isCloseTo(1.9725, within(0.006));
        assertThat(s.ciHigh()).isCloseTo(2.0279, within(0.006));
        assertThat(s.ciHigh() - s.ciLow()).isCloseTo(0.0554, within(0.0554 * 0.2));
        assertThat(s.different()).isTrue();
    }

    @Test
    void slowerCandidateIsBelowOne() {
        Speedup s = Speedup.of(uniform(500_000, 1_500_000, 5_000), uniform(1_000_000, 3_000_000, 5_000));
        assertThat(s.speedup()).isCloseTo(0.5, within(0.001));
        assertThat(s.ciHigh()).isLessThan(1.0);
        assertThat(s.different()).isTrue();
    }

    @Test
    void fewOverlappingRunsAreNotDifferent() {
        Histogram a = new Histogram(3_600_000_000_000L, 3);
        Histogram b = new Histogram(3_600_000_000_000L, 3);
        for (long v : new long[] {9_000_000, 10_000_000, 10_000_000, 14_000_000, 30_000_000}) {
            a.recordValue(v);
        }
        for (long v : new long[] {8_000_000, 9_000_000, 11_000_000, 12_000_000, 25_000_000}) {
            b.recordValue(v);
        }
        Speedup s = Speedup.of(a, b);
        // medians 10 ms and 11 ms by hand
        assertThat(s.speedup()).isCloseTo(10.0 / 11.0, within(0.002));
        assertThat(s.ciLow()).isLessThan(1.0);
        assertThat(s.ciHigh()).isGreaterThan(1.0);
        assertThat(s.different()).isFalse();
    }

    @Test
    void sameInputsGiveTheSameInterval() {
        Speedup a = Speedup.of(uniform(1_000_000, 2_000_000, 301), uniform(900_000, 2_100_000, 301));
        Speedup b = Speedup.of(uniform(1_000_000, 2_000_000, 301), uniform(900_000, 2_100_000, 301));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void emptyHistogramIsRefused() {
        assertThatThrownBy(() -> Speedup.of(new Histogram(3), uniform(1, 10, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no values");
    }
}
