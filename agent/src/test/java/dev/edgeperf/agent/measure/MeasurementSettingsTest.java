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
}
