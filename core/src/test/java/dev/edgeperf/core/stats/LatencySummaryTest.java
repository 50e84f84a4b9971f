package dev.edgeperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
    /** Values below 2048 are exact in a 3-significant-digit histogram, so hand results hold exactly. */
    private static Histogram microsOneToHundred() {
        Histogram h = LatencySummary.newHistogram();
        for (int v = 1; v <= 100; v++) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void nearestRankPercentilesOfOneToHundredMicros() {
        LatencySummary s = LatencySummary.from(microsOneToHundred(), TimeUnit.MICROSECONDS);

        assertThat(s.count()).isEqualTo(100);
        assertThat(s.minMs()).isEqualTo(0.001);
        assertThat(s.p50Ms()).isEqualTo(0.050);
        assertThat(s.p90Ms()).isEqualTo(0.090);
        assertThat(s.p95Ms()).isEqualTo(0.095);
        assertThat(s.p99Ms()).isEqualTo(0.099);
        assertThat(s.p999Ms()).isEqualTo(0.100);
        assertThat(s.maxMs()).isEqualTo(0.100);
        assertThat(s.meanMs()).isCloseTo(0.0505, within(1e-12));
        // population stdev of 1..100 = sqrt((100^2 - 1) / 12) = 28.866 us
        assertThat(s.stdevMs()).isCloseTo(Math.sqrt(9999.0 / 12) / 1000, within(1e-9));
    }

    @Test
    void medianIntervalOfHundredSamplesUsesRanks40And61() {
        // Binomial(100, 1/2): P(B <= 39) = 0.0176 <= 0.025 < P(B <= 40) = 0.0284
        MedianConfidence.Ranks ranks = MedianConfidence.ranks(100, 0.95);
        assertThat(ranks.lower()).isEqualTo(40);
        assertThat(ranks.upper()).isEqualTo(61);
        assertThat(ranks.coverage()).isCloseTo(0.9648, within(1e-4));

        LatencySummary s = LatencySummary.from(microsOneToHundred(), TimeUnit.MICROSECONDS);
        assertThat(s.medianCi95().lowMs()).isEqualTo(0.040);
        assertThat(s.medianCi95().highMs()).isEqualTo(0.061);
        assertThat(s.medianCi95().reachesNominalLevel()).isTrue();
    }

    @Test
    void medianRanksForTenSamplesMatchTheExactBinomial() {
        // P(B <= 1) = 11/1024 -> coverage 1 - 22/1024; P(B <= 2) = 56/1024 is too much
        MedianConfidence.Ranks ranks = MedianConfidence.ranks(10, 0.95);
        assertThat(ranks.lower()).isEqualTo(2);
        assertThat(ranks.upper()).isEqualTo(9);
        assertThat(ranks.coverage()).isEqualTo(1 - 22.0 / 1024);
    }

    @Test
    void tooFewSamplesGiveMinToMaxWithLowerCoverage() {
        MedianConfidence.Ranks five = MedianConfidence.ranks(5, 0.95);
        assertThat(five.lower()).isEqualTo(1);
        assertThat(five.upper()).isEqualTo(5);
        assertThat(five.coverage()).isEqualTo(1 - 2.0 / 32);

        MedianConfidence.Ranks six = MedianConfidence.ranks(6, 0.95);
        assertThat(six.lower()).isEqualTo(1);
        assertThat(six.coverage()).isEqualTo(1 - 2.0 / 64);
    }

    @Test
    void normalApproximationAgreesWithExactSumAtTheBoundary() {
        MedianConfidence.Ranks exact = MedianConfidence.ranks(1000, 0.95);
        MedianConfidence.Ranks approx = MedianConfidence.ranks(1001, 0.95);
        // n = 1000: textbook ranks 469 and 532
        assertThat(exact.lower()).isEqualTo(469);
        assertThat(exact.upper()).isEqualTo(532);
        assertThat(approx.lower()).isBetween(468L, 470L);
        assertThat(approx.coverage()).isBetween(0.95, 0.96);
    }

    @Test
    void nanosecondHistogramConvertsToMilliseconds() {
        Histogram h = LatencySummary.newHistogram();
        h.recordValue(2_000_000); // 2 ms
        h.recordValue(4_000_000); // 4 ms
        LatencySummary s = LatencySummary.from(h, TimeUnit.NANOSECONDS);
        assertThat(s.minMs()).isCloseTo(2.0, within(2.0 * 0.001));
        assertThat(s.maxMs()).isCloseTo(4.0, within(4.0 * 0.001));
        assertThat(s.meanMs()).isCloseTo(3.0, within(3.0 * 0.001));
    }

    @Test
    void emptyHistogramIsRejected() {
        assertThatThrownBy(() -> LatencySummary.from(LatencySummary.newHistogram(), TimeUnit.NANOSECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
