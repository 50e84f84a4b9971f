package dev.edgeperf.core.predict;

/**
 * The seed articles' naive predictor: inference time = FLOPs / FLOPS.
 */
public final class FlopsPredictor {
    private FlopsPredictor() {
    }

    /**
     * @param flops      FLOPs of one inference call (per batch)
     * @param peakGflops the device's peak in GFLOP/s; must be > 0
     * @return predicted time in milliseconds
     */
    public static double predictMillis(long flops, double peakGflops) {
        if (!(peakGflops > 0)) {
            throw new IllegalArgumentException("peakGflops must be > 0, got " + peakGflops);
        }
        return flops / (peakGflops * 1e9) * 1e3;
    }
}
