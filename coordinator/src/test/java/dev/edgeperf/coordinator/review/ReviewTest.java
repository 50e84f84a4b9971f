package dev.edgeperf.coordinator.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.LatencyHistograms;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Pareto marks, recommendation and speedup pairing on hand-made rows. */
class ReviewTest {
    private static int ids;

    private static ResultRecord row(String agent, String variant, int batch, double p50, double ciLow, double ciHigh,
                                    double p99, long size, Double top1) {
        Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
        v.put(ResultField.JOB_ID, "job-" + ids++);
        v.put(ResultField.STATE, "done");
        v.put(ResultField.AGENT_NAME, agent);
        v.put(ResultField.BOARD, "x86-box");
        v.put(ResultField.SELECTOR, "all");
        v.put(ResultField.MODEL_NAME, "mnist-cnn");
        v.put(ResultField.VARIANT_RECIPE, variant);
        v.put(ResultField.BATCH_SIZE, (long) batch);
        v.put(ResultField.THREADS, 2L);
        v.put(ResultField.CONCURRENCY, 1L);
        v.put(ResultField.P50_MS, p50);
        v.put(ResultField.P50_CI95_LOW_MS, ciLow);
        v.put(ResultField.P50_CI95_HIGH_MS, ciHigh);
        v.put(ResultField.P99_MS, p99);
        v.put(ResultField.MODEL_SIZE_BYTES, size);
        if (top1 != null) {
            v.put(ResultField.ACCURACY_TOP1, top1);
        }
        return new ResultRecord(v);
    }

    // baseline: 2.0 ms, 99.0 %; int8: 1.0 ms, 98.9 %; pruned: 1.2 ms, 69 % (dominated by int8); fp16: 2.5 ms, 99.0 %
    private static List<ResultRecord> campaign() {
        return List.of(row("pi-1", "baseline", 1, 2.0, 1.9, 2.1, 5.0, 400_000, 0.990),
                row("pi-1", "quantized:int8-static", 1, 1.0, 0.95, 1.05, 1.5, 110_000, 0.989),
                row("pi-1", "pruned:structured:0.5", 1, 1.2, 1.1, 1.3, 1.4, 200_000, 0.690),
                row("pi-1", "quantized:fp16", 1, 2.5, 2.4, 2.6, 3.0, 200_000, 0.990));
    }

