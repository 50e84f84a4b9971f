package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ShapeInference;
import dev.edgeperf.core.onnx.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Shape inference + per-node cost counting for an ONNX model.
 *
 * <p>Totals: {@code totalParams} / {@code trainableParams} / {@code weightBytes} as defined by
 * {@link ParameterCounter}; MACs and FLOPs summed over nodes by {@link CostRules}, per batch;
 * {@code activationBytes} of a node = bytes of all its outputs (0 for Constant nodes, which hold
 * weights); {@code peakActivationBytes} = the largest sum of live activation bytes while the nodes
 * run one at a time in topological order, counting graph inputs, each node's outputs from the
 * moment it runs, and freeing a tensor after its last consumer ran (graph outputs are never
 * freed; no in-place reuse is assumed, so real runtimes may need less).
 */
public final class ModelProfiler {
    private ModelProfiler() {
    }

    /**
     * Profiles an ONNX model held in memory.
     *
     * @param sourceName file or zoo name, used in error messages and in {@link ModelProfile#source()}
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for a non-ONNX/truncated model, an unknown
     *         input name or a contradictory shape
     */
    public static ModelProfile profile(byte[] onnxModel, String sourceName, ProfileOptions options) {
        Objects.requireNonNull(options, "options is null");
        return profile(OnnxModels.parseShared(onnxModel, sourceName), sourceName, onnxModel.length, options);
    }

    /**
     * Profiles an ONNX file. The file is memory-mapped and its weights are never copied onto the
     * Java heap (see {@link OnnxModels#map(Path)}).
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for a missing, unreadable, truncated or
     *         non-ONNX file, an unknown input name or a contradictory shape
     */
    public static ModelProfile profile(Path onnxFile, ProfileOptions options) {
        Objects.requireNonNull(options, "options is null");
        ModelProto model = OnnxModels.map(onnxFile);
        long size;
        try {
            size = Files.size(onnxFile);
        } catch (IOException e) {
            size = model.getSerializedSize();
        }
        return profile(model, onnxFile.toString(), size, options);
    }

    /**
     * Profiles a model already in memory (e.g. a zoo model as built, without serializing it).
     *
     * @param fileSizeBytes size of the model file, reported in {@link ModelProfile#fileSizeBytes()}
     */
    public static ModelProfile profile(ModelProto model, String sourceName, long fileSizeBytes,
                                       ProfileOptions options) {
        return profile(model, sourceName, fileSizeBytes, options, 0);
    }

    /** A control-flow subgraph made a model of its own (see {@link ControlFlowCosts}), at a nesting depth. */
    static ModelProfile profileNested(ModelProto model, String sourceName, ProfileOptions options, int depth) {
        return profile(model, sourceName, 0, options, depth);
    }

    private static ModelProfile profile(ModelProto model, String sourceName, long fileSizeBytes,
                                        ProfileOptions options, int depth) {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(options, "options is null");
        OnnxGraph graph = OnnxGraph.of(model, sourceName);
        try {
            InferredShapes shapes = ShapeInference.infer(graph, options.batch(), options.inputShapes(), options.dims(),
                    options.inputValues(), true);
            return profile(graph, shapes, sourceName, fileSizeBytes, options, depth);
        } catch (EdgeperfException e) {
            if (!CheckedMath.isOverflow(e)) {
                throw e;
            }
            throw EdgeperfException.userError(sourceName + " cannot be counted at " + sizing(options) + ": "
                    + e.getMessage() + "; use a smaller batch or input shape");
        }
    }

