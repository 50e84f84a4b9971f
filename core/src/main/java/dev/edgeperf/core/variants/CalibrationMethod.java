package dev.edgeperf.core.variants;

/** How static int8 quantization turns calibration activations into a range. */
public enum CalibrationMethod {
    /** The smallest and largest value seen over all calibration inputs. */
    MIN_MAX,
    /** The 0.01th and 99.99th percentiles of the values seen, which ignores rare outliers. */
    PERCENTILE
}
