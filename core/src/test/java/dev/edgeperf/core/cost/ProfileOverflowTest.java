package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sizes too large for a long are one-line user errors, never negative counts. */
class ProfileOverflowTest {
    @Test
    void aBatchWhoseTotalMacsOverflowIsAUserErrorNamingTheBatchAndTheLimit() {
        byte[] model = ModelZoo.build("mobilenet-v2");

        assertThatThrownBy(() -> ModelProfiler.profile(model, "mobilenet-v2", ProfileOptions.batch(99_999_999_999L)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("mobilenet-v2 cannot be counted at batch 99999999999: the total FLOP count exceeds "
                        + CheckedMath.LIMIT + "; use a smaller batch or input shape")
                .extracting(e -> ((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR);
    }

    @Test
    void anInputShapeWhoseElementCountOverflowsIsAUserError() {
        byte[] model = new TinyModel().input("x", "N", 3, "H", "W").weight("w", 2, 3, 1, 1)
                .node("Conv", "x,w", "y").output("y").bytes();
        long big = 1L << 40;

        assertThatThrownBy(() -> ModelProfiler.profile(model, "img.onnx",
                new ProfileOptions(1, Map.of("x", new long[] {1, 3, big, big}), CountingConvention.SEED)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("img.onnx cannot be counted at batch 1, input x=1x3x" + big + "x" + big
                        + ": the element count of input 'x'")
                .hasMessageContaining(CheckedMath.LIMIT)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aConvWhoseOutputDimensionOverflowsIsAUserErrorNamingTheNode() {
        byte[] model = new TinyModel().input("x", 1, 1, 8, 8).weight("w", 1, 1, 3, 3)
                .node("Conv", "x,w", "y", "dilations", new long[] {1L << 62, 1}).output("y").bytes();

        assertThatThrownBy(() -> ModelProfiler.profile(model, "c.onnx", ProfileOptions.batch(1)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("c.onnx cannot be counted at batch 1: the output shape of Conv node 'conv0': a Conv output"
                        + " dimension exceeds " + CheckedMath.LIMIT + "; use a smaller batch or input shape");
    }

    @Test
    void aBatchJustBelowTheLimitStillCounts() {
        byte[] model = ModelZoo.build("keras-mlp");
        ModelProfile one = ModelProfiler.profile(model, "keras-mlp", ProfileOptions.batch(1));

        ModelProfile many = ModelProfiler.profile(model, "keras-mlp", ProfileOptions.batch(1_000_000_000L));

        assertThat(many.totalMacs()).isEqualTo(one.totalMacs() * 1_000_000_000L).isPositive();
    }

    @Test
    void checkedMathNamesWhatOverflowed() {
        assertThat(CheckedMath.multiply(-3, 4, "x")).isEqualTo(-12);
        assertThat(CheckedMath.add(Long.MAX_VALUE - 1, 1, "x")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> CheckedMath.multiply(Long.MAX_VALUE / 2 + 1, 2, "the count of sheep"))
                .hasMessage("the count of sheep exceeds " + CheckedMath.LIMIT);
        assertThatThrownBy(() -> CheckedMath.add(Long.MIN_VALUE, -1, "y")).isInstanceOf(EdgeperfException.class);
        assertThatThrownBy(() -> CheckedMath.elements(new long[] {1L << 32, 1L << 32}))
                .hasMessageContaining("[4294967296, 4294967296]");
        assertThat(CheckedMath.isOverflow(CheckedMath.overflow("z"))).isTrue();
        assertThat(CheckedMath.isOverflow(EdgeperfException.userError("z"))).isFalse();
    }
}
