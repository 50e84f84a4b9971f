package dev.edgeperf.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlopsPredictorTest {
    @Test
    void mnistCnnAtOneGflopTakesOnePointZeroSixMilliseconds() {
        // The seed article's per-layer figures sum to 1,059,880 FLOPs (it quotes 1,060,400, which does not add up):
        // on a 1 GFLOPS device that is 1.05988 ms, i.e. the article's "1.06 ms".
        assertThat(FlopsPredictor.predictMillis(1_059_880, 1.0)).isCloseTo(1.05988, within(1e-9));
    }

    @Test
    void rejectsNonPositivePeak() {
        assertThatThrownBy(() -> FlopsPredictor.predictMillis(10, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peakGflops");
    }
}
