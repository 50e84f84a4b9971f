package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NaivePredictorTest {
    private final Predictor predictor = new NaivePredictor();

    @Test
    void usesTheCalibratedPeakWhenTheDeviceHasOne() {
        PredictedLatency p = predictor.predict(new PredictionInput(4_000_000_000L, 1, 4, "CPU",
                new DevicePeaks(100, 40, 25, 12, 30, 2, 4)));

        assertThat(p.millis()).isCloseTo(100.0, within(1e-9));
        assertThat(p.peakGflops()).isEqualTo(40.0);
        assertThat(p.calibratedPeak()).isTrue();
        assertThat(p.predictor()).isEqualTo("naive-flops");
        assertThat(p.basis()).isEqualTo("FLOPs / calibrated peak 40.0 GFLOP/s");
    }

    @Test
    void fallsBackToTheTheoreticalPeak() {
        PredictedLatency p = predictor.predict(new PredictionInput(1_059_880, 1, 0, "", DevicePeaks.theoretical(1.0)));

        assertThat(p.millis()).isCloseTo(1.05988, within(1e-9));
        assertThat(p.calibratedPeak()).isFalse();
        assertThat(p.basis()).startsWith("FLOPs / theoretical peak");
    }

    @Test
    void unknownPeakGivesNoPredictionAndSaysWhy() {
        PredictedLatency p = predictor.predict(new PredictionInput(1_000, 1, 0, "CPU", DevicePeaks.UNKNOWN));

        assertThat(p.known()).isFalse();
        assertThat(p.millis()).isZero();
        assertThat(p.basis()).contains("peak is unknown");
    }

    @Test
    void inputsAreValidated() {
        assertThatThrownBy(() -> new PredictionInput(-1, 1, 0, "CPU", DevicePeaks.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flopsPerBatch");
        assertThatThrownBy(() -> new PredictionInput(1, 0, 0, "CPU", DevicePeaks.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new DevicePeaks(Double.NaN, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("theoreticalGflops");
    }
}
