package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every variant's speedup over its model's baseline on the same device, batch, threads and concurrency, with the
 * 95 % confidence interval and the "different or not" verdict of {@link dev.edgeperf.core.stats.Speedup} (bootstrap over the two stored
 * histograms). A pair without both histograms keeps the ratio of the medians and no interval.
 *
 * @param campaignId the campaign
 * @param rows       one per variant row that has a baseline to compare with
 */
public record Speedups(String campaignId, List<Row> rows) {
    /**
     * @param speedup baseline p50 / variant p50; &gt; 1 = the variant is faster
     * @param ciLow   95 % interval, low; null without both histograms
     * @param ciHigh  95 % interval, high; null as above
     * @param different the interval excludes 1; null as above
     */
    public record Row(String device, String model, String variant, int batch, int threads, double speedup, Double ciLow,
                      Double ciHigh, Boolean different, double baselineP50Ms, double variantP50Ms) {
    }

    public Speedups {
        rows = List.copyOf(rows);
    }

    /** @param batch only this batch, or null for every batch */
    public static Speedups of(CampaignRows rows, Integer batch) {
        Map<String, ResultRecord> baselines = new LinkedHashMap<>();
        List<ResultRecord> measured = rows.measured(null, batch);
        for (ResultRecord r : measured) {
            if (r.text(ResultField.VARIANT_RECIPE).equals(CampaignRows.BASELINE)) {
                baselines.putIfAbsent(key(r), r);
            }
        }
        List<Row> out = new ArrayList<>();
        for (ResultRecord r : measured) {
            ResultRecord base = baselines.get(key(r));
            if (base == null || base == r || r.text(ResultField.VARIANT_RECIPE).equals(CampaignRows.BASELINE)) {
                continue;
            }
            double b = base.real(ResultField.P50_MS).get();
            double v = r.real(ResultField.P50_MS).get();
            MedianRatio s = MedianRatio.of(rows.histogram(base), rows.histogram(r), b, v);
            out.add(new Row(r.text(ResultField.AGENT_NAME), r.text(ResultField.MODEL_NAME),
                    r.text(ResultField.VARIANT_RECIPE), (int) r.integer(ResultField.BATCH_SIZE),
                    (int) r.integer(ResultField.THREADS), s.ratio(), s.ciLow(), s.ciHigh(), s.different(), b, v));
        }
        return new Speedups(rows.campaignId(), out);
    }

    private static String key(ResultRecord r) {
        return r.text(ResultField.AGENT_NAME) + "\n" + r.text(ResultField.MODEL_NAME) + "\n"
                + r.integer(ResultField.BATCH_SIZE) + "\n" + r.integer(ResultField.THREADS) + "\n"
                + r.integer(ResultField.CONCURRENCY);
    }

    /** The API's JSON form: campaignId, rows[device, model, variant, batch, threads, speedup, ciLow, ciHigh, different]. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaignId", campaignId);
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("device", r.device());
            rm.put("model", r.model());
            rm.put("variant", r.variant());
            rm.put("batch", r.batch());
            rm.put("threads", r.threads());
            rm.put("speedup", r.speedup());
            rm.put("ciLow", r.ciLow());
            rm.put("ciHigh", r.ciHigh());
            rm.put("different", r.different());
            rs.add(rm);
        }
        m.put("rows", rs);
        return m;
    }
}
