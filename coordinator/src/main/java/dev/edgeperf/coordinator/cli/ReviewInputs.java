package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.grpc.ResultRows;
import dev.edgeperf.coordinator.review.CampaignRows;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoredLayers;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.ResultRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the review commands read from the coordinator, and their shared option parsing. */
final class ReviewInputs {
    private static final Pattern BUDGET = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)?");

    private ReviewInputs() {
    }

    /** The campaign's rows with their stored latency histograms. */
    static CampaignRows rows(CampaignStatus status) {
        List<ResultRecord> rows = new ArrayList<>();
        Map<String, byte[]> histograms = new LinkedHashMap<>();
        Map<String, StoredLayers> layers = new LinkedHashMap<>();
        for (ResultRow row : status.getRowsList()) {
            ResultRecord r = ResultRows.fromProto(row);
            rows.add(r);
            String job = r.text(ResultField.JOB_ID);
            if (!row.getLatencyHistogram().isEmpty()) {
                histograms.put(job, row.getLatencyHistogram().toByteArray());
            }
            if (row.getLayersCount() > 0) {
                layers.put(job, new StoredLayers(job, (int) r.integer(ResultField.ATTEMPT), row.getLayersList().stream()
                        .map(l -> new StoredLayers.Layer(l.getNode(), l.getOpType(), "", l.getInGraph(), l.getMeanUs(), 0,
                                l.hasMacs() ? l.getMacs() : null, l.hasPredictedMs() ? l.getPredictedMs() : null))
                        .toList(), row.getLayersPredictor()));
            }
        }
        return new CampaignRows(status.getCampaignId(), rows, histograms, layers);
    }

    /** "5ms", "500us", "0.5ms", "2s" or a bare number of ms -> ms. */
    static double budgetMs(String text) {
        Matcher m = BUDGET.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || !(Double.parseDouble(m.group(1)) > 0)) {
            throw EdgeperfException.userError("--latency-budget '" + text + "' is not a positive duration; expected e.g."
                    + " 5ms, 500us or 0.5s");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    /** @throws EdgeperfException USER_ERROR for a batch below 1 */
    static Integer batch(Integer batch) {
        if (batch != null && batch < 1) {
            throw EdgeperfException.userError("--batch must be >= 1, got " + batch);
        }
        return batch;
    }
}
