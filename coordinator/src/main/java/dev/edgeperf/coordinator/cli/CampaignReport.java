package dev.edgeperf.coordinator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgeperf.coordinator.grpc.ResultRows;
import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.ResultRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a campaign's status as a human table or as JSON. */
final class CampaignReport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CampaignReport() {
    }

    static String table(CampaignStatus status) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "campaign %s (%s): %s, %d of %d jobs done, %d failed%s%n",
                status.getCampaignId(), status.getName(), state(status), status.getJobsDone(),
                status.getJobsTotal(), status.getJobsFailed(),
                status.getJobsCancelled() > 0 ? ", " + status.getJobsCancelled() + " cancelled" : ""));
        TextTable table = new TextTable("agent", "model", "variant", ">batch", ">threads", ">FLOPs", ">predicted ms",
                ">measured p50 ms", ">measured/predicted", ">throughput (samples/s)", ">cosine", ">SQNR dB", "calibration",
                ">top-1", "state");
        for (ResultRow row : status.getRowsList()) {
            ResultRecord r = ResultRows.fromProto(row);
            boolean done = r.state() == JobState.DONE;
            table.add(r.text(ResultField.AGENT_NAME), r.text(ResultField.MODEL_NAME),
                    variant(r), r.integer(ResultField.BATCH_SIZE), threads(r),
                    String.format(Locale.ROOT, "%,d", r.integer(ResultField.FLOPS)),
                    r.real(ResultField.PREDICTED_MS).map(v -> fmt(v, 4)).orElse("-"),
                    r.real(ResultField.P50_MS).map(v -> fmt(v, 4)).orElse("-"),
                    r.real(ResultField.MEASURED_OVER_PREDICTED).map(v -> fmt(v, 2) + "x").orElse("-"),
                    r.real(ResultField.THROUGHPUT_SAMPLES_PER_S).map(v -> fmt(v, 1)).orElse("-"),
                    r.real(ResultField.FIDELITY_COSINE).map(v -> fmt(v, 4)).orElse("-"),
                    r.real(ResultField.FIDELITY_SQNR_DB).map(v -> fmt(v, 1)).orElse("-"),
                    r.get(ResultField.CALIBRATION) != null ? r.text(ResultField.CALIBRATION) : "-",
                    r.real(ResultField.ACCURACY_TOP1).map(v -> String.format(Locale.ROOT, "%.2f%%", 100 * v)).orElse("-"),
                    done ? "done" : r.state() + ": " + r.text(ResultField.FAILURE_REASON));
        }
        out.append(table.render());
        if (!status.getWaitingReason().isEmpty()) {
            out.append(status.getWaitingReason()).append('\n');
        }
        return out.toString();
    }

    /** The recipe, marked "(no-op)" when it changed nothing, so the row never reads as the recipe's measurement. */
    static String variant(ResultRecord r) {
        return Boolean.TRUE.equals(r.get(ResultField.VARIANT_NOOP)) ? r.text(ResultField.VARIANT_RECIPE) + " (no-op)"
                : r.text(ResultField.VARIANT_RECIPE);
    }

    /** One line per input a fixed-batch model was rebatched on at submit, from its preparation's message. */
    static List<String> rebatchedLines(CampaignStatus status) {
        return java.util.Arrays.stream(status.getPreparationMessage().split("; "))
                .filter(p -> p.startsWith(dev.edgeperf.coordinator.store.PreparationQueries.REBATCHED_PREFIX)).toList();
    }

    /**
     * One line per no-op variant of a prepared campaign, e.g. "no-op: keras-mlp pruned:structured:0.5 (no Conv
     * to prune)", from the message its preparation left, and from its rows (each variant once).
     */
    static List<String> noopLines(CampaignStatus status) {
        java.util.Set<String> lines = new java.util.LinkedHashSet<>();
        for (String part : status.getPreparationMessage().split("; ")) {
            if (part.startsWith(dev.edgeperf.coordinator.store.PreparationQueries.NOOP_PREFIX)) {
                lines.add(part);
            }
        }
        for (ResultRow row : status.getRowsList()) {
            ResultRecord r = ResultRows.fromProto(row);
            String part = dev.edgeperf.coordinator.store.PreparationQueries.NOOP_PREFIX + r.text(ResultField.MODEL_NAME)
                    + " " + r.text(ResultField.VARIANT_RECIPE) + " (" + r.text(ResultField.VARIANT_NOOP_REASON) + ")";
            if (Boolean.TRUE.equals(r.get(ResultField.VARIANT_NOOP))) {
                lines.add(part);
            }
        }
        return List.copyOf(lines);
    }

    /** What a just-submitted campaign will do, e.g. "preparing 3 variant(s)" or "4 jobs". */
    static String submitted(CampaignStatus status) {
        return status.getState() == dev.edgeperf.proto.CampaignState.CAMPAIGN_STATE_PREPARING
                ? "preparing " + status.getVariantsTotal() + " variant(s), then its jobs"
                + rebatchedLines(status).stream().map(l -> "; " + l).collect(java.util.stream.Collectors.joining())
                : status.getJobsTotal() + " jobs";
    }

    /** "running", "done", … as the CLI prints a campaign's state. */
    static String state(CampaignStatus status) {
        return status.getState().name().replace("CAMPAIGN_STATE_", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The intra-op threads the session used (the engine default resolved to a number); for a job
     * that did not run, the request ("-" for the engine default).
     */
    static String threads(ResultRecord r) {
        long used = r.integer(ResultField.THREADS);
        if (r.state() == JobState.DONE && used > 0) {
            return String.valueOf(used);
        }
        long requested = r.integer(ResultField.REQUESTED_THREADS);
        return requested > 0 ? String.valueOf(requested) : "-";
    }

    /** The summary and every row with every result field ({@link ResultField}), null where there is no value. */
    static String json(CampaignStatus status) {
        Map<String, Object> root = summary(status);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ResultRow row : status.getRowsList()) {
            rows.add(ResultRows.fromProto(row).toMap());
        }
        root.put("rows", rows);
        return write(root);
    }

    /** The campaign's counts, without rows. */
    static Map<String, Object> summary(CampaignStatus status) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("campaignId", status.getCampaignId());
        root.put("name", status.getName());
        root.put("state", state(status));
        root.put("jobsTotal", status.getJobsTotal());
        root.put("jobsQueued", status.getJobsQueued());
        root.put("jobsRunning", status.getJobsRunning());
        root.put("jobsDone", status.getJobsDone());
        root.put("jobsFailed", status.getJobsFailed());
        root.put("createdUnixMs", status.getCreatedUnixMs());
        root.put("waitingReason", status.getWaitingReason());
        root.put("jobsCancelled", status.getJobsCancelled());
        // what the text output prints on stderr: one line per input a fixed-batch model was rebatched on
        root.put("rebatched", rebatchedLines(status));
        return root;
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
