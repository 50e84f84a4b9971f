package dev.edgeperf.core.variants;

/** How static int8 quantization turns calibration activations into a range. */
public enum CalibrationMethod {
    /** The smallest and largest value seen over all calibration inputs. */
    MIN_MAX,
    /** The 0.01th and 99.99th percentiles of the values seen, which ignores rare outliers. */
    PERCENTILE,
    /**
     * The range whose uint8 quantization has the least expected squared error over the values seen: rounding
     * noise (step²/12 per value inside the range) plus the clipping error of the values outside it
     * ({@link MseRange}).
     */
    MSE
}
