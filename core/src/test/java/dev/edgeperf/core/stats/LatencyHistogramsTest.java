package dev.edgeperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramsTest {
    @Test
    void roundTripKeepsEveryPercentile() {
        Histogram h = LatencySummary.newHistogram();
        for (long v = 1; v <= 10_000; v++) {
            h.recordValue(v * 1_000 + (v % 7) * 13);
        }
        Histogram back = LatencyHistograms.decode(LatencyHistograms.encode(h));
        assertThat(back.getTotalCount()).isEqualTo(10_000);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            assertThat(back.getValueAtPercentile(p)).isEqualTo(h.getValueAtPercentile(p));
        }
        assertThat(LatencySummary.from(back, TimeUnit.NANOSECONDS)).isEqualTo(LatencySummary.from(h, TimeUnit.NANOSECONDS));
    }

    @Test
    void garbageIsRejectedWithItsLength() {
        assertThatThrownBy(() -> LatencyHistograms.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 bytes");
    }
}
