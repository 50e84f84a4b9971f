package dev.edgeperf.agent.measure;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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
 * {@code name: "<node>_kernel_time"}, {@code args.op_name}, {@code args.provider}, {@code dur} in µs), mapped to the
 * submitted graph's node names and op types.
 */
final class LayerTimes {
    /** Graph files above this size are not parsed for node names (their layers are reported unmapped). */
    static final long MAX_GRAPH_BYTES = 256L << 20;

    private LayerTimes() {
    }

    /**
     * @param trace     the profiler's JSON
     * @param runs      profiled runs (a node's mean is its total over this many runs)
     * @param graph     the submitted graph's nodes; {@link GraphNodes#NONE} when unknown
     * @return one entry per kernel, in the order the trace first shows them, named by the graph node it
     *         maps to where it maps to one
     * @throws IllegalArgumentException when the trace is not a JSON array of events
     */
    static List<LayerTime> parse(String trace, int runs, GraphNodes graph) {
        return parse(trace, 0, runs, graph);
    }

    /**
     * As {@link #parse(String, int, GraphNodes)} for a trace whose first {@code warmUp} runs are left out:
     * each node's first {@code warmUp} events (a session's first run faults in its buffers; a reorder
     * writing fresh memory took 17x its later time there).
     */
    static List<LayerTime> parse(String trace, int warmUp, int runs, GraphNodes graph) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        Map<String, double[]> totals = new LinkedHashMap<>(); // node -> {total µs, count}
        Map<String, String> ops = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        for (ProfilerTrace.KernelEvent e : ProfilerTrace.kernelEvents(trace)) {
            String node = e.node();
            double[] t = totals.computeIfAbsent(node, n -> new double[3]);
            if (t[2]++ < warmUp) {
                continue;
            }
            t[0] += Math.max(0, e.durUs());
            t[1]++;
            ops.putIfAbsent(node, e.args().path("op_name").asText(""));
            providers.putIfAbsent(node, e.args().path("provider").asText(""));
        }
        List<LayerTime> out = new ArrayList<>();
        totals.forEach((kernel, t) -> {
            String node = graph.map(kernel, ops.get(kernel));
            String graphOp = node == null ? null : graph.ops().get(node);
            out.add(LayerTime.newBuilder().setNode(node == null ? kernel : node).setOpType(ops.get(kernel))
                    .setMeanUs(t[0] / runs).setRuns((int) Math.min(runs, t[1])).setInGraph(graphOp != null)
                    .setGraphOpType(graphOp == null ? "" : graphOp).setProvider(providers.get(kernel)).build());
        });
        return out;
    }

    /**
     * The submitted graph's nodes, to map the kernels ONNX Runtime ran back to them: a kernel keeps
     * its node's name, or is named {@code "fused <node>"} (e.g. FusedGemm), or {@code "<tensor>_nchwc"}
     * after the tensor the fused chain produces (the NCHWc layout's Conv+Relu), possibly with a
     * {@code _token_N} suffix.
     *
     * @param ops      node name -> op type
     * @param producer tensor name -> the node producing it
     * @param inputs   node name -> its first input tensor
     */
    record GraphNodes(Map<String, String> ops, Map<String, String> producer, Map<String, String> inputs) {
        static final GraphNodes NONE = new GraphNodes(Map.of(), Map.of(), Map.of());
        private static final int MAX_CHAIN = 4;

        GraphNodes {
            ops = Map.copyOf(ops);
            producer = Map.copyOf(producer);
            inputs = Map.copyOf(inputs);
        }

        /** The graph node a kernel maps to, or null (a node ONNX Runtime inserted, e.g. a layout reorder). */
        String map(String kernel, String kernelOp) {
            String name = kernel.replaceFirst("_token_\\d+$", "");
            if (ops.containsKey(name)) {
                return name;
            }
            if (name.startsWith("fused ") && ops.containsKey(name.substring(6))) {
                return name.substring(6);
            }
            if (name.endsWith("_nchwc")) {
                String start = producer.get(name.substring(0, name.length() - "_nchwc".length()));
                // the chain's last node produces the tensor; the kernel is named after its op (Conv for Conv+Relu)
                String node = start;
                for (int i = 0; node != null && i < MAX_CHAIN; i++) {
                    if (ops.get(node).equals(kernelOp)) {
                        return node;
                    }
                    String in = inputs.get(node);
                    node = in == null ? null : producer.get(in);
                }
                return start;
            }
            return null;
        }
    }

    /** The model file's main graph nodes; {@link GraphNodes#NONE} for a file too large to parse cheaply. */
    static GraphNodes graph(Path model) throws IOException {
        if (Files.size(model) > MAX_GRAPH_BYTES) {
            return GraphNodes.NONE;
        }
        ModelProto proto = OnnxModels.read(model);
        Map<String, String> ops = new LinkedHashMap<>();
        Map<String, String> producer = new LinkedHashMap<>();
        Map<String, String> inputs = new LinkedHashMap<>();
        for (NodeProto n : proto.getGraph().getNodeList()) {
            if (n.getName().isEmpty()) {
                continue;
            }
            ops.put(n.getName(), n.getOpType());
            n.getOutputList().forEach(o -> producer.put(o, n.getName()));
            if (n.getInputCount() > 0) {
                inputs.put(n.getName(), n.getInput(0));
            }
        }
        return new GraphNodes(ops, producer, inputs);
    }
}
