package dev.edgeperf.core.variants;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link VariantBuilder} wrote for one recipe: one entry of {@code manifest.json}.
 *
 * @param model            baseline model name (zoo name or file stem)
 * @param recipe           recipe text, e.g. {@code pruned:structured:0.5}
 * @param file             file name inside the output directory
 * @param sha256           lower-case hex SHA-256 of the file
 * @param paramsTotal      weight and bias values (the one rule of {@link dev.edgeperf.core.cost.ParameterCounter}), count
 * @param paramsNonZero    of those, how many are non-zero, count
 * @param fileBytes        file size, bytes
 * @param gzipBytes        size of the file gzip-compressed (default level), bytes
 * @param fidelity         outputs compared with the baseline over the calibration inputs
 * @param executedKernels  op type to number of nodes ONNX Runtime executed (after fusion), from profiling
 * @param notes            nodes left as in the baseline and why, and other caveats
 * @param macsDense        MACs per sample (ModelProfiler total at batch 1) counting every weight; null when
 *                         the profiler could not infer the variant's shapes (a note says why)
 * @param macsEffective    MACs per sample counting only non-zero weights of Conv/Gemm/MatMul (dense MACs ×
 *                         non-zero fraction of each node's weight, see {@code MacCounter}); null as above
 * @param noopReason       null when the recipe changed the model; otherwise why it changed nothing (the
 *                         variant is a no-op, e.g. no node quantized), see {@link TransformResult#noopReason()}
 */
public record VariantRecord(String model, String recipe, String file, String sha256, long paramsTotal,
        long paramsNonZero, long fileBytes, long gzipBytes, Fidelity fidelity, Map<String, Integer> executedKernels,
        List<String> notes, Long macsDense, Long macsEffective, String noopReason) {

    public VariantRecord {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(recipe, "recipe is null");
        Objects.requireNonNull(file, "file is null");
        Objects.requireNonNull(sha256, "sha256 is null");
        Objects.requireNonNull(fidelity, "fidelity is null");
        executedKernels = Map.copyOf(executedKernels);
        notes = List.copyOf(notes);
    }

    /** A record of a variant that changed the model (not a no-op). */
    public VariantRecord(String model, String recipe, String file, String sha256, long paramsTotal, long paramsNonZero,
            long fileBytes, long gzipBytes, Fidelity fidelity, Map<String, Integer> executedKernels, List<String> notes,
            Long macsDense, Long macsEffective) {
        this(model, recipe, file, sha256, paramsTotal, paramsNonZero, fileBytes, gzipBytes, fidelity, executedKernels,
                notes, macsDense, macsEffective, null);
    }

    /** True when the recipe changed nothing: the file computes what the baseline computes. */
    public boolean noop() {
        return noopReason != null;
    }

    /** True when an int8 kernel (QLinear*, *Integer*, QGemm, DynamicQuantize*) ran. */
    public boolean int8KernelsExecuted() {
        return anyInt8Kernel(executedKernels);
    }

    /** True when one of the executed op types is an int8 kernel (see {@link #int8KernelsExecuted()}). */
    static boolean anyInt8Kernel(Map<String, Integer> executedKernels) {
        return executedKernels.keySet().stream().anyMatch(k -> k.startsWith("QLinear") || k.contains("Integer")
                || k.equals("QGemm") || k.startsWith("DynamicQuantize") || k.equals("QAttention"));
    }

    /**
     * A JSON-ready tree (maps, lists, strings, numbers, booleans, nulls) for {@code manifest.json};
     * an infinite SQNR (identical outputs) is written as null.
     */
    public Map<String, Object> toManifestEntry() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("samples", fidelity.samples());
        f.put("top1Agreement", fidelity.top1Agreement());
        f.put("maxAbsError", fidelity.maxAbsError());
        f.put("meanAbsError", fidelity.meanAbsError());
        f.put("cosineSimilarity", fidelity.cosineSimilarity());
        f.put("sqnrDb", Double.isFinite(fidelity.sqnrDb()) ? fidelity.sqnrDb() : null);
        f.put("baselineAccuracy", fidelity.baselineAccuracy());
        f.put("accuracy", fidelity.variantAccuracy());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("recipe", recipe);
        m.put("file", file);
        m.put("sha256", sha256);
        m.put("paramsTotal", paramsTotal);
        m.put("paramsNonZero", paramsNonZero);
        m.put("macsDense", macsDense);
        m.put("macsEffective", macsEffective);
        m.put("fileBytes", fileBytes);
        m.put("gzipBytes", gzipBytes);
        m.put("fidelity", f);
        m.put("executedKernels", new java.util.TreeMap<>(executedKernels));
        m.put("int8KernelsExecuted", int8KernelsExecuted());
        m.put("noop", noop());
        if (noop()) {
            m.put("noopReason", noopReason);
        }
        m.put("notes", notes);
        return m;
    }
}
