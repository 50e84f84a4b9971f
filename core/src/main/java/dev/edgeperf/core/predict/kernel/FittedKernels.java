package dev.edgeperf.core.predict.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A kernel calibration with its regressors fitted once per thread count. Immutable, so one instance
 * serves every prediction made from the same device profile (a coordinator fits it once per agent,
 * not once per lease).
 */
public final class FittedKernels {
    private final KernelCalibration calibration;
    private final Map<Integer, Map<String, KernelRegressor>> byThreads;

    private FittedKernels(KernelCalibration calibration) {
        this.calibration = calibration;
        Map<Integer, Map<String, KernelRegressor>> fitted = new LinkedHashMap<>();
        for (KernelCalibration.ThreadSamples t : calibration.threads()) {
            fitted.put(t.threads(), Map.copyOf(t.regressors()));
        }
        this.byThreads = Map.copyOf(fitted);
    }

    /** Fits every thread count's regressors now. */
    public static FittedKernels fit(KernelCalibration calibration) {
        return new FittedKernels(Objects.requireNonNull(calibration, "calibration is null"));
    }

    public KernelCalibration calibration() {
        return calibration;
    }

    /** The regressors at {@code threads} by {@link Kernel#regressorKey()}; empty when that count was not calibrated. */
    public Optional<Map<String, KernelRegressor>> regressors(int threads) {
        return Optional.ofNullable(byThreads.get(threads));
    }
}
