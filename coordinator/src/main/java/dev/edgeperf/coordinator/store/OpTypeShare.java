package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * One op type over a campaign's done jobs: where the measured time goes against where the FLOPs are.
 *
 * @param opType     op type in the submitted graph; {@link #INSERTED} for nodes ONNX Runtime added
 * @param measuredUs sum over jobs of the mean per-run time of its nodes (profiled pass), µs
 * @param flops      sum over the same jobs of its nodes' FLOPs per call (0 where no profile was stored)
 */
public record OpTypeShare(String opType, double measuredUs, long flops) {
    public static final String INSERTED = "(inserted)";

    public OpTypeShare {
        Objects.requireNonNull(opType, "opType is null");
    }
}
