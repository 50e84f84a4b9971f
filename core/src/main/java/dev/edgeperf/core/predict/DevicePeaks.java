package dev.edgeperf.core.predict;

/**
 * What a device can do, as far as the coordinator knows it when a job is leased. Every figure is
 * 0 when it is unknown (no hardware table entry, never calibrated).
 *
 * @param theoreticalGflops  fp32 peak from the hardware table, GFLOP/s
 * @param calibratedGflops   fp32 peak measured by {@code agent calibrate} (best of matmul and conv), GFLOP/s
 * @param memoryGbPerS       measured memory bandwidth, GB/s (what a roofline predictor needs)
 * @param callOverheadUs     measured fixed cost of one inference call, microseconds
 * @param calibrationThreads intra-op threads the calibration ran with
 */
public record DevicePeaks(double theoreticalGflops, double calibratedGflops, double memoryGbPerS,
                          double callOverheadUs, int calibrationThreads) {
    /** Nothing known. */
    public static final DevicePeaks UNKNOWN = new DevicePeaks(0, 0, 0, 0, 0);

    public DevicePeaks {
        requireNonNegative("theoreticalGflops", theoreticalGflops);
        requireNonNegative("calibratedGflops", calibratedGflops);
        requireNonNegative("memoryGbPerS", memoryGbPerS);
        requireNonNegative("callOverheadUs", callOverheadUs);
        if (calibrationThreads < 0) {
            throw new IllegalArgumentException("calibrationThreads must be >= 0, got " + calibrationThreads);
        }
    }

    /** A device with only a theoretical peak. */
    public static DevicePeaks theoretical(double gflops) {
        return new DevicePeaks(gflops, 0, 0, 0, 0);
    }

    public boolean calibrated() {
        return calibratedGflops > 0;
    }

    private static void requireNonNegative(String name, double value) {
        // NaN fails too: an unknown figure is 0, never NaN
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = unknown), got " + value);
        }
    }
}
