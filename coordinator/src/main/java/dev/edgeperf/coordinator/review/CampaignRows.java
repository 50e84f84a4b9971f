package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoredLayers;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.LatencyHistograms;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * A campaign's ended rows and the stored compute-latency histograms of the done ones: what every review view
 * reads.
 *
 * @param campaignId the campaign
 * @param rows       its ended rows (done, failed, cancelled)
 * @param histograms job id -> compressed HdrHistogram (ns) of its latest result; a job may have none
 * @param layers     job id -> measured layers of its latest result with their stored estimates; a job may have none
 */
public record CampaignRows(String campaignId, List<ResultRecord> rows, Map<String, byte[]> histograms,
                           Map<String, StoredLayers> layers) {
    /** The baseline recipe's text. */
    static final String BASELINE = "baseline";

    public CampaignRows {
        Objects.requireNonNull(campaignId, "campaignId is null");
        rows = List.copyOf(rows);
        histograms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
        layers = Map.copyOf(layers);
    }

    /** Without layers (the views that need none). */
    public CampaignRows(String campaignId, List<ResultRecord> rows, Map<String, byte[]> histograms) {
        this(campaignId, rows, histograms, Map.of());
    }

    /** Whether any done row has a measured median. */
    public boolean hasMeasurements() {
        return !measured().isEmpty();
    }

    /** The done rows with a measured median. */
    List<ResultRecord> measured() {
        return rows.stream().filter(r -> r.state() == JobState.DONE && r.real(ResultField.P50_MS).isPresent()).toList();
    }

    /** The done rows of {@code device} at {@code batch} (null = any). */
    List<ResultRecord> measured(String device, Integer batch) {
        return measured().stream().filter(r -> device == null || matches(device, r))
                .filter(r -> batch == null || r.integer(ResultField.BATCH_SIZE) == batch).toList();
    }

    /** The decoded histogram of a row's job, if stored. */
    Optional<Histogram> histogram(ResultRecord r) {
        byte[] h = histograms.get(r.text(ResultField.JOB_ID));
        if (h == null || h.length == 0) {
            return Optional.empty();
        }
        Histogram decoded = LatencyHistograms.decode(h);
        return decoded.getTotalCount() == 0 ? Optional.empty() : Optional.of(decoded);
    }

    /**
     * Whether a row was measured on {@code device}: its agent's name, {@code name=AGENT}, {@code board=BOARD},
     * or the selector the job was planned for.
     */
    static boolean matches(String device, ResultRecord r) {
        String d = device.strip();
        String agent = r.text(ResultField.AGENT_NAME);
        String board = r.get(ResultField.BOARD) == null ? null : r.text(ResultField.BOARD);
        String selector = r.text(ResultField.SELECTOR);
        return d.equals(agent) || d.equals("name=" + agent) || (board != null && d.equals("board=" + board))
                || d.equals(selector);
    }

    /** @throws EdgeperfException USER_ERROR when no done row was measured on {@code device} (at {@code batch}) */
    List<ResultRecord> require(String device, Integer batch) {
        List<ResultRecord> rows = measured(device, batch);
        if (rows.isEmpty()) {
            List<String> agents = measured().stream().map(r -> r.text(ResultField.AGENT_NAME)).distinct().toList();
            List<Long> batches = measured().stream().map(r -> r.integer(ResultField.BATCH_SIZE)).distinct().sorted()
                    .toList();
            throw EdgeperfException.userError("campaign " + campaignId + " has no measured result"
                    + (device == null ? "" : " on device '" + device + "'") + (batch == null ? "" : " at batch " + batch)
                    + "; it has devices " + agents + " (a name, name=AGENT, board=BOARD or a selector) and batches "
                    + batches);
        }
        return rows;
    }

    /** The batch to review when none is given: 1 if measured, else the smallest. */
    int defaultBatch(String device) {
        List<Long> batches = require(device, null).stream().map(r -> r.integer(ResultField.BATCH_SIZE)).distinct()
                .sorted().toList();
        return batches.contains(1L) ? 1 : batches.get(0).intValue();
    }

    /**
     * The quality axis: {@code top1} when every measured row has its accuracy on evaluation data, else
     * {@code fidelity_cosine} (cosine to the baseline's outputs; the baseline is 1).
     */
    String qualityKind() {
        List<ResultRecord> m = measured();
        return !m.isEmpty() && m.stream().allMatch(r -> r.real(ResultField.ACCURACY_TOP1).isPresent()) ? "top1"
                : "fidelity_cosine";
    }

    /** A row's quality on {@code kind}'s axis, 0..1; empty when the row has none. */
    static Optional<Double> quality(ResultRecord r, String kind) {
        if (kind.equals("top1")) {
            return r.real(ResultField.ACCURACY_TOP1);
        }
        Optional<Double> q = r.real(ResultField.EVAL_FIDELITY_COSINE).or(() -> r.real(ResultField.FIDELITY_COSINE));
        return q.isPresent() || !r.text(ResultField.VARIANT_RECIPE).equals(BASELINE) ? q : Optional.of(1.0);
    }

    /** Per (model, variant), the row with the lowest median among its thread and concurrency settings. */
    static List<ResultRecord> bestSetting(List<ResultRecord> rows) {
        Map<String, ResultRecord> best = new LinkedHashMap<>();
        for (ResultRecord r : rows) {
            String key = r.text(ResultField.AGENT_NAME) + "\n" + r.integer(ResultField.BATCH_SIZE) + "\n"
                    + r.text(ResultField.MODEL_NAME) + "\n" + r.text(ResultField.VARIANT_RECIPE);
            best.merge(key, r, (a, b) -> b.real(ResultField.P50_MS).get() < a.real(ResultField.P50_MS).get() ? b : a);
        }
        return List.copyOf(best.values());
    }
}
