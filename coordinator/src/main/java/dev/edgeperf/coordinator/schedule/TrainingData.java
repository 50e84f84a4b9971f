package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.variants.DistillRecipe;
import dev.edgeperf.core.variants.VariantRecipe;
import java.util.Objects;

/**
 * The labelled train split a campaign's {@code distilled:} variants are trained on (spec {@code training:} and
 * {@code train-images:}, {@code campaign run --training --train-images}), as {@code variants build
 * --calibration SRC --train-images N} trains them, so both give the same bytes.
 *
 * @param source      {@code mnist} or {@code fashion-mnist}: the labelled datasets whose train split the built-in
 *                    trainer reads (as {@code variants build} does)
 * @param trainImages the first N train images only; 0 = all
 */
public record TrainingData(String source, int trainImages) {
    public TrainingData {
        Objects.requireNonNull(source, "source is null");
        CalibrationSource parsed = CalibrationSource.parse(source, null, null);
        if (parsed.kind() != CalibrationSource.Kind.DATASET) {
            throw EdgeperfException.userError("training '" + source + "' is not a labelled dataset; expected mnist or"
                    + " fashion-mnist (the train split distilled: students are trained on)");
        }
        if (trainImages < 0) {
            throw EdgeperfException.userError("train-images must be 0 (all) or a positive integer, got " + trainImages);
        }
    }

    /** The parsed dataset source. */
    public CalibrationSource parse() {
        return CalibrationSource.parse(source, null, null);
    }

    /**
     * Checks one campaign recipe: a {@code distilled:} recipe needs training data ({@code training} non-null),
     * every other one is checked by {@link VariantRecipe#parse}.
     *
     * @return the recipe's canonical text
     * @throws EdgeperfException USER_ERROR naming the recipe and what is expected
     */
    public static String recipe(String recipe, TrainingData training) {
        if (training != null && DistillRecipe.matches(recipe)) {
            return DistillRecipe.parse(recipe).text();
        }
        return VariantRecipe.parse(recipe).text();
    }
}
