package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.LatencySummary;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StopRuleTest {
    private static final long MS = 1_000_000L;

    @Test
    void withoutTargetStopsWhenBothMinimumsAreMet() {
        StopRule rule = new StopRule(new MeasurementSettings(0, 10, 100, 1000));
        Histogram h = LatencySummary.newHistogram();
        assertThat(rule.check(9, 500 * MS, () -> h)).isEmpty();
        assertThat(rule.check(10, 99 * MS, () -> h)).isEmpty();
        assertThat(rule.check(10, 100 * MS, () -> h)).contains(StopReason.MIN_ITERATIONS_AND_MIN_DURATION_MET);
        assertThat(rule.check(3, 1000 * MS, () -> h)).contains(StopReason.MAX_DURATION);
    }

    @Test
    void narrowDistributionReachesTheTarget() {
        StopRule rule = new StopRule(new MeasurementSettings(0, 50, 0, 1000, 0.01, false));
        Histogram h = LatencySummary.newHistogram();
        for (int i = 0; i < 200; i++) {
            h.recordValue(1_000_000 + (i % 10) * 1_000); // 1.000 .. 1.009 ms
        }
        assertThat(rule.check(49, 10 * MS, () -> h)).isEmpty();
        assertThat(rule.check(200, 10 * MS, () -> h)).contains(StopReason.TARGET_CI_REACHED);
        assertThat(rule.lastHalfWidth()).isLessThanOrEqualTo(0.01);
    }

    @Test
    void wideDistributionRunsToTheMaximumAndSaysTheTargetWasMissed() {
        StopRule rule = new StopRule(new MeasurementSettings(0, 10, 0, 1000, 0.01, false));
        Histogram h = LatencySummary.newHistogram();
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 100_000L); // 0.1 .. 10 ms, uniform
        }
        assertThat(rule.check(100, 500 * MS, () -> h)).isEmpty();
        assertThat(rule.lastHalfWidth()).isGreaterThan(0.1);
        assertThat(rule.check(101, 1000 * MS, () -> h)).contains(StopReason.MAX_DURATION_BEFORE_TARGET_CI);
    }

    @Test
    void confidenceIsCheckedLogarithmicallyOften() {
        StopRule rule = new StopRule(new MeasurementSettings(0, 1, 0, 1_000_000, 0.001, false));
        Histogram h = LatencySummary.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L);
        }
        AtomicInteger scans = new AtomicInteger();
        for (long n = 1; n <= 100_000; n++) {
            Optional<StopReason> r = rule.check(n, MS, () -> {
                scans.incrementAndGet();
                return h;
            });
            assertThat(r).isEmpty();
        }
        // 32-step checks up to 640 iterations, then 5 % growth: about 20 + ln(100000/640)/ln(1.05) ~ 124
        assertThat(scans.get()).isBetween(50, 200);
    }
}
