package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a sample of a kernel run among others keeps: the run less the others, unless that is mostly their noise. */
class MeasuredKernelTest {

    @Test
    void aKernelAloneKeepsTheWholeRunEvenWhenTiny() {
        assertThat(MeasuredKernel.leftoverMs(0.004, 0)).hasValue(0.004);
    }

    @Test
    void theOthersPredictedTimeIsSubtracted() {
        assertThat(MeasuredKernel.leftoverMs(1.0, 0.3).getAsDouble()).isCloseTo(0.7, offset(1e-12));
        // a quarter of the run is above the least share: kept
        assertThat(MeasuredKernel.leftoverMs(1.0, 0.75).getAsDouble()).isCloseTo(0.25, offset(1e-12));
    }

    @Test
    void aRemainderUnderTheLeastShareOfTheRunIsNoSample() {
        // the seen case: a 10-MFLOP pointwise ConvInteger left 3 us of a 30 us run
        assertThat(MeasuredKernel.leftoverMs(0.030, 0.027)).isEmpty();
        assertThat(MeasuredKernel.leftoverMs(0.030, 0.031)).isEmpty();
    }

    private static final Kernel POOL = new Kernel("pool", "MaxPool", Optional.of(KernelType.POOL), "uint8",
            Map.of("c", 64L), 1000, 2000);

    private static LayoutNodes.Node node(String name, String op, String dtype, double ms) {
        return new LayoutNodes.Node(name, op, dtype, new long[] {1, 64, 8, 8}, new long[] {1, 8, 8, 64}, ms);
    }

    @Test
    void layoutNodesAreSamplesOfTheirOwnLessTheProfilersPartAndComeOffTheKernelsSample() {
        MeasuredKernel m = new MeasuredKernel(POOL, 0.100, 0.020, List.of(
                node("t_in", "Transpose", "uint8", 0.012), node("pool_token_3", "NhwcMaxPool", "uint8", 0.050),
                node("t_out", "Transpose", "uint8", 0.006)));
        List<KernelSample> samples = m.samples(0.002);
        // the run less the others less both Transposes' 0.010 and 0.004 ms of their own
        assertThat(samples.get(0).type()).isEqualTo("pool/uint8");
        assertThat(samples.get(0).ms()).isCloseTo(0.100 - 0.020 - 0.014, offset(1e-12));
        assertThat(samples.subList(1, 3)).extracting(KernelSample::type).containsExactly("layout/uint8", "layout/uint8");
        assertThat(samples.get(1).ms()).isCloseTo(0.010, offset(1e-12));
        assertThat(samples.get(2).ms()).isCloseTo(0.004, offset(1e-12));
    }

    private static final Kernel UINT8_POINTWISE = new Kernel("pw", "Conv", Optional.of(KernelType.CONV_POINTWISE),
            "uint8", Map.of("cin", 64L, "cout", 64L), 1000, 2000);

    @Test
    void aUint8ConvsOthersAreTheirProfiledTimeNotTheirPrediction() {
        // Q 0.30 and DQ 0.20 profiled, where their lone samples predicted 0.10 in all
        MeasuredKernel m = new MeasuredKernel(UINT8_POINTWISE, 1.00, 0.10, List.of(
                node("input_quant", "QuantizeLinear", "float", 0.302), node("t_in", "Transpose", "uint8", 0.052),
                node("pw_token_7", "QLinearConv", "uint8", 0.350), node("out_dq", "DequantizeLinear", "uint8", 0.202)));
        // the run less Q, DQ and the Transpose, each less the profiler's 0.002 ms
        assertThat(m.samples(0.002).get(0).ms()).isCloseTo(1.00 - 0.300 - 0.200 - 0.050, offset(1e-12));
        // its own node not found: the predicted others, as for every other kernel
        MeasuredKernel unnamed = new MeasuredKernel(UINT8_POINTWISE, 1.00, 0.10, List.of(
                node("input_quant", "QuantizeLinear", "float", 0.302), node("t_in", "Transpose", "uint8", 0.052)));
        assertThat(unnamed.samples(0.002).get(0).ms()).isCloseTo(1.00 - 0.10 - 0.050, offset(1e-12));
        // a weightless uint8 kernel keeps the predicted others even with its node in the profile
        MeasuredKernel pool = new MeasuredKernel(POOL, 1.00, 0.10, List.of(
                node("input_quant", "QuantizeLinear", "float", 0.302), node("pool_token_3", "NhwcMaxPool", "uint8", 0.3)));
        assertThat(pool.samples(0.002).get(0).ms()).isCloseTo(0.90, offset(1e-12));
    }

    @Test
    void aKernelTheOthersDwarfIsItsOwnProfiledNodeLessTheProfilersPart() {
        // the seen case: a uint8 MaxPool (0.116 ms) behind a QuantizeLinear of 0.56 ms in a 1.4 ms run
        MeasuredKernel m = new MeasuredKernel(POOL, 1.40, 1.30, List.of(
                node("q", "QuantizeLinear", "float", 0.56), node("pool_token_3", "NhwcMaxPool", "uint8", 0.116)));
        assertThat(m.samples(0.002)).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo("pool/uint8");
            assertThat(s.ms()).isCloseTo(0.114, offset(1e-12));
        });
        // no node of its name in the profile: no sample
        MeasuredKernel unnamed = new MeasuredKernel(POOL, 1.40, 1.30, List.of(
                node("q", "QuantizeLinear", "float", 0.56)));
        assertThat(unnamed.samples(0.002)).isEmpty();
    }

    @Test
    void theProfilersPartIsTheMedianOfShortRunsAndNeverNegative() {
        ProfilerInflation inflation = new ProfilerInflation();
        assertThat(inflation.ms()).isZero();
        // two nodes profiled at 0.010 ms in all, the run 0.006: 0.002 ms each
        List<LayoutNodes.Node> two = List.of(node("a", "Relu", "float", 0.004), node("b", "Relu", "float", 0.006));
        for (int i = 0; i < 3; i++) {
            inflation.add(new MeasuredKernel(POOL, 0.006, 0, two));
        }
        // a long run says nothing of a few microseconds per node
        inflation.add(new MeasuredKernel(POOL, 5.0, 0, two));
        assertThat(inflation.ms()).isCloseTo(0.002, offset(1e-12));
        ProfilerInflation negative = new ProfilerInflation();
        negative.add(-0.001);
        assertThat(negative.ms()).isZero();
    }

    @Test
    void shortKernelsWarmUpForAboutTwoMilliseconds() {
        assertThat(KernelCalibrator.warmUpRuns(0.005)).isEqualTo(200);
        assertThat(KernelCalibrator.warmUpRuns(0.1)).isEqualTo(20);
        assertThat(KernelCalibrator.warmUpRuns(5)).isEqualTo(1);
    }
}
