package dev.edgeperf.coordinator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
        out.append(String.format(Locale.ROOT, "campaign %s (%s): %s, %d of %d jobs done, %d failed%n",
                status.getCampaignId(), status.getName(), status.getState(), status.getJobsDone(),
                status.getJobsTotal(), status.getJobsFailed()));
        TextTable table = new TextTable("agent", "model", "variant", ">batch", ">threads", ">FLOPs", ">predicted ms",
                ">measured p50 ms", ">measured/predicted", ">throughput (samples/s)", "state");
        for (ResultRow row : status.getRowsList()) {
            boolean done = "done".equals(row.getState());
            table.add(row.getAgentName(), row.getModelName(), row.getVariantRecipe(), row.getBatchSize(),
                    threads(row), String.format(Locale.ROOT, "%,d", row.getFlops()),
                    row.getPredictedMs() > 0 ? fmt(row.getPredictedMs(), 4) : "-",
                    done ? fmt(row.getP50Ms(), 4) : "-",
                    done && row.getPredictedMs() > 0 ? fmt(row.getP50Ms() / row.getPredictedMs(), 2) + "x" : "-",
                    done ? fmt(row.getThroughputSamplesPerS(), 1) : "-",
                    done ? "done" : "failed: " + row.getFailureReason());
        }
        out.append(table.render());
        if (!status.getWaitingReason().isEmpty()) {
            out.append(status.getWaitingReason()).append('\n');
        }
        return out.toString();
    }

    /**
     * The intra-op threads the session used (the engine default resolved to a number); for a failed
     * job, which used none, the request ("-" for the engine default).
     */
    static String threads(ResultRow row) {
        if ("done".equals(row.getState()) && row.getIntraOpThreads() > 0) {
            return String.valueOf(row.getIntraOpThreads());
        }
        return row.getRequestedIntraOpThreads() > 0 ? String.valueOf(row.getRequestedIntraOpThreads()) : "-";
    }

    static String json(CampaignStatus status) {
        Map<String, Object> root = summary(status);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ResultRow r : status.getRowsList()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("jobId", r.getJobId());
            row.put("attempt", r.getAttempt());
            row.put("agentName", r.getAgentName());
            row.put("modelName", r.getModelName());
            row.put("variantRecipe", r.getVariantRecipe());
            row.put("batchSize", r.getBatchSize());
            row.put("threads", r.getIntraOpThreads());
            row.put("requestedThreads", r.getRequestedIntraOpThreads());
            row.put("concurrency", r.getConcurrency());
            row.put("selector", r.getSelector());
            row.put("flops", r.getFlops());
            row.put("peakGflops", r.getPeakGflops());
            row.put("peakBasis", r.getPeakBasis());
            row.put("predictedMs", r.getPredictedMs());
            row.put("p50Ms", r.getP50Ms());
            row.put("p90Ms", r.getP90Ms());
            row.put("p99Ms", r.getP99Ms());
            row.put("p999Ms", r.getP999Ms());
            row.put("meanMs", r.getMeanMs());
            row.put("endToEndP50Ms", r.getEndToEndP50Ms());
            row.put("measuredOverPredicted", r.getPredictedMs() > 0 ? r.getP50Ms() / r.getPredictedMs() : null);
            row.put("throughputSamplesPerS", r.getThroughputSamplesPerS());
            row.put("queueWaitMs", r.getQueueWaitMs());
            row.put("measurementMs", r.getMeasurementMs());
            row.put("stopReason", r.getStopReason());
            row.put("state", r.getState());
            row.put("failureReason", r.getFailureReason());
            rows.add(row);
        }
        root.put("rows", rows);
        return write(root);
    }

    /** The campaign's counts, without rows. */
    static Map<String, Object> summary(CampaignStatus status) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("campaignId", status.getCampaignId());
        root.put("name", status.getName());
        root.put("state", status.getState());
        root.put("jobsTotal", status.getJobsTotal());
        root.put("jobsQueued", status.getJobsQueued());
        root.put("jobsRunning", status.getJobsRunning());
        root.put("jobsDone", status.getJobsDone());
        root.put("jobsFailed", status.getJobsFailed());
        root.put("createdUnixMs", status.getCreatedUnixMs());
        root.put("waitingReason", status.getWaitingReason());
        root.put("jobsCancelled", status.getJobsCancelled());
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
