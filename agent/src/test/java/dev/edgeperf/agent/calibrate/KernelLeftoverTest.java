package dev.edgeperf.agent.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

/** What a sample of a kernel run among others keeps: the run less the others, unless that is mostly their noise. */
class KernelLeftoverTest {

    @Test
    void aKernelAloneKeepsTheWholeRunEvenWhenTiny() {
        assertThat(KernelCalibrator.leftoverMs(0.004, 0)).hasValue(0.004);
    }

    @Test
    void theOthersPredictedTimeIsSubtracted() {
        assertThat(KernelCalibrator.leftoverMs(1.0, 0.3).getAsDouble()).isCloseTo(0.7, offset(1e-12));
        // a quarter of the run is above the least share: kept
        assertThat(KernelCalibrator.leftoverMs(1.0, 0.75).getAsDouble()).isCloseTo(0.25, offset(1e-12));
    }

    @Test
    void aRemainderUnderTheLeastShareOfTheRunIsNoSample() {
        // the seen case: a 10-MFLOP pointwise ConvInteger left 3 us of a 30 us run
        assertThat(KernelCalibrator.leftoverMs(0.030, 0.027)).isEmpty();
        assertThat(KernelCalibrator.leftoverMs(0.030, 0.031)).isEmpty();
    }
}