    private static String sizing(ProfileOptions options) {
        StringBuilder b = new StringBuilder("batch ").append(options.batch());
        options.inputShapes().forEach((name, shape) -> b.append(", input ").append(name).append('=')
                .append(Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"))));
        options.dims().forEach((name, value) -> b.append(", dim ").append(name).append('=').append(value));
        return b.toString();
    }

    private static ModelProfile profile(OnnxGraph graph, InferredShapes shapes, String source, long fileSize,
                                        ProfileOptions options, int depth) {
        List<NodeProto> nodes = graph.nodes();
        ParameterCounter.Counts params = ParameterCounter.count(graph);
        long[] paramsPerNode = params.perNode();
        List<NodeCost> costs = new ArrayList<>(nodes.size());
        Map<String, Integer> uncounted = new TreeMap<>();
        List<String> notes = new ArrayList<>(params.notes());
        long totalMacs = 0;
        long totalFlops = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            CostRules.Cost cost;
            if (ControlFlowCosts.isControlFlow(node)) {
                ControlFlowCosts.Result r = ControlFlowCosts.count(node, node.getOpType() + " '"
                        + OnnxGraph.nodeLabel(node, i) + "'", graph, shapes, options, depth);
                r.uncounted().forEach((op, n) -> uncounted.merge(op, n, Integer::sum));
                notes.addAll(r.notes());
                cost = new CostRules.Cost(r.macs(), r.flops(), r.counted(), false);
            } else {
                cost = CostRules.count(node, shapes, options.convention());
            }
            if (!cost.counted()) {
                String key = (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")
                        ? "" : node.getDomain() + ":") + node.getOpType()
                        + (cost.shapeUnknown() ? " (unknown shape)" : "");
                uncounted.merge(key, 1, Integer::sum);
            }
            totalMacs = CheckedMath.add(totalMacs, cost.macs(), "the total MAC count");
            totalFlops = CheckedMath.add(totalFlops, cost.flops(), "the total FLOP count");
            List<Long> shape = new ArrayList<>();
            if (node.getOutputCount() > 0 && shapes.get(node.getOutput(0)).known()) {
                for (long d : shapes.get(node.getOutput(0)).shape()) {
                    shape.add(d);
                }
            }
            costs.add(new NodeCost(OnnxGraph.nodeLabel(node, i), node.getOpType(), shape, paramsPerNode[i],
                    cost.macs(), cost.flops(), outputBytes(node, shapes), cost.counted(), inputBytes(node, shapes)));
        }
        return new ModelProfile(source, batch(graph, shapes, options.batch()), options.convention(), costs,
                params.total(),
                params.trainable(), totalMacs, totalFlops, params.weightBytes(), peakActivationBytes(graph, shapes),
                fileSize, uncounted, notes);
    }

    /**
     * The batch the counts are for: the resolved leading dimension of the first input whose leading dimension
     * is open (a state input leading with a fixed 2 is not the batch), else of the first input with one; what
     * {@code --input input=8x512} sets, not only {@code --batch}.
     */
    static long batch(OnnxGraph graph, InferredShapes shapes, long asked) {
        Long fixed = null;
        for (ValueInfoProto v : graph.inputs()) {
            long[] resolved = shapes.inputShapes().get(v.getName());
            InputDims.Declared d = InputDims.Declared.of(v);
            if (resolved == null || resolved.length == 0 || d.sizes() == null || d.sizes().length == 0) {
                continue;
            }
            if (d.sizes()[0] < 1) {
                return resolved[0];
            }
            fixed = fixed == null ? resolved[0] : fixed;
        }
        return fixed == null ? asked : fixed;
    }

    private static long outputBytes(NodeProto node, InferredShapes shapes) {
        if (node.getOpType().equals("Constant")) {
            return 0;
        }
        long bytes = 0;
        for (String out : node.getOutputList()) {
            bytes = CheckedMath.add(bytes, shapes.get(out).bytes(), "the activation byte count of node " + node.getName());
        }
        return bytes;
    }

    private static long inputBytes(NodeProto node, InferredShapes shapes) {
        long bytes = 0;
        for (String in : node.getInputList()) {
            if (!in.isEmpty()) { // an omitted optional input
                bytes = CheckedMath.add(bytes, shapes.get(in).bytes(), "the input byte count of node " + node.getName());
            }
        }
        return bytes;
    }

    /** See the class comment: live-tensor bytes over a sequential topological schedule. */
    static long peakActivationBytes(OnnxGraph graph, InferredShapes shapes) {
        List<NodeProto> nodes = graph.nodes();
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                if (!in.isEmpty()) {
                    lastUse.put(in, i);
                }
            }
        }
        Set<String> keep = new HashSet<>(graph.outputNames());
        Map<String, Long> live = new HashMap<>();
        long current = 0;
        for (ValueInfoProto in : graph.inputs()) {
            long b = shapes.get(in.getName()).bytes();
            live.put(in.getName(), b);
            current = CheckedMath.add(current, b, "the peak activation byte count");
        }
        long peak = current;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (node.getOpType().equals("Constant")) {
                continue;
            }
            for (String out : node.getOutputList()) {
                if (!out.isEmpty() && graph.constant(out) == null && !live.containsKey(out)) {
                    TensorInfo t = shapes.get(out);
                    live.put(out, t.bytes());
                    current = CheckedMath.add(current, t.bytes(), "the peak activation byte count");
                }
            }
            peak = Math.max(peak, current);
            for (String name : new ArrayList<>(live.keySet())) {
                Integer last = lastUse.get(name);
                if (!keep.contains(name) && (last == null || last <= i)) {
                    current -= live.remove(name);
                }
            }
        }
        return peak;
    }
}
