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
 * of the recipe says, then once more per layer that could stay fp32 with that one layer fp32, and ranks the layers
 * by the output cosine to the float model (on the calibration inputs) that this gained. Walking the ranking, a
 * layer is left fp32 when it raises the cosine of the model with the layers left before it, until K are. The cost
 * is one quantize-and-run per candidate plus one per layer tried in the walk; the calibration ranges are observed
 * once and shared ({@link LayerChoice}). The notes name the chosen layers with their gains; the choice depends on
 * the recipe and the calibration inputs only, so both give the same bytes again.
 */
final class SensitiveLayers {
    private SensitiveLayers() {
    }

    /** A layer and the output cosine its return to fp32 gained (over the all-int8 model, or in the walk). */
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
        // Gains measured one at a time do not add up (the errors of int8 layers partly cancel), so the ranking is
        // walked and a layer is kept only when it raises the cosine of the model with the ones kept before it.
        Set<String> names = new LinkedHashSet<>();
        List<Gain> chosen = new ArrayList<>();
        TransformResult r = full;
        double cosine = allInt8;
        for (Gain g : ranked(gains)) {
            if (chosen.size() == recipe.fp32Sensitive()) {
                break;
            }
            Set<String> with = new LinkedHashSet<>(names);
            with.add(g.layer());
            TransformResult t = StaticQuantizer.apply(model, data, recipe, runner, new LayerChoice(with, ranges));
            double c = cosine(base, t.model(), data, checked, runner, recipe.text() + " with " + with + " fp32");
            if (c > cosine) {
                names = with;
                chosen.add(new Gain(g.layer(), c - cosine));
                r = t;
                cosine = c;
            }
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(note(recipe.fp32Sensitive(), gains.size(), allInt8, chosen, cosine));
        return new TransformResult(r.model(), notes, r.noopReason());
    }

    /** The positive gains, largest first (ties: graph order, which {@code gains} is in). */
    private static List<Gain> ranked(List<Gain> gains) {
        return gains.stream().filter(g -> g.cosineGain() > 0)
                .sorted(Comparator.comparingDouble(Gain::cosineGain).reversed()).toList();
    }

    private static String note(int k, int candidates, double allInt8, List<Gain> chosen, double cosine) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s=%d: ranked %d int8 layers by the output"
                + " cosine gained when each alone stays fp32 (all int8: %.4f, with those kept: %.4f); ",
                VariantRecipe.FP32_SENSITIVE, k, candidates, allInt8, cosine));
        if (chosen.isEmpty()) {
            return s.append("none gained, none left fp32").toString();
        }
        s.append("left fp32, each with what it added: ");
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
