package dev.edgeperf.agent.calibrate;

import java.util.ArrayList;
import java.util.List;

/**
 * The profiler's own part of a node's time ({@link LayoutNodes#inflationMs}), the median over the
 * models whose run is short enough for a few microseconds per node to show above the runs' noise.
 */
final class ProfilerInflation {
    /** Runs longer than this say little about a microsecond per node. */
    static final double MAX_RUN_MS = 0.2;
    private final List<Double> estimates = new ArrayList<>();
    private double median;

    void add(MeasuredKernel m) {
        if (m.runMs() > 0 && m.runMs() <= MAX_RUN_MS && !m.profiled().isEmpty()) {
            add(LayoutNodes.inflationMs(m.profiled(), m.runMs()));
        }
    }

    void add(double estimateMs) {
        estimates.add(estimateMs);
        // a median of thousands, sorted again only now and then
        if (estimates.size() < 64 || estimates.size() % 64 == 0) {
            double[] sorted = estimates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median = Math.max(0, sorted[sorted.length / 2]);
        }
    }

    /** The estimate so far; 0 before any, never negative. */
    double ms() {
        return median;
    }
}
