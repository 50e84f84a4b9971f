package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DegenerateTest {
    private static OutputTensor out(float... v) {
        return new OutputTensor("y", new long[] {v.length / 2, 2}, v);
    }

    /** One value per sample, as a VAD's [N, 1] probability. */
    private static OutputTensor column(float... v) {
        return new OutputTensor("y", new long[] {v.length, 1}, v);
    }

    @Test
    void allZeroAndConstantOutputsAreWarnedAboutInOneLine() {
        assertThat(Degenerate.warning("m", List.of(out(0, 0, 0, 0), out(0, 0))))
                .hasValue("WARN baseline m output 'y' is all zero on the 3 calibration samples; fidelity on this data"
                        + " means nothing (check the calibration data and --preprocess)");
        assertThat(Degenerate.warning("m", List.of(out(1, 2, 1, 2), out(1, 2)))).hasValueSatisfying(w -> assertThat(w)
                .startsWith("WARN baseline m output 'y' is the same for all 3 calibration samples"));
    }

    @Test
    void outputsThatDependOnTheInputAreNot() {
        assertThat(Degenerate.warning("m", List.of(out(1, 2, 1, 2), out(1, 3)))).isEmpty();
        // silero-vad on audio it finds no speech in: 0.0005887 +- 0.0000003 is the same answer
        assertThat(Degenerate.warning("m", List.of(column(5.886555E-4f, 5.887151E-4f), column(5.889833E-4f))))
                .hasValueSatisfying(w -> assertThat(w).startsWith("WARN baseline m output 'y' is the same for all 3"));
        assertThat(Degenerate.warning("m", List.of(column(5.8e-4f, 5.9e-4f)))).as("a 2% spread is an answer").isEmpty();
        assertThat(Degenerate.warning("m", List.of(out(1, 2)))).as("one sample says nothing").isEmpty();
    }
}
