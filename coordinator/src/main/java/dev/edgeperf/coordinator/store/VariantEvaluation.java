package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * A variant's accuracy on a campaign's labelled evaluation data, measured once on the coordinator when the
 * variant was prepared, and its fidelity to the baseline on the same data (V10 columns of its jobs).
 *
 * @param source     the data, e.g. {@code mnist test[0:10000]}, {@code images:shapes 3 classes, 60 images}
 * @param samples    labelled samples evaluated
 * @param top1       top-1 accuracy, 0..1
 * @param top5       top-5 accuracy, 0..1; null with 5 classes or fewer
 * @param cosine     cosine similarity of its outputs to the baseline's on the data; null for the baseline
 * @param sqnrDb     SQNR vs the baseline's outputs, dB; null for the baseline or identical outputs
 * @param agreement  top-1 agreement with the baseline, 0..1; null for the baseline
 */
public record VariantEvaluation(String source, int samples, double top1, Double top5, Double cosine, Double sqnrDb,
                                Double agreement) {
    public VariantEvaluation {
        Objects.requireNonNull(source, "source is null");
        if (samples < 1 || !(top1 >= 0 && top1 <= 1)) {
            throw new IllegalArgumentException("evaluation needs samples >= 1 and top-1 in [0, 1], got " + samples
                    + ", " + top1);
        }
    }
}
