package dev.edgeperf.agent.calibrate;

import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One generated single-kernel model as {@link KernelCalibrator} measured it, before the profiler's part of
 * each profiled node is known ({@link ProfilerInflation}): the samples are made from it once it is.
 *
 * @param kernel   the kernel it samples
 * @param runMs    its unprofiled run less the call overhead
 * @param othersMs the predicted time of its other kernels (a uint8 conv's sample takes their profiled time instead)
 * @param profiled its nodes in a profiled session
 */
record MeasuredKernel(Kernel kernel, double runMs, double othersMs, List<LayoutNodes.Node> profiled) {
    /**
     * The kernel's sample (its run less the others and the layout nodes; its own profiled node where the
     * others leave too little of the run, {@link #leftoverMs}) and a {@link KernelType#LAYOUT} sample per
     * layout node, each at its profiled time less {@code inflationMs}.
     */
    List<KernelSample> samples(double inflationMs) {
        List<KernelSample> out = new ArrayList<>();
        double layoutMs = 0;
        for (LayoutNodes.Node node : LayoutNodes.layout(profiled)) {
            double ms = Math.max(0, node.ms() - inflationMs);
            layoutMs += ms;
            node.sample(ms).ifPresent(out::add);
        }
        OptionalDouble ms = leftoverMs(runMs, othersMs(inflationMs) + layoutMs);
        if (ms.isEmpty()) {
            ms = ownProfiledMs(inflationMs);
        }
        ms.ifPresent(kernelMs -> out.add(0, new KernelSample(kernel.regressorKey().orElseThrow(),
                kernel.features(), kernel.flops(), kernel.bytes(), kernelMs)));
        return out;
    }

    /**
     * The time of the kernels other than this one and the layout nodes. For a uint8 convolution, their
     * profiled time in this model's own session (less the profiler's part), where its own node is found:
     * how much faster the QuantizeLinear and DequantizeLinear around it run at 2 threads than at 1 is not
     * stable on a shared box (lone DequantizeLinear samples 3.1 times as fast at 2 threads in one
     * calibration, 1.03 times in one two days earlier). Predicted from those lone samples, the difference
     * landed on the convs: that calibration's 2-thread uint8 convs came out no faster than its 1-thread
     * ones, and mobilenet-v2's int8 variant at 2 threads was predicted 77 % (batch 1) and 123 % (batch 8)
     * slow. With the profiled figure, from the same calibration run: +0.5 % and +24 % (mobilenet-v1: -19 %
     * and +0.1 %, from +39 % and +73 %), and 63.5 % of the 104 bench cells within 10 %, from 60.6 %. Other
     * int8 kernels keep the predicted figure: taking theirs from the profile too lost 6 points of the int8
     * cells.
     */
    private double othersMs(double inflationMs) {
        String key = kernel.regressorKey().orElse("");
        if (!(key.startsWith("conv") && key.endsWith("/uint8"))
                || profiled.stream().filter(n -> n.runs(kernel.node())).count() != 1) {
            return othersMs;
        }
        return profiled.stream().filter(n -> !n.layout() && !n.runs(kernel.node()))
                .mapToDouble(n -> Math.max(0, n.ms() - inflationMs)).sum();
    }

    /**
     * The kernel's own node in the profiled session, less the profiler's part: what is left when the
     * others take most of the run, as the QuantizeLinear in front of a uint8 MaxPool does (0.56 of a
     * 1.4 ms run, where the NHWC pool took 0.12). The run's remainder would then be the others' error.
     */
    private OptionalDouble ownProfiledMs(double inflationMs) {
        List<LayoutNodes.Node> own = profiled.stream().filter(n -> n.runs(kernel.node())).toList();
        return own.size() == 1 ? OptionalDouble.of(Math.max(0, own.get(0).ms() - inflationMs))
                : OptionalDouble.empty();
    }

    /** Least share of a run, after the call overhead, that the sampled kernel must keep once the others are taken. */
    static final double MIN_KERNEL_SHARE = 0.2;

    /**
     * The sampled kernel's time: the run's time less the call overhead ({@code runMs}) less the other kernels'
     * predicted time; empty when that leaves under {@link #MIN_KERNEL_SHARE} of the run. The others' predictions
     * carry their own error, of the size of such a remainder: it is their noise, not the kernel (a 3 us sample of a
     * 10-MFLOP pointwise ConvInteger was seen at 2 threads), and the fit, weighting samples by 1/ms^2, would be
     * decided by it (the 2-thread conv-pointwise/dynamic-int8 regressor lost its FLOPs term).
     */
    static OptionalDouble leftoverMs(double runMs, double othersMs) {
        double ms = Math.max(0, runMs - othersMs);
        if (othersMs > 0 && ms < MIN_KERNEL_SHARE * runMs) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(ms);
    }
}
