package dev.edgeperf.core.predict;

/**
 * What a device can do, as far as the coordinator knows it when a job is leased. Every figure is
 * 0 when it is unknown (no hardware table entry, never calibrated, or calibrated by an agent that
 * did not measure it yet).
 *
 * @param theoreticalGflops  fp32 peak from the hardware table, GFLOP/s
 * @param matmulGflops       fp32 GFLOP/s measured by {@code agent calibrate} on a large MatMul
 * @param convGflops         fp32 GFLOP/s measured by {@code agent calibrate} on a large Conv
 * @param memoryGbPerS       measured memory bandwidth (elementwise Add, bytes read + written), GB/s
 * @param callOverheadUs     measured fixed cost of one inference call (a one-node model), microseconds
 * @param nodeOverheadUs     measured dispatch cost of each further node (a chain of tiny nodes), microseconds
 * @param calibrationThreads intra-op threads the calibration ran with
 */
public record DevicePeaks(double theoreticalGflops, double matmulGflops, double convGflops, double memoryGbPerS,
                          double callOverheadUs, double nodeOverheadUs, int calibrationThreads) {
    /** Nothing known. */
    public static final DevicePeaks UNKNOWN = new DevicePeaks(0, 0, 0, 0, 0, 0, 0);

    public DevicePeaks {
        requireNonNegative("theoreticalGflops", theoreticalGflops);
        requireNonNegative("matmulGflops", matmulGflops);
        requireNonNegative("convGflops", convGflops);
        requireNonNegative("memoryGbPerS", memoryGbPerS);
        requireNonNegative("callOverheadUs", callOverheadUs);
        requireNonNegative("nodeOverheadUs", nodeOverheadUs);
        if (calibrationThreads < 0) {
            throw new IllegalArgumentException("calibrationThreads must be >= 0, got " + calibrationThreads);
        }
    }

    /** A device with only a theoretical peak. */
    public static DevicePeaks theoretical(double gflops) {
        return new DevicePeaks(gflops, 0, 0, 0, 0, 0, 0);
    }

    /** The best measured fp32 peak (MatMul or Conv), GFLOP/s; 0 when never calibrated. */
    public double calibratedGflops() {
        return Math.max(matmulGflops, convGflops);
    }

    public boolean calibrated() {
        return calibratedGflops() > 0;
    }

    private static void requireNonNegative(String name, double value) {
        // NaN fails too: an unknown figure is 0, never NaN
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = unknown), got " + value);
        }
    }
}
