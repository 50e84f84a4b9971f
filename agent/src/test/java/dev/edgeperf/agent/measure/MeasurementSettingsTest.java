package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MeasurementSettingsTest {
    @Test
    void zeroFieldsFromTheWireTakeDefaults() {
        assertThat(MeasurementSettings.withDefaults(0, 0, 0, 0)).isEqualTo(new MeasurementSettings(10, 50, 1000, 10_000));
        assertThat(MeasurementSettings.withDefaults(2, 7, 0, 0)).isEqualTo(new MeasurementSettings(2, 7, 1000, 10_000));
    }

    @Test
    void oneDurationAloneIsNeverRejected() {
        assertThat(MeasurementSettings.of(null, null, 20_000L, null).maxDurationMs()).isEqualTo(20_000);
        assertThat(MeasurementSettings.of(null, null, null, 200L).minDurationMs()).isEqualTo(200);
        assertThat(MeasurementSettings.of(0, null, 0L, null).warmupIterations()).isZero();
    }

    @Test
    void contradictoryDurationsAreRejected() {
        assertThatThrownBy(() -> MeasurementSettings.of(null, null, 5000L, 100L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDurationMs");
    }

    @Test
    void targetAndWarmupUntilStableFromTheWire() {
        MeasurementSettings s = MeasurementSettings.withDefaults(0, 0, 0, 0, 0.02, true);
        assertThat(s.targetCiHalfWidth()).isEqualTo(0.02);
        assertThat(s.warmupUntilStable()).isTrue();
        assertThat(s.maxWarmupIterations()).isEqualTo(100);
        // the wire's 0 is "no target"; the command line's unset is the default target
        assertThat(MeasurementSettings.withDefaults(0, 0, 0, 0, 0, false).hasCiTarget()).isFalse();
        assertThat(MeasurementSettings.of(null, null, null, null, null, null).targetCiHalfWidth())
                .isEqualTo(MeasurementDefaults.TARGET_CI_HALF_WIDTH);
    }

    @Test
    void targetBelowTheHistogramResolutionIsRejected() {
        assertThatThrownBy(() -> new MeasurementSettings(0, 1, 0, 10, 0.0001, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetCiHalfWidth");
        assertThatThrownBy(() -> new MeasurementSettings(0, 1, 0, 10, 1.0, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