    private static Map<String, Boolean> marks(ParetoFront f) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        f.devices().get(0).points().forEach(p -> m.put(p.variant(), p.paretoOptimal()));
        return m;
    }

    @Test
    void paretoMarksByHandOnEachMetric() {
        CampaignRows rows = new CampaignRows("c1", campaign(), Map.of());
        ParetoFront p50 = ParetoFront.of(rows, ParetoFront.Metric.P50, null, 1);
        assertThat(p50.quality()).isEqualTo("top1");
        // int8 is fastest; baseline is the most accurate at the lowest latency among the 0.990s; pruned and fp16 lose
        assertThat(marks(p50)).containsExactly(Map.entry("quantized:int8-static", true),
                Map.entry("pruned:structured:0.5", false), Map.entry("baseline", true), Map.entry("quantized:fp16", false));
        // on p99 pruned (1.4) is the fastest: it joins the front; fp16 (3.0, 0.990) beats the baseline (5.0, 0.990)
        assertThat(marks(ParetoFront.of(rows, ParetoFront.Metric.P99, null, 1))).containsEntry("pruned:structured:0.5", true)
                .containsEntry("quantized:fp16", true).containsEntry("baseline", false);
        // on size fp16 (200,000 bytes, 0.990) beats the baseline (400,000, 0.990); pruned (200,000, 0.69) is dominated
        assertThat(marks(ParetoFront.of(rows, ParetoFront.Metric.SIZE, null, 1))).containsEntry("quantized:fp16", true)
                .containsEntry("baseline", false).containsEntry("pruned:structured:0.5", false)
                .containsEntry("quantized:int8-static", true);
        Map<String, Object> json = p50.toJson();
        assertThat(json).containsEntry("metric", "p50").containsEntry("quality", "top1").containsKey("devices");
    }

    @Test
    void withoutAccuracyTheQualityIsFidelity() {
        List<ResultRecord> rows = new ArrayList<>();
        for (ResultRecord r : campaign()) {
            Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
            ResultField.all().forEach(f -> {
                if (r.get(f) != null && f != ResultField.ACCURACY_TOP1) {
                    v.put(f, r.get(f));
                }
            });
            if (!r.text(ResultField.VARIANT_RECIPE).equals("baseline")) {
                v.put(ResultField.FIDELITY_COSINE, r.real(ResultField.ACCURACY_TOP1).get());
            }
            rows.add(new ResultRecord(v));
        }
        ParetoFront f = ParetoFront.of(new CampaignRows("c1", rows, Map.of()), ParetoFront.Metric.P50, "pi-1", null);
        assertThat(f.quality()).isEqualTo("fidelity_cosine");
        assertThat(f.devices().get(0).points()).filteredOn(p -> p.variant().equals("baseline"))
                .singleElement().satisfies(p -> assertThat(p.quality()).isEqualTo(1.0));
    }

    @Test
    void recommendPicksTheMostAccurateThatFitsWithItsRunnerUp() {
        CampaignRows rows = new CampaignRows("c1", campaign(), Map.of());
        Recommendation r = Recommendation.of(rows, "pi-1", 2.2, 0.98, null);
        assertThat(r.met()).isTrue();
        assertThat(r.batch()).isEqualTo(1);
        // baseline (CI high 2.1 <= 2.2, 0.990) beats int8 (0.989); fp16 does not fit (2.6 > 2.2); pruned is below 0.98
        assertThat(r.best().variant()).isEqualTo("baseline");
        assertThat(r.runnerUp().variant()).isEqualTo("quantized:int8-static");
        assertThat(r.runnerUpReason()).isEqualTo("lower top1 (0.9890 vs 0.9900)");
        assertThat(r.notes()).anyMatch(n -> n.contains("pruned:structured:0.5") && n.contains("below the minimum"));
        assertThat(r.text()).contains("recommend on pi-1").contains("median 2.0000 ms [95% CI 1.9000, 2.1000]");

        Recommendation tight = Recommendation.of(rows, "board=x86-box", 1.06, 0.98, 1);
        assertThat(tight.best().variant()).isEqualTo("quantized:int8-static");
        // a CI upper end over the budget does not fit even when the median is under it
        Recommendation edge = Recommendation.of(rows, "pi-1", 1.02, null, 1);
        assertThat(edge.met()).isFalse();
        assertThat(edge.closest().variant()).isEqualTo("quantized:int8-static");
        assertThat(edge.text()).startsWith("no variant meets 1.0200 ms per batch (batch 1) on pi-1; closest:"
                + " mnist-cnn quantized:int8-static");
    }

    @Test
    void recommendRefusesBadInput() {
        CampaignRows rows = new CampaignRows("c1", campaign(), Map.of());
        assertThatThrownBy(() -> Recommendation.of(rows, "pi-9", 5, null, null)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("has no measured result on device 'pi-9'; it has devices [pi-1]");
        assertThatThrownBy(() -> Recommendation.of(rows, "pi-1", 5, 1.5, null)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("--min-accuracy must be a fraction in [0, 1]");
        assertThatThrownBy(() -> Recommendation.of(rows, "pi-1", 5, null, 4)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("at batch 4");
    }

    @Test
    void speedupsPairEachVariantWithItsBaselineAndUseTheHistograms() {
        List<ResultRecord> rows = campaign();
        Map<String, byte[]> histograms = new LinkedHashMap<>();
        histograms.put(rows.get(0).text(ResultField.JOB_ID), hist(2_000_000));
        histograms.put(rows.get(1).text(ResultField.JOB_ID), hist(1_000_000));
        Speedups s = Speedups.of(new CampaignRows("c1", rows, histograms), null);
        assertThat(s.rows()).hasSize(3);
        Speedups.Row int8 = s.rows().stream().filter(r -> r.variant().equals("quantized:int8-static")).findFirst()
                .orElseThrow();
        assertThat(int8.speedup()).isBetween(1.99, 2.01);
        assertThat(int8.ciLow()).isLessThan(int8.speedup());
        assertThat(int8.different()).isTrue();
        Speedups.Row fp16 = s.rows().stream().filter(r -> r.variant().equals("quantized:fp16")).findFirst().orElseThrow();
        // no histograms: the ratio of the medians, no interval
        assertThat(fp16.speedup()).isEqualTo(2.0 / 2.5);
        assertThat(fp16.ciLow()).isNull();
        assertThat(fp16.different()).isNull();
    }

    @Test
    void comparisonDividesBsMedianByAsPerMatchingCellWithTheIntervalFromTheHistograms() {
        List<ResultRecord> a = campaign();
        List<ResultRecord> b = List.of(row("pi-1", "baseline", 1, 4.0, 3.9, 4.1, 6.0, 400_000, 0.990),
                row("pi-1", "quantized:int8-static", 1, 1.0, 0.95, 1.05, 1.5, 110_000, 0.989),
                row("pi-1", "quantized:fp16", 1, 2.0, 1.9, 2.1, 3.0, 200_000, 0.990),
                row("pi-2", "baseline", 1, 2.0, 1.9, 2.1, 5.0, 400_000, 0.990));
        Map<String, byte[]> ha = new LinkedHashMap<>();
        ha.put(a.get(0).text(ResultField.JOB_ID), hist(2_000_000));
        ha.put(a.get(1).text(ResultField.JOB_ID), hist(1_000_000));
        Map<String, byte[]> hb = new LinkedHashMap<>();
        hb.put(b.get(0).text(ResultField.JOB_ID), hist(4_000_000));
        hb.put(b.get(1).text(ResultField.JOB_ID), hist(1_000_000));
        CampaignComparison c = CampaignComparison.of(new CampaignRows("A", a, ha), new CampaignRows("B", b, hb));
        // pruned is only in A, pi-2 only in B: three matching cells, by variant
        assertThat(c.rows()).extracting(CampaignComparison.Row::variant)
                .containsExactly("baseline", "quantized:fp16", "quantized:int8-static");
        CampaignComparison.Row slower = c.rows().get(0);
        assertThat(slower.ratio()).isBetween(1.99, 2.01);
        assertThat(slower.ciLow()).isGreaterThan(1).isLessThanOrEqualTo(slower.ratio());
        assertThat(slower.different()).isTrue();
        CampaignComparison.Row same = c.rows().get(2);
        assertThat(same.ratio()).isEqualTo(1.0);
        assertThat(same.ciLow()).isLessThanOrEqualTo(1.0);
        assertThat(same.ciHigh()).isGreaterThanOrEqualTo(1.0);
        assertThat(same.different()).isFalse();
        // no histograms: the ratio of the stored medians, no interval
        CampaignComparison.Row fp16 = c.rows().get(1);
        assertThat(fp16.ratio()).isEqualTo(2.0 / 2.5);
        assertThat(fp16.ciLow()).isNull();
        assertThat(fp16.different()).isNull();
        assertThat(c.toJson().get("rows")).asList().hasSize(3);
    }

    @Test
    void reportHasEverySectionAndNoExternalUrl() {
        CampaignRows rows = new CampaignRows("c1", campaign(), Map.of());
        ReviewReport report = new ReviewReport("demo", "done", rows,
                List.of(new ReviewReport.FleetEntry("pi-1", "x86-box", "x86_64", "cpu", "1.20", true)));
        String md = report.render("md");
        assertThat(md).contains("## Fleet", "## Variants", "## Speedup vs baseline", "## Pareto: top1 vs p50",
                "## Predicted vs measured", "## Provenance", "| pi-1 | x86-box |", "99.00%", "69.00%");
        String html = report.render("html");
        assertThat(html).contains("<svg", "data-pareto=\"true\"").doesNotContain("src=\"http", "href=\"http");
        assertThat(report.render("json")).contains("\"pareto\"", "\"accuracyTop1\" : 0.69");
        assertThatThrownBy(() -> report.render("pdf")).hasMessage("--format must be html, md or json, got 'pdf'");
    }

    @Test
    void reportShowsTheCostModelsMacsAndTheTopLayersMeasuredVsPredicted() {
        List<ResultRecord> rows = new ArrayList<>();
        for (ResultRecord r : campaign()) {
            Map<ResultField, Object> v = new EnumMap<>(ResultField.class);
            for (ResultField f : ResultField.values()) {
                if (r.get(f) != null) {
                    v.put(f, r.get(f));
                }
            }
            v.put(ResultField.FLOPS, 2_000_000L);
            v.put(ResultField.MACS, 987_654L); // not FLOPs / 2: pooling and activations count FLOPs, no MACs
            rows.add(new ResultRecord(v));
        }
        String job = rows.get(0).text(ResultField.JOB_ID);
        List<dev.edgeperf.coordinator.store.StoredLayers.Layer> layers = new ArrayList<>();
        layers.add(new dev.edgeperf.coordinator.store.StoredLayers.Layer("conv1", "FusedConv", "Conv", true, 900, 5,
                456_789L, 0.3));
        layers.add(new dev.edgeperf.coordinator.store.StoredLayers.Layer("ReorderOutput", "ReorderOutput", "", false,
                50, 5, null, null));
        for (int i = 0; i < 6; i++) {
            layers.add(new dev.edgeperf.coordinator.store.StoredLayers.Layer("relu" + i, "Relu", "Relu", true, 10 + i, 5,
                    0L, 0.001));
        }
        CampaignRows withLayers = new CampaignRows("c1", rows, Map.of(), Map.of(job,
                new dev.edgeperf.coordinator.store.StoredLayers(job, 1, layers, "roofline")));
        ReviewReport report = new ReviewReport("demo", "done", withLayers, List.of());
        String md = report.render("md");
        assertThat(md).contains("| mnist-cnn | baseline | 400,000 | 987,654 |").doesNotContain("1,000,000");
        assertThat(md).contains("## Top layers",
                "| pi-1 | mnist-cnn | baseline | 1 | 1 | conv1 | FusedConv | 0.9000 | 0.3000 (roofline) | 3.00x | 456,789 |",
                "| pi-1 | mnist-cnn | baseline | 1 | 2 | ReorderOutput | ReorderOutput | 0.0500 | - | - | - |",
                "| 3 | relu5 | Relu | 0.0150 | 0.00100 (roofline) | 15.00x | 0 |", "| 5 | relu3 |")
                .as("the top 5 only").doesNotContain("relu2 |");
        assertThat(report.render("json")).contains("\"topLayers\"", "\"macs\" : 456789", "\"predictor\" : \"roofline\"");
    }

    private static byte[] hist(long center) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < 500; i++) {
            h.recordValue(center + (i - 250) * center / 5000);
        }
        return LatencyHistograms.encode(h);
    }
}
