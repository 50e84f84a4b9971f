package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DegenerateTest {
    private static OutputTensor out(float... v) {
        return new OutputTensor("y", new long[] {v.length / 2, 2}, v);
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
        assertThat(Degenerate.warning("m", List.of(out(1, 2)))).as("one sample says nothing").isEmpty();
    }
}
