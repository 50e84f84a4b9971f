package dev.edgeperf.core.predict.kernel;

import java.util.List;
import java.util.Objects;

/**
 * What the kernel predictor needs beyond the cost profile.
 *
 * @param kernels the model's kernels at the call's batch and input shapes ({@link KernelDetector})
 * @param fitted  the device profile's kernel section with its regressors fitted
 */
public record KernelInputs(List<Kernel> kernels, FittedKernels fitted) {
    public KernelInputs {
        kernels = List.copyOf(kernels);
        Objects.requireNonNull(fitted, "fitted is null");
    }

    /** Fits the calibration's regressors for this one prediction (a caller predicting often keeps a {@link FittedKernels}). */
    public KernelInputs(List<Kernel> kernels, KernelCalibration calibration) {
        this(kernels, FittedKernels.fit(calibration));
    }

    public KernelCalibration calibration() {
        return fitted.calibration();
    }
}
