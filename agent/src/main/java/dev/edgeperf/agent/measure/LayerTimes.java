package dev.edgeperf.agent.measure;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.proto.LayerTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node times from ONNX Runtime's profiler JSON (a Chrome trace: events with {@code cat: "Node"},
 * {@code name: "<node>_kernel_time"}, {@code args.op_name}, {@code dur} in µs), mapped to the
 * submitted graph's node names and op types.
 */
final class LayerTimes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KERNEL_TIME = "_kernel_time";
    /** Graph files above this size are not parsed for node names (their layers are reported unmapped). */
    static final long MAX_GRAPH_BYTES = 256L << 20;

    private LayerTimes() {
    }

    /**
     * @param trace     the profiler's JSON
     * @param runs      profiled runs (a node's mean is its total over this many runs)
     * @param graphOps  node name -> op type of the submitted graph; empty when unknown
     * @return one entry per node, in the order the trace first shows them
     * @throws IllegalArgumentException when the trace is not a JSON array of events
     */
    static List<LayerTime> parse(String trace, int runs, Map<String, String> graphOps) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        JsonNode events;
        try {
            events = JSON.readTree(trace);
        } catch (IOException e) {
            throw new IllegalArgumentException("profiler output is not JSON: " + e.getMessage(), e);
        }
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException("profiler output is not a JSON array of events");
        }
        Map<String, double[]> totals = new LinkedHashMap<>(); // node -> {total µs, count}
        Map<String, String> ops = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText("");
            if (!e.path("cat").asText("").equals("Node") || !name.endsWith(KERNEL_TIME)) {
                continue;
            }
            String node = name.substring(0, name.length() - KERNEL_TIME.length());
            double[] t = totals.computeIfAbsent(node, n -> new double[2]);
            t[0] += Math.max(0, e.path("dur").asDouble(0));
            t[1]++;
            ops.putIfAbsent(node, e.path("args").path("op_name").asText(""));
        }
        List<LayerTime> out = new ArrayList<>();
        totals.forEach((node, t) -> {
            String graphOp = graphOps.get(node);
            out.add(LayerTime.newBuilder().setNode(node).setOpType(ops.get(node)).setMeanUs(t[0] / runs)
                    .setRuns((int) Math.min(runs, t[1])).setInGraph(graphOp != null)
                    .setGraphOpType(graphOp == null ? "" : graphOp).build());
        });
        return out;
    }

    /** Node name -> op type of the model file's main graph; empty for a file too large to parse cheaply. */
    static Map<String, String> graphOps(Path model) throws IOException {
        if (Files.size(model) > MAX_GRAPH_BYTES) {
            return Map.of();
        }
        ModelProto proto = OnnxModels.read(model);
        Map<String, String> ops = new LinkedHashMap<>();
        for (NodeProto n : proto.getGraph().getNodeList()) {
            if (!n.getName().isEmpty()) {
                ops.put(n.getName(), n.getOpType());
            }
        }
        return ops;
    }
}
