package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlopsPredictorTest {
    @Test
    void mnistCnnAtOneGflopTakesOnePointZeroSixMilliseconds() {
        // Seed article: 1,060,400 FLOPs on a 1 GFLOPS device = 1.0604 ms.
        assertThat(FlopsPredictor.predictMillis(1_060_400, 1.0)).isCloseTo(1.0604, within(1e-9));
    }

    @Test
    void rejectsNonPositivePeak() {
        assertThatThrownBy(() -> FlopsPredictor.predictMillis(10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peakGflops");
    }
}
