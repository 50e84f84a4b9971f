package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;

/**
 * Sensitivity-ranked mixed precision for int8-static ({@code :fp32-sensitive=K}): quantizes the model as the rest
 * of the recipe says, then once more per layer that could stay fp32 with that one layer fp32, measures each
 * result's output cosine to the float model on the calibration inputs, and leaves the K layers fp32 whose return to
 * fp32 gained the most (only those that gained at all). Layers are judged one at a time against the all-int8 model,
 * so the cost is one quantize-and-run per candidate; the calibration ranges are observed once and shared
 * ({@link LayerChoice}). The notes name the chosen layers with their gains, so the result is reproducible from the
 * recipe and the calibration inputs alone.
 */
final class SensitiveLayers {
    private SensitiveLayers() {
    }

    /** A layer and the output cosine its return to fp32 gained over the all-int8 model. */
    record Gain(String layer, double cosineGain) {
    }

    static TransformResult apply(ModelProto model, CalibrationData data, VariantRecipe recipe, OrtRunner runner) {
        Map<String, float[]> ranges = new HashMap<>();
        LayerChoice all = new LayerChoice(Set.of(), ranges);
        TransformResult full = StaticQuantizer.apply(model, data, recipe, runner, all);
        if (full.noopReason() != null || all.candidates().isEmpty()) {
            return full;
        }
        List<String> checked = VariantCheck.checkedOutputs(model);
        List<OutputTensor> base = runner.runTensors(model, data, checked.subList(0, 1), "baseline for " + recipe.text()).get(0);
        double allInt8 = cosine(base, full.model(), data, checked, runner, recipe.text());
        List<Gain> gains = new ArrayList<>();
        for (String layer : all.candidates()) {
            TransformResult one = StaticQuantizer.apply(model, data, recipe, runner,
                    new LayerChoice(Set.of(layer), ranges));
            double c = cosine(base, one.model(), data, checked, runner, recipe.text() + " with " + layer + " fp32");
            gains.add(new Gain(layer, c - allInt8));
        }
        List<Gain> chosen = choose(gains, recipe.fp32Sensitive());
        Set<String> names = new LinkedHashSet<>();
        chosen.forEach(g -> names.add(g.layer()));
        TransformResult r = names.isEmpty() ? full
                : StaticQuantizer.apply(model, data, recipe, runner, new LayerChoice(names, ranges));
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(note(recipe.fp32Sensitive(), gains.size(), allInt8, chosen));
        return new TransformResult(r.model(), notes, r.noopReason());
    }

    /** The k largest positive gains, largest first (ties: graph order, which {@code gains} is in). */
    static List<Gain> choose(List<Gain> gains, int k) {
        return gains.stream().filter(g -> g.cosineGain() > 0)
                .sorted(Comparator.comparingDouble(Gain::cosineGain).reversed()).limit(k).toList();
    }

    private static String note(int k, int candidates, double allInt8, List<Gain> chosen) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s=%d: ranked %d int8 layers by the output"
                + " cosine gained when each alone stays fp32 (all int8: %.4f); ", VariantRecipe.FP32_SENSITIVE, k,
                candidates, allInt8));
        if (chosen.isEmpty()) {
            return s.append("none gained, none left fp32").toString();
        }
        s.append("left fp32: ");
        for (int i = 0; i < chosen.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s (+%.4f)", chosen.get(i).layer(),
                    chosen.get(i).cosineGain()));
        }
        return s.toString();
    }

    private static double cosine(List<OutputTensor> base, ModelProto variant, CalibrationData data,
                                 List<String> checked, OrtRunner runner, String what) {
        List<OutputTensor> out = runner.runTensors(variant, data, checked.subList(0, 1), what).get(0);
        return Fidelity.compare(base, out, null).cosineSimilarity();
    }
}
