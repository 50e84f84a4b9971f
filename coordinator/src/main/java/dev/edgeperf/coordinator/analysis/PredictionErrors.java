package dev.edgeperf.coordinator.analysis;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.OpTypeShare;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.predict.LearnedPredictor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Predicted vs measured over a campaign's rows, per device × predictor and per variant kind ×
 * predictor. A cell is a done row with a measured median ({@link ResultField#P50_MS}) and the
 * predictor's stored prediction; rows without either are left out, never counted as 0. The
 * learned-from-campaigns predictor is judged leave-one-model-out ({@link #LEARNED_JUDGING}): its
 * stored figure is not used, each cell's is refitted without the cell's model on every stored
 * campaign of the cell's device.
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
        m.put(LearnedPredictor.NAME, ResultField.PREDICTED_LEARNED_MS);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** True when at least one cell had a prediction and a measurement. */
    public boolean hasCells() {
        return !byDevice.isEmpty();
    }

    /** Says how the learned predictor's figures in the analysis were made. */
    public static final String LEARNED_JUDGING = LearnedPredictor.NAME + " is judged leave-one-model-out: each cell's"
            + " correction is refitted without that cell's model (and its variants) on every stored campaign of its"
            + " device";

    public static PredictionErrors of(String campaignId, List<ResultRecord> rows) {
        return of(campaignId, rows, List.of());
    }

    /** The campaign's own rows are the only history of its devices. */
    public static PredictionErrors of(String campaignId, List<ResultRecord> rows, List<OpTypeShare> ops) {
        return of(campaignId, rows, ops, List.of());
    }

    /**
     * @param ops     the campaign's per op type measured time and FLOPs ({@code Store#opTypeShares})
     * @param history done rows of every stored campaign on the campaign's devices ({@code StoreReader#deviceResults}),
     *                for the leave-one-model-out figures; the campaign's own rows are added when missing
     */
    public static PredictionErrors of(String campaignId, List<ResultRecord> rows, List<OpTypeShare> ops,
                                      List<ResultRecord> history) {
        Map<String, LearnedCells.LeaveOneModelOut> lomo = leaveOneModelOut(rows, history);
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
                Optional<Double> predicted = predictor.getKey().equals(LearnedPredictor.NAME)
                        ? lomo.computeIfAbsent(device, d -> new LearnedCells.LeaveOneModelOut(List.of())).predictMs(row) : row.real(predictor.getValue());
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
        return dev.edgeperf.core.predict.learned.CampaignCell.variantKind(recipe);
    }

    /** Per device (agent name): its measured cells over {@code history} and the campaign's rows, each job once. */
    private static Map<String, LearnedCells.LeaveOneModelOut> leaveOneModelOut(List<ResultRecord> rows,
                                                                               List<ResultRecord> history) {
        Map<String, Map<String, ResultRecord>> byDevice = new HashMap<>();
        for (List<ResultRecord> list : List.of(history, rows)) {
            for (ResultRecord r : list) {
                if (r.get(ResultField.AGENT_NAME) != null && r.get(ResultField.JOB_ID) != null) {
                    byDevice.computeIfAbsent(r.text(ResultField.AGENT_NAME), d -> new LinkedHashMap<>())
                            .putIfAbsent(r.text(ResultField.JOB_ID), r);
                }
            }
        }
        Map<String, LearnedCells.LeaveOneModelOut> out = new HashMap<>();
        byDevice.forEach((d, jobs) -> out.put(d, new LearnedCells.LeaveOneModelOut(LearnedCells.measured(
                List.copyOf(jobs.values())))));
        return out;
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
        root.put("learnedJudging", LEARNED_JUDGING);
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
