package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two campaigns side by side (a regression check between engine versions or builds): for every cell both
 * measured (same device, model, variant, batch, threads and concurrency), B's median over A's with the 95 %
 * confidence interval and the "different or not" verdict of {@link dev.edgeperf.core.stats.Speedup},
 * bootstrapped from the two stored histograms ({@link MedianRatio} with B as the reference: median(B) /
 * median(A), above 1 = B is slower). A cell without both histograms keeps the ratio of the stored medians
 * and no interval.
 *
 * @param a    campaign A's id
 * @param b    campaign B's id
 * @param rows one per matching cell, ordered by device, model, variant, batch, threads
 */
public record CampaignComparison(String a, String b, List<Row> rows) {
    /**
     * @param ratio     B p50 / A p50; &gt; 1 = B is slower
     * @param ciLow     95 % interval of the ratio, low; null without both histograms
     * @param ciHigh    95 % interval, high; null as above
     * @param different the interval excludes 1; null as above
     */
    public record Row(String device, String model, String variant, int batch, int threads, int concurrency,
                      double aP50Ms, double bP50Ms, double ratio, Double ciLow, Double ciHigh, Boolean different) {
    }

    public CampaignComparison {
        rows = List.copyOf(rows);
    }

    public static CampaignComparison of(CampaignRows a, CampaignRows b) {
        Map<String, ResultRecord> inB = new LinkedHashMap<>();
        for (ResultRecord r : b.measured()) {
            inB.putIfAbsent(key(r), r);
        }
        List<Row> out = new ArrayList<>();
        Map<String, ResultRecord> inA = new java.util.TreeMap<>();
        for (ResultRecord r : a.measured()) {
            inA.putIfAbsent(key(r), r);
        }
        inA.forEach((key, ra) -> {
            ResultRecord rb = inB.get(key);
            if (rb == null) {
                return;
            }
            double pa = ra.real(ResultField.P50_MS).get();
            double pb = rb.real(ResultField.P50_MS).get();
            // B is the reference: median(B) / median(A)
            MedianRatio s = MedianRatio.of(b.histogram(rb), a.histogram(ra), pb, pa);
            out.add(new Row(ra.text(ResultField.AGENT_NAME), ra.text(ResultField.MODEL_NAME),
                    ra.text(ResultField.VARIANT_RECIPE), (int) ra.integer(ResultField.BATCH_SIZE),
                    (int) ra.integer(ResultField.THREADS), (int) ra.integer(ResultField.CONCURRENCY), pa, pb,
                    s.ratio(), s.ciLow(), s.ciHigh(), s.different()));
        });
        return new CampaignComparison(a.campaignId(), b.campaignId(), out);
    }

    /** Sorts as the table reads: device, model, variant, then batch and threads numerically. */
    private static String key(ResultRecord r) {
        return String.join("\n", r.text(ResultField.AGENT_NAME), r.text(ResultField.MODEL_NAME),
                r.text(ResultField.VARIANT_RECIPE), String.format("%08d", r.integer(ResultField.BATCH_SIZE)),
                String.format("%08d", r.integer(ResultField.THREADS)),
                String.format("%08d", r.integer(ResultField.CONCURRENCY)));
    }

    /** The API's JSON form: a, b, rows[device, model, variant, batch, threads, concurrency, aP50Ms, bP50Ms, ratio,
     *  ciLow, ciHigh, different]. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("device", r.device());
            rm.put("model", r.model());
            rm.put("variant", r.variant());
            rm.put("batch", r.batch());
            rm.put("threads", r.threads());
            rm.put("concurrency", r.concurrency());
            rm.put("aP50Ms", r.aP50Ms());
            rm.put("bP50Ms", r.bP50Ms());
            rm.put("ratio", r.ratio());
            rm.put("ciLow", r.ciLow());
            rm.put("ciHigh", r.ciHigh());
            rm.put("different", r.different());
            rs.add(rm);
        }
        m.put("rows", rs);
        return m;
    }
}
