package dev.edgeperf.core.predict.learned;

import java.util.Locale;
import java.util.Objects;

/**
 * One (model variant, batch, threads) cell measured on a device, with the figures stored for it at
 * lease time; or, with {@code measuredMs} 0, the cell to predict.
 *
 * @param model         the model's name; a variant carries its baseline's name ({@link #sameModel})
 * @param variantRecipe the full recipe, e.g. "quantized:int8-static"; "" = baseline
 * @param flops         FLOPs per batch
 * @param batch         samples per call, >= 1
 * @param threads       intra-op threads the session used; 0 = unknown
 * @param basePredictor the predictor whose figure is corrected ("kernel" or "roofline")
 * @param baseMs        its figure, ms per batch, > 0
 * @param naiveMs       the naive-flops figure, ms per batch; 0 = none
 * @param measuredMs    measured median, ms per batch; 0 = not measured (the cell to predict)
 */
public record CampaignCell(String model, String variantRecipe, long flops, int batch, int threads,
                           String basePredictor, double baseMs, double naiveMs, double measuredMs) {
    public CampaignCell {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(variantRecipe, "variantRecipe is null");
        Objects.requireNonNull(basePredictor, "basePredictor is null");
        if (flops < 0 || batch < 1 || threads < 0) {
            throw new IllegalArgumentException("flops, batch and threads must be >= 0, >= 1, >= 0, got " + flops
                    + ", " + batch + ", " + threads);
        }
        if (!(baseMs > 0) || !(naiveMs >= 0) || !(measuredMs >= 0)) {
            throw new IllegalArgumentException("baseMs must be > 0, naiveMs and measuredMs >= 0, got " + baseMs + ", "
                    + naiveMs + ", " + measuredMs);
        }
    }

    /**
     * The identity that decides which cells may enter a fit: the model name without case, surrounding
     * blanks or an ".onnx" suffix. Variants are planned under their baseline's name, so every variant
     * of model M is M, and the same uploaded file named "net.onnx" in one campaign and "net" in
     * another is one model.
     */
    public static String modelKey(String model) {
        String m = model.strip().toLowerCase(Locale.ROOT);
        return m.endsWith(".onnx") ? m.substring(0, m.length() - ".onnx".length()) : m;
    }

    /** The part of a recipe before its first ':' ("pruned:structured:0.5" is "pruned"); empty = "baseline". */
    public static String variantKind(String recipe) {
        String r = recipe.strip();
        if (r.isEmpty()) {
            return "baseline";
        }
        int colon = r.indexOf(':');
        return colon < 0 ? r : r.substring(0, colon);
    }

    /** True when both cells are of the same model ({@link #modelKey}). */
    public boolean sameModel(String otherModel) {
        return modelKey(model).equals(modelKey(otherModel));
    }
}
