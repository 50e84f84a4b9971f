package dev.edgeperf.core.predict.kernel;

import java.util.List;
import java.util.Objects;

/**
 * What the kernel predictor needs beyond the cost profile.
 *
 * @param kernels     the model's kernels at the call's batch and input shapes ({@link KernelDetector})
 * @param calibration the device profile's kernel section
 */
public record KernelInputs(List<Kernel> kernels, KernelCalibration calibration) {
    public KernelInputs {
        kernels = List.copyOf(kernels);
        Objects.requireNonNull(calibration, "calibration is null");
    }
}
