package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The variant to ship on one device at one batch under a latency budget: of the variants whose median's 95 %
 * confidence interval lies wholly within the budget (its upper end ≤ budget, so the fit is not luck) and whose
 * quality reaches the minimum, the one of highest quality (top-1 accuracy, or fidelity without labels), a tie
 * going to the lower median. The runner-up is the next in that order, with why it lost. When no variant fits,
 * {@code best} is null and {@code closest} is the variant nearest the budget (lowest CI upper end) among those
 * that reach the minimum quality, or among all when none does.
 *
 * @param budgetMs    compute latency per batch, ms
 * @param minQuality  minimum quality, 0..1, or null
 * @param quality     {@code top1} or {@code fidelity_cosine}
 * @param candidates  every variant measured there, fastest first
 * @param notes       one line per faster variant that was passed over, with why
 */
public record Recommendation(String campaignId, String device, int batch, double budgetMs, Double minQuality,
                             String quality, Candidate best, Candidate runnerUp, String runnerUpReason,
                             Candidate closest, List<Candidate> candidates, List<String> notes) {
    /**
     * @param p50Ms     median compute latency per batch, ms
     * @param ciLowMs   its 95 % CI, low (the median itself when the agent sent none)
     * @param ciHighMs  its 95 % CI, high (likewise)
     * @param quality   on the recommendation's quality axis, 0..1
     * @param fits      within the budget and at the minimum quality
     */
    public record Candidate(String model, String variant, int threads, double p50Ms, double ciLowMs, double ciHighMs,
                            double quality, long sizeBytes, boolean fits) {
    }

    public Recommendation {
        candidates = List.copyOf(candidates);
        notes = List.copyOf(notes);
    }

    /** True when a variant fits. */
    public boolean met() {
        return best != null;
    }

    /**
     * @param batch the batch, or null for {@link CampaignRows#defaultBatch}
     * @throws EdgeperfException USER_ERROR for a device or batch with no measured result, a budget that is not
     *         positive, or a minimum accuracy asked of a campaign without evaluation data
     */
    public static Recommendation of(CampaignRows rows, String device, double budgetMs, Double minQuality,
                                    Integer batch) {
        if (!(budgetMs > 0) || Double.isInfinite(budgetMs)) {
            throw EdgeperfException.userError("--latency-budget must be a positive duration, e.g. 5ms, got " + budgetMs
                    + " ms");
        }
        if (minQuality != null && !(minQuality >= 0 && minQuality <= 1)) {
            throw EdgeperfException.userError("--min-accuracy must be a fraction in [0, 1] (e.g. 0.98), got " + minQuality);
        }
        String quality = rows.qualityKind();
        if (minQuality != null && !quality.equals("top1")) {
            throw EdgeperfException.userError("--min-accuracy needs accuracy, but campaign " + rows.campaignId()
                    + " has no evaluation data for every result (submit it with --evaluation or spec evaluation:)");
        }
        int b = batch != null ? batch : rows.defaultBatch(device);
        List<Candidate> all = new ArrayList<>();
        for (ResultRecord r : CampaignRows.bestSetting(rows.require(device, b))) {
            Optional<Double> q = CampaignRows.quality(r, quality);
            if (q.isEmpty()) {
                continue;
            }
            double p50 = r.real(ResultField.P50_MS).get();
            double high = r.real(ResultField.P50_CI95_HIGH_MS).orElse(p50);
            boolean fits = high <= budgetMs && (minQuality == null || q.get() >= minQuality);
            all.add(new Candidate(r.text(ResultField.MODEL_NAME), r.text(ResultField.VARIANT_RECIPE),
                    (int) r.integer(ResultField.THREADS), p50, r.real(ResultField.P50_CI95_LOW_MS).orElse(p50), high,
                    q.get(), r.integer(ResultField.MODEL_SIZE_BYTES), fits));
        }
        all.sort(Comparator.comparingDouble(Candidate::p50Ms));
        Comparator<Candidate> order = Comparator.comparingDouble(Candidate::quality).reversed()
                .thenComparingDouble(Candidate::p50Ms);
        List<Candidate> fitting = all.stream().filter(Candidate::fits).sorted(order).toList();
        Candidate best = fitting.isEmpty() ? null : fitting.get(0);
        Candidate runnerUp = fitting.size() > 1 ? fitting.get(1) : null;
        String reason = runnerUp == null ? null : runnerUp.quality() < best.quality()
                ? String.format(Locale.ROOT, "lower %s (%.4f vs %.4f)", quality, runnerUp.quality(), best.quality())
                : String.format(Locale.ROOT, "same %s, slower median (%.4f ms vs %.4f ms)", quality, runnerUp.p50Ms(),
                        best.p50Ms());
        List<String> notes = new ArrayList<>();
        for (Candidate c : all) {
            if (best != null && c.p50Ms() >= best.p50Ms()) {
                break;
            }
            if (c.ciHighMs() > budgetMs) {
                notes.add(String.format(Locale.ROOT, "%s %s: median CI upper end %.4f ms is over the %.4f ms budget",
                        c.model(), c.variant(), c.ciHighMs(), budgetMs));
            } else if (minQuality != null && c.quality() < minQuality) {
                notes.add(String.format(Locale.ROOT, "%s %s: faster (%.4f ms) but %s %.4f is below the minimum %.4f",
                        c.model(), c.variant(), c.p50Ms(), quality, c.quality(), minQuality));
            } else if (best != null && c != best) {
                notes.add(String.format(Locale.ROOT, "%s %s: faster (%.4f ms) but lower %s (%.4f vs %.4f)", c.model(),
                        c.variant(), c.p50Ms(), quality, c.quality(), best.quality()));
            }
        }
        Candidate closest = null;
        if (best == null && !all.isEmpty()) {
            List<Candidate> good = all.stream().filter(c -> minQuality == null || c.quality() >= minQuality).toList();
            closest = (good.isEmpty() ? all : good).stream().min(Comparator.comparingDouble(Candidate::ciHighMs))
                    .orElseThrow();
        }
        return new Recommendation(rows.campaignId(), device, b, budgetMs, minQuality, quality, best, runnerUp, reason,
                closest, all, notes);
    }

    /** The human answer: the best variant with its evidence, or that none fits and the closest. */
    public String text() {
        StringBuilder s = new StringBuilder();
        String budget = String.format(Locale.ROOT, "%.4f ms per batch (batch %d)%s", budgetMs, batch,
                minQuality == null ? "" : String.format(Locale.ROOT, ", %s >= %.4f", quality, minQuality));
        if (best != null) {
            s.append(String.format(Locale.ROOT, "recommend on %s within %s: %s %s%n", device, budget, best.model(),
                    best.variant()));
            s.append("  evidence: ").append(evidence(best)).append('\n');
            if (runnerUp != null) {
                s.append(String.format(Locale.ROOT, "  runner-up: %s %s, %s; lost on %s%n", runnerUp.model(),
                        runnerUp.variant(), evidence(runnerUp), runnerUpReason));
            } else {
                s.append("  runner-up: none (no other variant fits)\n");
            }
        } else {
            s.append(String.format(Locale.ROOT, "no variant meets %s on %s", budget, device));
            if (closest != null) {
                s.append(String.format(Locale.ROOT, "; closest: %s %s, %s (%.2fx the budget)", closest.model(),
                        closest.variant(), evidence(closest), closest.ciHighMs() / budgetMs));
            }
            s.append('\n');
        }
        notes.forEach(n -> s.append("  passed over: ").append(n).append('\n'));
        return s.toString();
    }

    private String evidence(Candidate c) {
        return String.format(Locale.ROOT, "median %.4f ms [95%% CI %.4f, %.4f], %s %.4f, %,d bytes", c.p50Ms(),
                c.ciLowMs(), c.ciHighMs(), quality, c.quality(), c.sizeBytes());
    }

    /** JSON form for {@code recommend --json}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaignId", campaignId);
        m.put("device", device);
        m.put("batch", batch);
        m.put("latencyBudgetMs", budgetMs);
        m.put("minAccuracy", minQuality);
        m.put("quality", quality);
        m.put("met", met());
        m.put("best", best);
        m.put("runnerUp", runnerUp);
        m.put("runnerUpReason", runnerUpReason);
        m.put("closest", closest);
        m.put("candidates", candidates);
        m.put("notes", notes);
        return m;
    }
}
