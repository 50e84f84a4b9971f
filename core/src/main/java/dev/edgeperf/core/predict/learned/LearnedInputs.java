package dev.edgeperf.core.predict.learned;

import java.util.List;
import java.util.Objects;

/**
 * What the learned-from-campaigns predictor needs beyond the model and device: which model and
 * variant the call is (so that model's own cells are left out of the fit) and the device's measured
 * cells from earlier campaigns.
 *
 * @param model         the predicted model's name (a variant: its baseline's name)
 * @param variantRecipe its recipe; "" = baseline
 * @param history       measured cells on the device, any model (the fit drops {@code model}'s)
 */
public record LearnedInputs(String model, String variantRecipe, List<CampaignCell> history) {
    public LearnedInputs {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(variantRecipe, "variantRecipe is null");
        history = List.copyOf(history);
    }
}
