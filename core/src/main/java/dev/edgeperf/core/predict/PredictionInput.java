package dev.edgeperf.core.predict;

import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.core.predict.learned.LearnedInputs;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a predictor may use for one (model variant, batch, threads, device).
 *
 * @param flopsPerBatch     FLOPs of one inference call at {@code batchSize}
 * @param batchSize         samples per call, >= 1
 * @param threads           intra-op threads requested; 0 = the engine's default
 * @param executionProvider e.g. "CPU"; empty when the agent did not say
 * @param device            the device's peaks and calibration
 * @param profile           the per-node cost profile at {@code batchSize}, when the caller has it
 *                          (per-node predictors need it; the naive one does not)
 * @param kernels           the model's ONNX Runtime kernels and the device's kernel calibration, when
 *                          the caller has them (the kernel predictor needs them)
 * @param learned           which model this is and the device's measured cells of earlier campaigns, when the
 *                          caller has them (the learned-from-campaigns predictor needs them)
 */
public record PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                              DevicePeaks device, Optional<ModelProfile> profile, Optional<KernelInputs> kernels,
                              Optional<LearnedInputs> learned) {
    public PredictionInput {
        if (flopsPerBatch < 0) {
            throw new IllegalArgumentException("flopsPerBatch must be >= 0, got " + flopsPerBatch);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(device, "device is null");
        Objects.requireNonNull(profile, "profile is null");
        Objects.requireNonNull(kernels, "kernels is null");
        Objects.requireNonNull(learned, "learned is null");
    }

    /** Without campaign history. */
    public PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                           DevicePeaks device, Optional<ModelProfile> profile, Optional<KernelInputs> kernels) {
        this(flopsPerBatch, batchSize, threads, executionProvider, device, profile, kernels, Optional.empty());
    }

    /** The same call with the device's campaign history. */
    public PredictionInput withLearned(LearnedInputs inputs) {
        return new PredictionInput(flopsPerBatch, batchSize, threads, executionProvider, device, profile, kernels,
                Optional.of(inputs));
    }

    /** The same call with the variant's kernels and the device's regressors. */
    public PredictionInput withKernels(KernelInputs inputs) {
        return new PredictionInput(flopsPerBatch, batchSize, threads, executionProvider, device, profile,
                Optional.of(inputs), learned);
    }

    /** Without kernels. */
    public PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                           DevicePeaks device, Optional<ModelProfile> profile) {
        this(flopsPerBatch, batchSize, threads, executionProvider, device, profile, Optional.empty());
    }

    /** Without a model profile. */
    public PredictionInput(long flopsPerBatch, int batchSize, int threads, String executionProvider,
                           DevicePeaks device) {
        this(flopsPerBatch, batchSize, threads, executionProvider, device, Optional.empty());
    }
}
