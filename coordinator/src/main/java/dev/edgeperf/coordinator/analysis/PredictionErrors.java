package dev.edgeperf.coordinator.analysis;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.OpTypeShare;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Predicted vs measured over a campaign's rows, per device × predictor and per variant kind ×
 * predictor. A cell is a done row with a measured median ({@link ResultField#P50_MS}) and the
 * predictor's stored prediction; rows without either are left out, never counted as 0.
 *
 * @param campaignId  the campaign analysed
 * @param rows        rows read (every state)
 * @param measured    done rows with a measured median
 * @param byDevice    per (device, predictor), devices by name, predictors in {@link #PREDICTORS} order
 * @param byVariantKind per (variant kind, predictor), kinds by name
 * @param byOpType    per op type, measured per-layer time vs FLOPs over the jobs that have per-layer times,
 *                    largest measured time first; empty when no job has them
 */
public record PredictionErrors(String campaignId, int rows, int measured, List<ErrorSummary> byDevice,
                               List<ErrorSummary> byVariantKind, List<OpTypeShare> byOpType) {
    /** Every stored predictor's column, by predictor name, in the order they are shown. */
    public static final Map<String, ResultField> PREDICTORS = predictors();

    public PredictionErrors {
        Objects.requireNonNull(campaignId, "campaignId is null");
        byDevice = List.copyOf(byDevice);
        byVariantKind = List.copyOf(byVariantKind);
        byOpType = List.copyOf(byOpType);
    }

    private static Map<String, ResultField> predictors() {
        Map<String, ResultField> m = new LinkedHashMap<>();
        m.put("naive-flops", ResultField.PREDICTED_NAIVE_MS);
        m.put("roofline", ResultField.PREDICTED_ROOFLINE_MS);
        m.put("kernel", ResultField.PREDICTED_KERNEL_MS);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** True when at least one cell had a prediction and a measurement. */
    public boolean hasCells() {
        return !byDevice.isEmpty();
    }

    public static PredictionErrors of(String campaignId, List<ResultRecord> rows) {
        return of(campaignId, rows, List.of());
    }

    /** @param ops the campaign's per op type measured time and FLOPs ({@code Store#opTypeShares}) */
    public static PredictionErrors of(String campaignId, List<ResultRecord> rows, List<OpTypeShare> ops) {
        // group -> predictor -> cells; TreeMap: groups by name, stable output
        Map<String, Map<String, List<ErrorSummary.Cell>>> devices = new TreeMap<>();
        Map<String, Map<String, List<ErrorSummary.Cell>>> kinds = new TreeMap<>();
        int measured = 0;
        for (ResultRecord row : rows) {
            Optional<Double> p50 = row.real(ResultField.P50_MS);
            if (row.state() != JobState.DONE || p50.isEmpty() || !(p50.get() > 0)) {
                continue;
            }
            measured++;
            String device = row.text(ResultField.AGENT_NAME);
            String variant = row.text(ResultField.VARIANT_RECIPE);
            String kind = variantKind(variant);
            for (Map.Entry<String, ResultField> predictor : PREDICTORS.entrySet()) {
                Optional<Double> predicted = row.real(predictor.getValue());
                if (predicted.isEmpty() || !(predicted.get() > 0)) {
                    continue;
                }
                ErrorSummary.Cell cell = new ErrorSummary.Cell(row.text(ResultField.JOB_ID), device,
                        row.text(ResultField.MODEL_NAME), variant, kind, row.integer(ResultField.BATCH_SIZE),
                        row.integer(ResultField.THREADS), predicted.get(), p50.get());
                add(devices, device, predictor.getKey(), cell);
                add(kinds, kind, predictor.getKey(), cell);
            }
        }
        return new PredictionErrors(campaignId, rows.size(), measured, summaries(devices), summaries(kinds), ops);
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

    private static void add(Map<String, Map<String, List<ErrorSummary.Cell>>> groups, String group, String predictor,
                            ErrorSummary.Cell cell) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).computeIfAbsent(predictor, p -> new ArrayList<>())
                .add(cell);
    }

    private static List<ErrorSummary> summaries(Map<String, Map<String, List<ErrorSummary.Cell>>> groups) {
        List<ErrorSummary> out = new ArrayList<>();
        groups.forEach((group, byPredictor) -> PREDICTORS.keySet().forEach(predictor -> {
            List<ErrorSummary.Cell> cells = byPredictor.get(predictor);
            if (cells != null) {
                out.add(ErrorSummary.of(group, predictor, cells));
            }
        }));
        return out;
    }

    /** The JSON shape the CLI's {@code --json} and the HTTP API share. */
    public Map<String, Object> toMap() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("campaignId", campaignId);
        root.put("rows", rows);
        root.put("measured", measured);
        root.put("byDevice", byDevice.stream().map(s -> summary("device", s)).toList());
        root.put("byVariantKind", byVariantKind.stream().map(s -> summary("variantKind", s)).toList());
        double totalUs = byOpType.stream().mapToDouble(OpTypeShare::measuredUs).sum();
        double totalFlops = byOpType.stream().mapToDouble(OpTypeShare::flops).sum();
        root.put("byOpType", byOpType.stream().map(o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("opType", o.opType());
            m.put("measuredUs", o.measuredUs());
            m.put("timeShare", totalUs > 0 ? o.measuredUs() / totalUs : null);
            m.put("flops", o.flops());
            m.put("flopsShare", totalFlops > 0 ? o.flops() / totalFlops : null);
            return m;
        }).toList());
        return root;
    }

    private static Map<String, Object> summary(String groupKey, ErrorSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(groupKey, s.group());
        m.put("predictor", s.predictor());
        m.put("cells", s.cells());
        m.put("medianAbsErrorPct", s.medianAbsErrorPct());
        m.put("mapePct", s.mapePct());
        m.put("within10", s.within10());
        m.put("within25", s.within25());
        List<Map<String, Object>> worst = new ArrayList<>();
        for (ErrorSummary.Cell c : s.worst()) {
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("jobId", c.jobId());
            cell.put("model", c.model());
            cell.put("variant", c.variant());
            cell.put("batch", c.batch());
            cell.put("threads", c.threads());
            cell.put("predictedMs", c.predictedMs());
            cell.put("measuredMs", c.measuredMs());
            cell.put("errorPct", c.errorPct());
            worst.add(cell);
        }
        m.put("worst", worst);
        return m;
    }
}
