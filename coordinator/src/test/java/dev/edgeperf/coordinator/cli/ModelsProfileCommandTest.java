package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code models profile} in this JVM: sizes that overflow a long are one-line user errors (exit 2). */
class ModelsProfileCommandTest {
    private final CliCapture cli = new CliCapture();

    @Test
    void aBatchWhoseCountsOverflowExitsTwoWithOneLine() {
        int code = cli.run("models", "profile", "mobilenet-v2", "--batch", "99999999999");

        assertThat(code).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.out.toString()).isEmpty();
        assertThat(cli.err.toString()).hasLineCount(1).isEqualTo("edgeperf: mobilenet-v2 cannot be counted at batch"
                + " 99999999999: the total FLOP count exceeds the limit 9,223,372,036,854,775,807 (2^63-1); use a"
                + " smaller batch or input shape\n");
    }

    @Test
    void anInputShapeWhoseElementCountOverflowsExitsTwoWithOneLine() {
        int code = cli.run("models", "profile", "mnist-cnn", "--input", "input=100000000000000000x1x28x28");

        assertThat(code).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).startsWith("edgeperf: mnist-cnn cannot be counted at batch 1,"
                + " input input=100000000000000000x1x28x28: the element count of input 'input'")
                .contains("(2^63-1)");
    }

    @Test
    void aLargeBatchThatFitsStillCounts() {
        int code = cli.run("models", "profile", "mnist-cnn", "--batch", "1000000", "--json");

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("529940000000");
    }
}
