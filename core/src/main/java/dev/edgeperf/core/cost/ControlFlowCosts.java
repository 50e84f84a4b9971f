package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InferredShapes;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.TensorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * MACs and FLOPs of the control-flow nodes {@code If}, {@code Loop} and {@code Scan}: each
 * subgraph is profiled as a model of its own (the values it reads from enclosing graphs become its
 * inputs, with the shapes and constant values inferred there), by the same rules as the main graph.
 *
 * <ul>
 *   <li>{@code If}: when the condition is a constant, or folds to one from the given input values
 *       ({@link ProfileOptions#inputValues()}), the branch that runs is counted; otherwise the
 *       larger branch is counted and the profile's notes give both figures.</li>
 *   <li>{@code Loop}: body x trip count when the trip count {@code M} is a constant or folds to one
 *       (an upper bound when the loop also has a condition that can stop it early, said in the
 *       notes); otherwise the node is listed as uncounted with the reason.</li>
 *   <li>{@code Scan} (opset 9 and later): body x the length of the first scan input along its scan
 *       axis; uncounted when that shape is not known.</li>
 * </ul>
 * Op types a subgraph has no rule for are listed as uncounted too, as {@code "If>LSTM"} (the
 * control-flow op type, '>', the op type inside).
 */
final class ControlFlowCosts {
    /** The deepest nesting of subgraphs profiled; deeper ones are listed as uncounted. */
    private static final int MAX_DEPTH = 16;
    private static final Set<String> OPS = Set.of("If", "Loop", "Scan");

    /**
     * @param counted   false when the node's cost is not known (its reason is in {@code note})
     * @param uncounted op types inside its subgraphs that have no rule, with their node counts
     * @param notes     what the profile must say about this node (branch taken, trip count, why it is
     *                  not counted), then the notes of the subgraphs counted
     */
    record Result(long macs, long flops, boolean counted, Map<String, Integer> uncounted, List<String> notes) {
        Result {
            uncounted = Map.copyOf(uncounted);
            notes = List.copyOf(notes);
        }
    }

    private ControlFlowCosts() {
    }

    static boolean isControlFlow(NodeProto node) {
        return (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx")) && OPS.contains(node.getOpType());
    }

    static Result count(NodeProto node, String label, OnnxGraph graph, InferredShapes shapes, ProfileOptions options,
                        int depth) {
        if (depth >= MAX_DEPTH) {
            return uncounted(node, label + ": subgraphs nested deeper than " + MAX_DEPTH + " levels are not counted");
        }
        try {
            return switch (node.getOpType()) {
                case "If" -> countIf(node, label, graph, shapes, options, depth);
                case "Loop" -> countLoop(node, label, graph, shapes, options, depth);
                default -> countScan(node, label, graph, shapes, options, depth);
            };
        } catch (Unresolved e) {
            return uncounted(node, label + ": " + e.getMessage());
        }
    }

    private static Result countIf(NodeProto node, String label, OnnxGraph graph, InferredShapes shapes,
                                  ProfileOptions options, int depth) {
        GraphProto thenBranch = subgraph(node, "then_branch");
        GraphProto elseBranch = subgraph(node, "else_branch");
        TensorInfo cond = shapes.get(node.getInput(0));
        if (cond.intValue() != null && cond.intValue().length == 1) {
            boolean value = cond.intValue()[0] != 0;
            String name = value ? "then_branch" : "else_branch";
            ModelProfile p = profile(value ? thenBranch : elseBranch, Map.of(), Map.of(), label + " " + name,
                    graph, shapes, options, depth);
            return result(node, p, p.totalMacs(), p.totalFlops(), label + ": condition is " + value
                    + " for the given inputs; counted its " + name + " (" + p.totalMacs() + " MACs)");
        }
        ModelProfile then = profile(thenBranch, Map.of(), Map.of(), label + " then_branch", graph, shapes, options,
                depth);
        ModelProfile other = profile(elseBranch, Map.of(), Map.of(), label + " else_branch", graph, shapes, options,
                depth);
        ModelProfile larger = then.totalMacs() >= other.totalMacs() ? then : other;
        Map<String, Integer> uncounted = new TreeMap<>();
        mergeUncounted(uncounted, node, then);
        mergeUncounted(uncounted, node, other);
        List<String> notes = new ArrayList<>(List.of(label
                + ": condition not known from the given inputs (give the inputs it depends on a value); counted "
                + "the larger branch: then_branch " + then.totalMacs() + " MACs, else_branch " + other.totalMacs()
                + " MACs"));
        notes.addAll(then.notes());
        notes.addAll(other.notes());
        return new Result(larger.totalMacs(), larger.totalFlops(), true, uncounted, notes);
    }

    private static Result countLoop(NodeProto node, String label, OnnxGraph graph, InferredShapes shapes,
                                    ProfileOptions options, int depth) {
        GraphProto body = subgraph(node, "body");
        String tripName = node.getInputCount() > 0 ? node.getInput(0) : "";
        if (tripName.isEmpty()) {
            return uncounted(node, label + ": no trip count M; the loop runs until its condition turns false, "
                    + "which is only known at run time");
        }
        TensorInfo trip = shapes.get(tripName);
        if (trip.intValue() == null || trip.intValue().length != 1) {
            return uncounted(node, label + ": trip count M ('" + tripName + "') is neither a constant nor "
                    + "computable from the given inputs");
        }
        long m = trip.intValue()[0];
        if (m <= 0) {
            return new Result(0, 0, true, Map.of(), List.of(label + ": trip count M is " + m + "; the body never runs"));
        }
        Map<String, long[]> inputShapes = new HashMap<>();
        Map<String, long[]> values = new HashMap<>();
        int carried = node.getInputCount() - 2;
        if (body.getInputCount() != carried + 2) {
            throw new Unresolved("body has " + body.getInputCount() + " inputs; Loop with " + carried
                    + " carried values needs " + (carried + 2));
        }
        inputShapes.put(body.getInput(0).getName(), new long[0]);
        inputShapes.put(body.getInput(1).getName(), new long[0]);
        for (int i = 0; i < carried; i++) {
            inputShapes.put(body.getInput(i + 2).getName(), known(shapes, node.getInput(i + 2), label));
        }
        ModelProfile p = profile(body, inputShapes, values, label + " body", graph, shapes, options, depth);
        boolean mayStop = body.getOutputCount() > 0 && !isConstantTrue(body);
        return result(node, p, CheckedMath.multiply(p.totalMacs(), m, "the MAC count of " + label),
                CheckedMath.multiply(p.totalFlops(), m, "the FLOP count of " + label),
                label + ": body x trip count " + m + " (" + p.totalMacs() + " MACs per iteration"
                        + (mayStop ? "; an upper bound: its condition may end the loop earlier" : "") + ")");
    }

    private static Result countScan(NodeProto node, String label, OnnxGraph graph, InferredShapes shapes,
                                    ProfileOptions options, int depth) {
        if (graph.opset("") < 9) {
            return uncounted(node, label + ": Scan of opset " + graph.opset("") + " (with sequence_lens) is not counted");
        }
        GraphProto body = subgraph(node, "body");
        long scanInputs = intAttr(node, "num_scan_inputs", -1);
        int states = node.getInputCount() - (int) scanInputs;
        if (scanInputs < 1 || states < 0 || body.getInputCount() != node.getInputCount()) {
            throw new Unresolved("num_scan_inputs " + scanInputs + " does not fit its " + node.getInputCount()
                    + " inputs and " + body.getInputCount() + " body inputs");
        }
        long[] axes = intsAttr(node, "scan_input_axes");
        Map<String, long[]> inputShapes = new HashMap<>();
        long trip = -1;
        for (int i = 0; i < node.getInputCount(); i++) {
            long[] shape = known(shapes, node.getInput(i), label);
            if (i >= states) {
                int k = i - states;
                int axis = (int) (axes != null && k < axes.length ? axes[k] : 0);
                axis = axis < 0 ? axis + shape.length : axis;
                if (axis < 0 || axis >= shape.length) {
                    throw new Unresolved("scan axis " + axis + " outside the rank of input '" + node.getInput(i) + "'");
                }
                if (trip < 0) {
                    trip = shape[axis];
                }
                long[] slice = new long[shape.length - 1];
                for (int d = 0, j = 0; d < shape.length; d++) {
                    if (d != axis) {
                        slice[j++] = shape[d];
                    }
                }
                shape = slice;
            }
            inputShapes.put(body.getInput(i).getName(), shape);
        }
        ModelProfile p = profile(body, inputShapes, Map.of(), label + " body", graph, shapes, options, depth);
        return result(node, p, CheckedMath.multiply(p.totalMacs(), trip, "the MAC count of " + label),
                CheckedMath.multiply(p.totalFlops(), trip, "the FLOP count of " + label),
                label + ": body x scan length " + trip + " (" + p.totalMacs() + " MACs per iteration)");
    }

    private static Result result(NodeProto node, ModelProfile p, long macs, long flops, String note) {
        Map<String, Integer> uncounted = new TreeMap<>();
        mergeUncounted(uncounted, node, p);
        List<String> notes = new ArrayList<>(List.of(note));
        notes.addAll(p.notes());
        return new Result(macs, flops, true, uncounted, notes);
    }

    private static void mergeUncounted(Map<String, Integer> into, NodeProto node, ModelProfile p) {
        p.uncountedOpTypes().forEach((op, n) -> into.merge(op.startsWith(node.getOpType() + ">") ? op
                : node.getOpType() + ">" + op, n, Integer::sum));
    }

    private static Result uncounted(NodeProto node, String reason) {
        return new Result(0, 0, false, Map.of(), List.of(reason));
    }

    /**
     * Profiles a subgraph as a model: its own inputs get {@code inputShapes}; every value it reads
     * from enclosing graphs becomes an initializer (constants) or an input with the inferred shape
     * and, where inference knows it, value.
     */
    private static ModelProfile profile(GraphProto sub, Map<String, long[]> inputShapes, Map<String, long[]> values,
                                        String label, OnnxGraph graph, InferredShapes shapes, ProfileOptions options,
                                        int depth) {
        GraphProto.Builder g = sub.toBuilder().clearInput();
        Map<String, long[]> allShapes = new HashMap<>(inputShapes);
        Map<String, long[]> allValues = new HashMap<>(values);
        for (ValueInfoProto in : sub.getInputList()) {
            long[] shape = inputShapes.get(in.getName());
            if (shape == null) {
                throw new Unresolved("no shape for subgraph input '" + in.getName() + "'");
            }
            g.addInput(valueInfo(in.getName(), shape, in.getType().getTensorType().getElemType()));
        }
        for (String name : outerReads(sub)) {
            TensorProto constant = graph.constant(name);
            if (constant != null) {
                g.addInitializer(constant.toBuilder().setName(name));
                continue;
            }
            TensorInfo t = shapes.get(name);
            if (!t.known()) {
                throw new Unresolved("the shape of '" + name + "', which " + label + " reads, is not known");
            }
            g.addInput(valueInfo(name, t.shape(), t.elemType()));
            allShapes.put(name, t.shape());
            if (t.intValue() != null && t.intValue().length == Math.max(1, t.elements())) {
                allValues.put(name, t.intValue());
            }
        }
        ModelProto model = graph.model().toBuilder().clearTrainingInfo().setGraph(g).build();
        try {
            return ModelProfiler.profileNested(model, graph.source() + " " + label,
                    new ProfileOptions(1, allShapes, Map.of(), allValues, options.convention()), depth + 1);
        } catch (EdgeperfException e) {
            if (CheckedMath.isOverflow(e)) {
                throw e;
            }
            throw new Unresolved("its subgraph cannot be profiled: " + e.getMessage());
        }
    }

    /** Names a subgraph (at any depth) reads that it does not define in scope, in first-read order. */
    private static Set<String> outerReads(GraphProto sub) {
        Set<String> read = new LinkedHashSet<>();
        collect(sub, Set.of(), read);
        read.remove("");
        return read;
    }

    /** ONNX scoping: a graph sees what it defines before a read and what enclosing graphs define. */
    private static void collect(GraphProto g, Set<String> enclosing, Set<String> read) {
        Set<String> scope = new HashSet<>(enclosing);
        g.getInputList().forEach(v -> scope.add(v.getName()));
        g.getInitializerList().forEach(t -> scope.add(t.getName()));
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!scope.contains(in)) {
                    read.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG(), scope, read);
                }
                a.getGraphsList().forEach(s -> collect(s, scope, read));
            }
            scope.addAll(n.getOutputList());
        }
        g.getOutputList().stream().map(ValueInfoProto::getName).filter(o -> !scope.contains(o)).forEach(read::add);
    }

    private static ValueInfoProto valueInfo(String name, long[] shape, int elemType) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        Arrays.stream(shape).forEach(d -> s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType == 0 ? TensorProto.DataType.FLOAT_VALUE : elemType)
                        .setShape(s))).build();
    }

    private static long[] known(InferredShapes shapes, String name, String label) {
        TensorInfo t = shapes.get(name);
        if (!t.known()) {
            throw new Unresolved("the shape of its input '" + name + "' is not known");
        }
        return t.shape();
    }

    /** Whether a Loop body's condition output is a Constant true (the loop then runs all M times). */
    private static boolean isConstantTrue(GraphProto body) {
        String cond = body.getOutput(0).getName();
        for (NodeProto n : body.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1 && n.getOutput(0).equals(cond)) {
                TensorProto v = dev.edgeperf.core.onnx.Tensors.constantValue(n);
                long[] ints = v == null ? null : dev.edgeperf.core.onnx.Tensors.intValues(v);
                return ints != null && ints.length == 1 && ints[0] != 0;
            }
        }
        // cond_out = cond_in passed straight through: the loop runs while the outer condition holds.
        return body.getInputCount() > 1 && body.getInput(1).getName().equals(cond);
    }

    private static GraphProto subgraph(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name) && a.hasG()) {
                return a.getG();
            }
        }
        throw new Unresolved("it has no '" + name + "' subgraph");
    }

    private static long intAttr(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    private static long[] intsAttr(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    /** A subgraph that cannot be counted; its message is the reason, for the profile's notes. */
    private static final class Unresolved extends RuntimeException {
        Unresolved(String message) {
            super(message, null, false, false);
        }
    }
}
