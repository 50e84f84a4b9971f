package dev.edgeperf.agent.calibrate;

import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A stored device profile brought up to date without recalibrating: the peak probes measured again and
 * the kernel samples kept, with each type's drift since they were taken ({@link KernelCalibrator#refresh}).
 * What {@code agent calibrate --refresh} and {@code agent run --refresh-calibration} do.
 */
public final class ProfileRefresh {
    private final CalibrationStore store;
    private final CalibrationStore.MeasuredOn here;
    private final KernelCalibration stored;

    private ProfileRefresh(CalibrationStore store, CalibrationStore.MeasuredOn here, KernelCalibration stored) {
        this.store = store;
        this.here = here;
        this.stored = stored;
    }

    /**
     * The work dir's profile, checked before anything is measured: it must have kernel samples taken on
     * this hardware by this engine (a refresh measures drift, not another machine).
     *
     * @throws EdgeperfException USER_ERROR naming the file when it cannot be refreshed
     */
    public static ProfileRefresh of(Path workDir, CalibrationStore.MeasuredOn here) {
        Objects.requireNonNull(here, "here is null");
        CalibrationStore store = CalibrationStore.inWorkDir(workDir);
        KernelCalibration stored = store.readKernels().orElseThrow(() -> EdgeperfException.userError("a refresh needs"
                + " a profile with kernel samples in " + store.file() + "; run `agent calibrate` without --refresh"
                + " first"));
        CalibrationStore.MeasuredOn then = store.measuredOn();
        if (!then.hardwareFingerprint().equals(here.hardwareFingerprint())
                || !then.engineVersion().equals(here.engineVersion())) {
            throw EdgeperfException.userError(store.file() + " was calibrated on hardware " + then.hardwareFingerprint()
                    + " with ONNX Runtime " + then.engineVersion() + ", not this machine's " + here.hardwareFingerprint()
                    + " with " + here.engineVersion() + "; run `agent calibrate` without --refresh");
        }
        return new ProfileRefresh(store, here, stored);
    }

    /** The peak figures and the refreshed kernel section, as written back to the work dir. */
    public record Refreshed(CalibrationFigures figures, KernelCalibration kernels) {
    }

    /**
     * Measures the probes (at {@code threads}, 0 = the stored profile's) and the drift within {@code budget},
     * and writes the work dir's profile.
     */
    public Refreshed run(InferenceRunner runner, Path scratch, MicroModels.Sizes sizes, int threads, Duration budget,
                         Consumer<String> progress) {
        int probeThreads = threads != 0 ? threads : store.read().map(CalibrationFigures::threads).orElse(0);
        CalibrationFigures figures = new Calibrator(runner, scratch, System::currentTimeMillis).calibrate(sizes,
                probeThreads, progress);
        KernelCalibration kernels = new KernelCalibrator(scratch, System::nanoTime).refresh(stored, budget, progress);
        store.write(figures, here, java.util.Optional.of(kernels));
        return new Refreshed(figures, kernels);
    }

    public CalibrationStore store() {
        return store;
    }
}
