package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.variants.VariantBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code manifest.json} of {@code variants build} and its human table.
 *
 * <p>Layout: {@code model}, {@code source} ({@code zoo:NAME} or the file's path), {@code baseline}
 * (SHA-256 of the input model, file and gzip bytes, MACs per sample, accuracy), {@code calibration}
 * and {@code evaluation} (where the inputs came from, how many), {@code ortThreads}, and
 * {@code variants}: per recipe the fields of {@link dev.edgeperf.core.variants.VariantRecord#toManifestEntry()}
 * (file, sha256, paramsTotal/paramsNonZero, macsDense/macsEffective per sample, fileBytes/gzipBytes,
 * fidelity over the evaluation inputs, executedKernels, int8KernelsExecuted, notes) plus {@code accuracy},
 * {@code sizeRatio}, {@code gzipRatio} and {@code macsRatio} (variant ÷ baseline), and for fine-tuned
 * recipes {@code accuracyBeforeFinetune}, {@code top1AgreementBeforeFinetune} and {@code finetune}.
 */
final class VariantsManifest {
    private static final List<String> COMPUTE = List.of("Conv", "Gemm", "MatMul");

    private VariantsManifest() {
    }

    static Map<String, Object> manifest(String model, String source, byte[] baselineBytes, Long baselineMacs,
            Double baselineAccuracy, dev.edgeperf.core.calibration.CalibrationInputs inputs, int threads, List<Map<String, Object>> variants) {
        long gzip = VariantBuilder.gzipSize(baselineBytes);
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("sha256", Digests.sha256Hex(baselineBytes));
        base.put("fileBytes", baselineBytes.length);
        base.put("gzipBytes", gzip);
        base.put("macs", baselineMacs);
        base.put("accuracy", baselineAccuracy);
        for (Map<String, Object> v : variants) {
            v.put("sizeRatio", ratio((Number) v.get("fileBytes"), baselineBytes.length));
            v.put("gzipRatio", ratio((Number) v.get("gzipBytes"), gzip));
            v.put("macsRatio", ratio((Number) v.get("macsDense"), baselineMacs));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model);
        root.put("source", source);
        root.put("baseline", base);
        root.put("calibrationLabel", inputs.label());
        root.putAll(inputs.describe());
        root.put("ortThreads", threads);
        root.put("variants", variants);
        return root;
    }

    /**
     * The manifest already in {@code outDir}, so a build into it adds to it instead of dropping the
     * records of earlier variants; null when there is none.
     *
     * @throws EdgeperfException USER_ERROR when it cannot be read, or describes another model or baseline
     *                           (its ratios and fidelities would not compare with the new ones)
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readPrevious(Path outDir, String model, String baselineSha256) {
        Path file = outDir.resolve("manifest.json");
        if (!Files.exists(file)) {
            return null;
        }
        Map<String, Object> previous;
        try {
            previous = new ObjectMapper().readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw EdgeperfException.userError(file + " is not a readable variants manifest (" + e.getClass()
                    .getSimpleName() + "); move it away or pass another --out");
        }
        Object variants = previous.get("variants");
        Object base = previous.get("baseline");
        if (!(variants instanceof List<?>) || !(base instanceof Map<?, ?>)) {
            throw EdgeperfException.userError(file + " is not a variants manifest (no 'variants' list or"
                    + " 'baseline'); move it away or pass another --out");
        }
        Object sha = ((Map<String, Object>) base).get("sha256");
        if (!model.equals(previous.get("model")) || !baselineSha256.equals(sha)) {
            throw EdgeperfException.userError(file + " holds variants of model '" + previous.get("model")
                    + "' (baseline sha256 " + abbreviate(sha) + "), not of '" + model + "' (baseline sha256 "
                    + abbreviate(baselineSha256) + "); pass another --out");
        }
        return previous;
    }

    /**
     * The new manifest with the earlier variants it did not rebuild: earlier records keep their place,
     * a recipe built again replaces its record there, new recipes follow. Top-level fields (inputs,
     * threads) are the new build's.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> previous, Map<String, Object> fresh) {
        Map<Object, Map<String, Object>> byRecipe = new LinkedHashMap<>();
        for (Object v : (List<Object>) previous.get("variants")) {
            if (v instanceof Map<?, ?> m) {
                byRecipe.put(m.get("recipe"), (Map<String, Object>) m);
            }
        }
        for (Map<String, Object> v : (List<Map<String, Object>>) fresh.get("variants")) {
            byRecipe.put(v.get("recipe"), v);
        }
        Map<String, Object> merged = new LinkedHashMap<>(fresh);
        merged.put("variants", new ArrayList<>(byRecipe.values()));
        return merged;
    }

    private static String abbreviate(Object sha) {
        String s = String.valueOf(sha);
        return s.length() > 12 ? s.substring(0, 12) + "…" : s;
    }

    /** The human table: one row per variant, then the notes. */
    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> manifest) {
        TextTable t = new TextTable("recipe", ">size", ">size×", ">gzip", ">gzip×", ">MACs", ">eff. MACs", ">cosine", ">SQNR", ">top-1",
                ">accuracy", "int8", "compute kernels");
        List<Map<String, Object>> variants = (List<Map<String, Object>>) manifest.get("variants");
        StringBuilder notes = new StringBuilder();
        for (Map<String, Object> v : variants) {
            Map<String, Object> f = (Map<String, Object>) v.get("fidelity");
            String acc = pct(v.get("accuracy"));
            if (v.get("accuracyBeforeFinetune") != null) {
                acc += " (was " + pct(v.get("accuracyBeforeFinetune")) + ")";
            }
            // A no-op is labelled in the recipe cell so the row never reads as a measurement of the recipe.
            Object recipe = Boolean.TRUE.equals(v.get("noop")) ? v.get("recipe") + " (no-op)" : v.get("recipe");
            t.add(recipe, kib(v.get("fileBytes")), x(v.get("sizeRatio")), kib(v.get("gzipBytes")),
                    x(v.get("gzipRatio")), num(v.get("macsDense")), num(v.get("macsEffective")),
                    cosine(f.get("cosineSimilarity")), sqnr(f), pct(f.get("top1Agreement")), acc, Boolean.TRUE.equals(v.get("int8KernelsExecuted")) ? "yes" : "no",
                    kernels((Map<String, Object>) v.get("executedKernels")));
            for (String n : (List<String>) v.get("notes")) {
                notes.append("  ").append(v.get("recipe")).append(": ").append(n).append('\n');
            }
        }
        Map<String, Object> base = (Map<String, Object>) manifest.get("baseline");
        Map<String, Object> eval = (Map<String, Object>) manifest.get("evaluation");
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s: baseline %s, %s MACs/sample, accuracy %s; fidelity over %s%n",
                manifest.get("model"), kib(base.get("fileBytes")), num(base.get("macs")), pct(base.get("accuracy")),
                eval.get("source")));
        s.append(t.render());
        if (!notes.isEmpty()) {
            s.append("notes:\n").append(notes);
        }
        return s.toString();
    }

    /** Conv/Gemm/MatMul-like kernels (incl. QLinear/Integer/fused forms) that ran, with node counts. */
    private static String kernels(Map<String, Object> executed) {
        String s = executed.entrySet().stream().filter(e -> COMPUTE.stream().anyMatch(c -> e.getKey().contains(c)))
                .map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
        return s.isEmpty() ? "-" : s;
    }

    private static Double ratio(Number a, Number b) {
        return a == null || b == null || b.doubleValue() == 0 ? null
                : Math.round(a.doubleValue() / b.doubleValue() * 10000) / 10000.0;
    }

    private static String pct(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * ((Number) v).doubleValue());
    }

    private static String cosine(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", ((Number) v).doubleValue());
    }

    /** SQNR in dB; the manifest writes an infinite one (identical outputs) as null. */
    private static String sqnr(Map<String, Object> fidelity) {
        Object v = fidelity.get("sqnrDb");
        return v != null ? String.format(Locale.ROOT, "%.1f dB", ((Number) v).doubleValue())
                : fidelity.get("cosineSimilarity") != null ? "inf" : "-";
    }

    private static String x(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    private static String kib(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,.1f KiB", ((Number) v).doubleValue() / 1024);
    }

    private static String num(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover hidden staging folder is harmless and named after the output folder
        }
    }
}
