package dev.edgeperf.coordinator.http;

import dev.edgeperf.coordinator.store.AgentRecord;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoredLayers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the API, mapped from the store's records (camelCase keys; times in Unix ms). */
final class ApiViews {
    private ApiViews() {
    }

    static Map<String, Object> agent(AgentRecord a) {
        AgentRecord.Hardware h = a.hardware();
        Map<String, Object> hardware = new LinkedHashMap<>();
        hardware.put("cpuModel", h.cpuModel());
        hardware.put("physicalCores", h.physicalCores());
        hardware.put("logicalCores", h.logicalCores());
        hardware.put("maxFreqHz", h.maxFreqHz());
        hardware.put("memoryBytes", h.memoryBytes());
        hardware.put("os", h.os());
        hardware.put("arch", h.arch());
        hardware.put("isaFeatures", h.isaFeatures());
        hardware.put("peakGflopsFp32", h.peakGflopsFp32());
        hardware.put("peakBasis", h.peakBasis());
        hardware.put("board", h.board());
        hardware.put("fingerprint", h.fingerprint());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.id());
        view.put("name", a.name());
        view.put("connected", a.connected());
        view.put("lastSeenUnixMs", a.lastSeenUnixMs());
        view.put("hardware", hardware);
        view.put("engineVersion", a.engineVersion());
        view.put("labels", a.labels());
        return view;
    }

    static Map<String, Object> campaign(CampaignSummary c) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", c.id());
        view.put("name", c.name());
        view.put("state", c.state().toString());
        view.put("createdUnixMs", c.createdUnixMs());
        view.put("jobsTotal", c.total());
        view.put("jobsQueued", c.queued());
        view.put("jobsRunning", c.leased());
        view.put("jobsDone", c.done());
        view.put("jobsFailed", c.failed());
        view.put("jobsCancelled", c.cancelled());
        return view;
    }

    /** A row: every {@link ResultField} by key, null where there is no value. */
    static Map<String, Object> result(ResultRecord r) {
        return r.toMap();
    }

    /** The result fields in order, so the dashboard and scripts read the columns rather than guess them. */
    static List<Map<String, String>> resultSchema() {
        return ResultField.all().stream().map(f -> Map.of("key", f.key(), "csv", f.csvName(),
                "type", f.type().name().toLowerCase(java.util.Locale.ROOT), "description", f.description())).toList();
    }

    /**
     * A job's layers: jobId, attempt, totalUs (summed kernel time), predictor (whose per-node breakdown
     * predictedMs is; "" = none stored), layers[node, opType, graphOpType (null for inserted kernels), inGraph,
     * meanUs (µs per profiled run), share (of totalUs), runs, predictedMs (ms per batch, null = none for this
     * node), macs (per batch, from the cost model; null = none)].
     */
    static Map<String, Object> layers(StoredLayers stored) {
        double totalUs = stored.layers().stream().mapToDouble(StoredLayers.Layer::meanUs).sum();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("jobId", stored.jobId());
        view.put("attempt", stored.attempt());
        view.put("totalUs", totalUs);
        view.put("predictor", stored.predictor());
        view.put("layers", stored.layers().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", l.node());
            m.put("opType", l.opType());
            m.put("graphOpType", l.inGraph() ? l.graphOpType() : null);
            m.put("inGraph", l.inGraph());
            m.put("meanUs", l.meanUs());
            m.put("share", totalUs > 0 ? l.meanUs() / totalUs : null);
            m.put("runs", l.runs());
            m.put("predictedMs", l.predictedMs());
            m.put("macs", l.macs());
            return m;
        }).toList());
        return view;
    }
}
