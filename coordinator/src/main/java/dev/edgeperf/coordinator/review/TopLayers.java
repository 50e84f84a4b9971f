package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoredLayers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's top layers: for each measured row at the campaign's smallest batch, its {@value #TOP} slowest
 * kernels by measured time (the agent's profiled pass), each with the predicted ms and MACs its lease stored for
 * the graph node. One batch keeps the section short enough to read in a pull request.
 */
final class TopLayers {
    /** Layers per row. */
    static final int TOP = 5;

    private TopLayers() {
    }

    /** One shown layer. */
    record Entry(ResultRecord row, int rank, StoredLayers.Layer layer, String predictor) {
    }

    static List<Entry> of(CampaignRows rows) {
        List<ResultRecord> measured = rows.measured();
        long batch = measured.stream().mapToLong(r -> r.integer(ResultField.BATCH_SIZE)).min().orElse(1);
        List<Entry> out = new ArrayList<>();
        for (ResultRecord r : measured) {
            StoredLayers stored = rows.layers().get(r.text(ResultField.JOB_ID));
            if (r.integer(ResultField.BATCH_SIZE) != batch || stored == null) {
                continue;
            }
            List<StoredLayers.Layer> top = stored.layers().stream()
                    .sorted(Comparator.comparingDouble(StoredLayers.Layer::meanUs).reversed()).limit(TOP).toList();
            for (int i = 0; i < top.size(); i++) {
                out.add(new Entry(r, i + 1, top.get(i), stored.predictor()));
            }
        }
        return out;
    }

    static ReviewReport.Table table(CampaignRows rows) {
        List<Entry> entries = of(rows);
        List<List<String>> out = new ArrayList<>();
        for (Entry e : entries) {
            StoredLayers.Layer l = e.layer();
            double measuredMs = l.meanUs() / 1000;
            out.add(List.of(e.row().text(ResultField.AGENT_NAME), e.row().text(ResultField.MODEL_NAME),
                    e.row().text(ResultField.VARIANT_RECIPE), String.valueOf(e.row().integer(ResultField.BATCH_SIZE)),
                    String.valueOf(e.rank()), l.node(), l.opType(), f(measuredMs),
                    l.predictedMs() == null ? "-" : f(l.predictedMs()) + " (" + e.predictor() + ")",
                    l.predictedMs() == null || !(l.predictedMs() > 0) ? "-"
                            : String.format(Locale.ROOT, "%.2fx", measuredMs / l.predictedMs()),
                    l.macs() == null ? "-" : String.format(Locale.ROOT, "%,d", l.macs())));
        }
        return new ReviewReport.Table("Top layers", "the " + TOP + " slowest kernels of each measured row at its"
                + " smallest batch: measured = mean ms per profiled run (ONNX Runtime profiler, a short pass after the"
                + " timed runs); predicted = the named predictor's ms for the graph node at lease time; MACs per batch"
                + " from the cost model; '-' = none stored for the node (a kernel ONNX Runtime inserted, or a node"
                + " fused into another)", List.of("device", "model", "variant", "batch", "#", "node", "kernel",
                "measured ms", "predicted ms", "measured/predicted", "MACs"), out);
    }

    /** The JSON form: one object per shown layer. */
    static List<Object> json(CampaignRows rows) {
        List<Object> out = new ArrayList<>();
        for (Entry e : of(rows)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobId", e.row().text(ResultField.JOB_ID));
            m.put("device", e.row().text(ResultField.AGENT_NAME));
            m.put("model", e.row().text(ResultField.MODEL_NAME));
            m.put("variant", e.row().text(ResultField.VARIANT_RECIPE));
            m.put("batch", e.row().integer(ResultField.BATCH_SIZE));
            m.put("rank", e.rank());
            m.put("node", e.layer().node());
            m.put("opType", e.layer().opType());
            m.put("measuredMs", e.layer().meanUs() / 1000);
            m.put("predictedMs", e.layer().predictedMs());
            m.put("predictor", e.layer().predictedMs() == null ? null : e.predictor());
            m.put("macs", e.layer().macs());
            out.add(m);
        }
        return out;
    }

    /** Three decimals from 1 ms, four down to 0.01 ms, then three significant digits (naive per-node figures are µs). */
    private static String f(double ms) {
        return String.format(Locale.ROOT, ms >= 1 ? "%.3f" : ms >= 0.01 || ms == 0 ? "%.4f" : "%.3g", ms);
    }
}
