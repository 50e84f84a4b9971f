package dev.edgeperf.core.train;

import java.util.List;
import java.util.Objects;

/**
 * Trained weights and the per-epoch record of how they were obtained.
 *
 * @param weights the final weights
 * @param epochs  one entry per epoch, in order
 */
public record TrainingResult(CnnWeights weights, List<EpochStats> epochs) {
    public TrainingResult {
        Objects.requireNonNull(weights, "weights is null");
        epochs = List.copyOf(epochs);
    }

    /** Total training time in seconds. */
    public double seconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }
}
