package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.DistillRecipe;
import dev.edgeperf.core.variants.VariantRecipe;
import java.util.Objects;

/**
 * A variant recipe with an optional fine-tuning suffix, {@code RECIPE+finetune:N}: apply the recipe,
 * then train N epochs on the dataset's train split (the seeds' rank → remove → retrain). The pruning
 * recipes and {@code separable} (whose depthwise and pointwise convs the trainer also knows) can be
 * fine-tuned: the others change the weights' storage (int8, fp16, codebook), which the float trainer
 * cannot update.
 *
 * @param base   the recipe applied first
 * @param epochs fine-tuning epochs; 0 for none
 * <p>A {@code distilled:STUDENT[:...]} recipe ({@link DistillRecipe}) is carried here too, with {@code base} =
 * baseline and no fine-tuning: the build trains its student instead of transforming the model.
 *
 * @param base    the recipe applied first
 * @param epochs  fine-tuning epochs; 0 for none
 * @param text    canonical text, e.g. {@code pruned:structured:0.5+finetune:1}
 * @param distill the distillation recipe, or null
 */
record FinetuneRecipe(VariantRecipe base, int epochs, String text, DistillRecipe distill) {
    static final String SUFFIX = "+finetune:";

    FinetuneRecipe {
        Objects.requireNonNull(base, "base is null");
        Objects.requireNonNull(text, "text is null");
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
    }

    FinetuneRecipe(VariantRecipe base, int epochs, String text) {
        this(base, epochs, text, null);
    }

    boolean distilled() {
        return distill != null;
    }

    boolean finetuned() {
        return epochs > 0;
    }

    /** File name part: colons become dashes, as {@link VariantRecipe#fileSuffix()} does. */
    String fileSuffix() {
        return distill != null ? distill.fileSuffix() : text.replace(':', '-');
    }

    /**
     * @throws EdgeperfException USER_ERROR naming the value and what is expected
     */
    static FinetuneRecipe parse(String recipe) {
        String t = recipe == null ? "" : recipe.trim();
        if (DistillRecipe.matches(t)) {
            DistillRecipe d = DistillRecipe.parse(t);
            return new FinetuneRecipe(VariantRecipe.parse("baseline"), 0, d.text(), d);
        }
        int plus = t.indexOf('+');
        if (plus < 0) {
            VariantRecipe base = VariantRecipe.parse(t);
            return new FinetuneRecipe(base, 0, base.text());
        }
        VariantRecipe base = VariantRecipe.parse(t.substring(0, plus));
        String suffix = t.substring(plus).toLowerCase(java.util.Locale.ROOT);
        if (!suffix.startsWith(SUFFIX)) {
            throw EdgeperfException.userError("unknown recipe suffix '" + t.substring(plus) + "' in '" + recipe
                    + "'; expected +finetune:N (N epochs, a positive integer)");
        }
        int epochs;
        try {
            epochs = Integer.parseInt(suffix.substring(SUFFIX.length()));
        } catch (NumberFormatException e) {
            epochs = 0;
        }
        if (epochs < 1 || epochs > 100) {
            throw EdgeperfException.userError("fine-tuning epochs '" + suffix.substring(SUFFIX.length()) + "' in recipe '"
                    + recipe + "' must be an integer in [1, 100]");
        }
        if (base.kind() != VariantRecipe.Kind.PRUNED_STRUCTURED && base.kind() != VariantRecipe.Kind.PRUNED_UNSTRUCTURED
                && base.kind() != VariantRecipe.Kind.SEPARABLE) {
            throw EdgeperfException.userError("recipe '" + recipe + "': +finetune applies only to pruned:structured:S, "
                    + "pruned:unstructured:S and separable, not to " + base.text());
        }
        return new FinetuneRecipe(base, epochs, base.text() + SUFFIX + epochs);
    }
}
