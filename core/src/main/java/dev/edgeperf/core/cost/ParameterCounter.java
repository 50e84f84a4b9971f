package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one parameter-count rule of edgeperf: which constant tensors are parameters, and whether they
 * are trainable. {@link ModelProfiler} and the variant records ({@code VariantRecord.paramsTotal})
 * both count by it, so a variant's count compares with its baseline's profile.
 *
 * <p>A constant (initializer or Constant node output) is a parameter when some node reads it in a
 * data slot and its element type can hold weights: never int64, bool or string (those are shapes,
 * axes, indices and masks), and never an input slot that only steers shapes (Reshape's shape,
 * Slice's starts/ends/axes/steps, Pad's pads, Clip's bounds, Resize's scales …). Scalars (rank 0)
 * read by elementwise ops are constants of the formula (epsilon, the 2 of a square), not
 * parameters. A parameter shared by several nodes counts once, for the first node that reads it.
 * Constants read inside subgraphs ({@code If} branches, {@code Loop} and {@code Scan} bodies, at
 * any depth) count by the same rule, for the control-flow node that holds the subgraph, and every
 * branch counts whichever runs, since the file stores them all.
 *
 * <p>Metadata is not a parameter either, so that quantizing or clustering a model keeps its count:
 * quantization scales and zero points (of QuantizeLinear, DequantizeLinear, QLinearConv,
 * QLinearMatMul, ConvInteger, MatMulInteger, and the weight scales a dynamically quantized MatMul
 * multiplies with the activation scale) and k-means codebooks (a Gather table indexed by a Cast of
 * uint8 cluster indices; the indices are the parameters).
 *
 * <p>Trainable: when the model carries ONNX training information with update bindings
 * ({@code ModelProto.training_info[*].update_binding}, which training exporters write for the
 * tensors a training step assigns, and leave out for frozen layers), a parameter is trainable
 * exactly when it is a graph initializer named as the key of an update binding; the others are
 * non-trainable. Without update bindings every parameter is trainable. In both cases
 * BatchNormalization's running mean and variance are non-trainable (as Keras and PyTorch count
 * them: a training step may update them, but as statistics, not by their gradient).
 *
 * <p>A binding key that names no initializer of the graph is ignored with a note in
 * {@link Counts#notes()} rather than refused: onnx.proto requires keys to be initializers of the
 * graph or of the training algorithm, but the inference graph is valid and runs without its
 * training information, so a defect there must not stop the count. Keys naming initializers of the
 * algorithm graph itself (optimizer state, the iteration count) are not parameters of the model and
 * get no note.
 */
public final class ParameterCounter {
    /**
     * @param perNode     parameter elements attributed to each node (index into the graph's node order)
     * @param total       parameter elements, count
     * @param trainable   of those, trainable, count
     * @param weightBytes bytes the parameters take at their element types
     * @param parameters  names of the constant tensors counted, in counting order; one inside a subgraph
     *                    is named {@code NAME@K}, K numbering the subgraphs, since branches reuse names
     * @param notes       what a reader of the counts must know, e.g. an update binding that names no
     *                    initializer and was ignored; empty when there is nothing to say
     * @param tensors     the tensor of each name in {@code parameters}, those inside subgraphs included
     *                    (which {@link OnnxGraph#constant} does not see)
     */
    public record Counts(long[] perNode, long total, long trainable, long weightBytes, List<String> parameters,
                         List<String> notes, Map<String, TensorProto> tensors) {
        public Counts {
            perNode = perNode.clone();
            parameters = List.copyOf(parameters);
            notes = List.copyOf(notes);
            tensors = Map.copyOf(tensors);
        }

        @Override
        public long[] perNode() {
            return perNode.clone();
        }
    }

    private static final Map<String, Set<Integer>> CONTROL_SLOTS = Map.ofEntries(
            Map.entry("Reshape", Set.of(1)), Map.entry("Slice", Set.of(1, 2, 3, 4)),
            Map.entry("Squeeze", Set.of(1)), Map.entry("Unsqueeze", Set.of(1)), Map.entry("Expand", Set.of(1)),
            Map.entry("Tile", Set.of(1)), Map.entry("Pad", Set.of(1, 2, 3)), Map.entry("Resize", Set.of(1, 2, 3)),
            Map.entry("Upsample", Set.of(1)), Map.entry("ConstantOfShape", Set.of(0)),
            Map.entry("Split", Set.of(1)), Map.entry("TopK", Set.of(1)), Map.entry("Range", Set.of(0, 1, 2)),
            Map.entry("OneHot", Set.of(1, 2)), Map.entry("CumSum", Set.of(1)), Map.entry("Clip", Set.of(1, 2)),
            Map.entry("Dropout", Set.of(1, 2)), Map.entry("Trilu", Set.of(1)));
    private static final Map<String, Set<Integer>> METADATA_SLOTS = Map.of(
            "QuantizeLinear", Set.of(1, 2),
            "DequantizeLinear", Set.of(1, 2),
            "QLinearConv", Set.of(1, 2, 4, 5, 6, 7),
            "QLinearMatMul", Set.of(1, 2, 4, 5, 6, 7),
            "MatMulInteger", Set.of(2, 3),
            "ConvInteger", Set.of(2, 3));
    private static final Map<String, Set<Integer>> NON_TRAINABLE_SLOTS = Map.of("BatchNormalization", Set.of(3, 4));
    private static final Set<String> SCALAR_FORMULA_OPS = Set.of(
            "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where", "Equal", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "Mod", "Sum", "Mean");

    private ParameterCounter() {
    }

    /**
     * Counts the parameters of a model's main graph.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR when a count overflows a long
     */
    public static Counts count(OnnxGraph graph) {
        List<NodeProto> nodes = graph.nodes();
        Set<String> metadata = metadata(graph);
        List<String> notes = new ArrayList<>();
        Set<String> updated = updateBound(graph, notes);
        long[] perNode = new long[nodes.size()];
        Tally tally = new Tally(new HashSet<>(), new ArrayList<>(), metadata, updated);
        for (int n = 0; n < nodes.size(); n++) {
            perNode[n] = countNode(nodes.get(n), name -> scoped(name, graph.constant(name)), tally);
        }
        return new Counts(perNode, tally.total, tally.trainable, tally.bytes, tally.parameters, notes, tally.tensors);
    }

    /** Running totals of one count; {@code seen} makes a shared constant count once. */
    private static final class Tally {
        final Set<String> seen;
        final List<String> parameters;
        final Set<String> metadata;
        final Set<String> updated;
        final Map<String, TensorProto> tensors = new HashMap<>();
        int subgraphs;
        long total;
        long trainable;
        long bytes;

        Tally(Set<String> seen, List<String> parameters, Set<String> metadata, Set<String> updated) {
            this.seen = seen;
            this.parameters = parameters;
            this.metadata = metadata;
            this.updated = updated;
        }
    }

    /**
     * The parameter elements one node owns: the constants it reads, and those read inside its
     * subgraphs ({@code If} branches, {@code Loop}/{@code Scan} bodies, at any depth): a subgraph's
     * initializers and Constant nodes, and constants of enclosing graphs that only the subgraph
     * reads. All branches count, whichever runs: the file stores them all.
     */
    private static long countNode(NodeProto node, Function<String, Scoped> scope, Tally tally) {
        long owned = 0;
        boolean standard = isStandard(node);
        String op = node.getOpType();
        for (int i = 0; i < node.getInputCount(); i++) {
            Scoped found = node.getInput(i).isEmpty() ? null : scope.apply(node.getInput(i));
            if (found == null) {
                continue;
            }
            String name = found.key();
            TensorProto t = found.tensor();
            if (tally.seen.contains(name) || !holdsWeights(t.getDataType()) || tally.metadata.contains(name)) {
                continue;
            }
            if (standard && (CONTROL_SLOTS.getOrDefault(op, Set.of()).contains(i)
                    || METADATA_SLOTS.getOrDefault(op, Set.of()).contains(i))) {
                continue;
            }
            if (standard && t.getDimsCount() == 0 && SCALAR_FORMULA_OPS.contains(op)) {
                continue;
            }
            tally.seen.add(name);
            tally.parameters.add(name);
            tally.tensors.put(name, t);
            long elements = Tensors.elementCount(t);
            if (elements < 0) {
                continue; // a negative dim: no tensor at all, nothing to count
            }
            owned = CheckedMath.add(owned, elements, "the parameter count");
            tally.total = CheckedMath.add(tally.total, elements, "the parameter count");
            tally.bytes = CheckedMath.add(tally.bytes, CheckedMath.multiply(elements,
                    Tensors.bytesPerElement(t.getDataType()), "the weight byte count"), "the weight byte count");
            boolean statistic = standard && NON_TRAINABLE_SLOTS.getOrDefault(op, Set.of()).contains(i);
            if (!statistic && (tally.updated == null || tally.updated.contains(name))) {
                tally.trainable += elements;
            }
        }
        for (AttributeProto a : node.getAttributeList()) {
            List<GraphProto> subgraphs = new ArrayList<>(a.getGraphsList());
            if (a.hasG()) {
                subgraphs.add(a.getG());
            }
            for (GraphProto g : subgraphs) {
                owned = CheckedMath.add(owned, countSubgraph(g, scope, tally), "the parameter count");
            }
        }
        return owned;
    }

    /** A constant found in scope, with the name it is counted under (unique across subgraphs). */
    private record Scoped(String key, TensorProto tensor) {
    }

    private static Scoped scoped(String key, TensorProto tensor) {
        return tensor == null ? null : new Scoped(key, tensor);
    }

    private static long countSubgraph(GraphProto g, Function<String, Scoped> outer, Tally tally) {
        Map<String, TensorProto> local = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            local.put(t.getName(), t);
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && isStandard(n) && n.getOutputCount() == 1) {
                TensorProto value = Tensors.constantValue(n);
                if (value != null) {
                    local.put(n.getOutput(0), value);
                }
            }
        }
        // Names the subgraph defines hide those of enclosing graphs (ONNX scoping).
        Set<String> defined = new HashSet<>();
        g.getInputList().forEach(v -> defined.add(v.getName()));
        g.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
        // Subgraphs reuse names (each PyTorch branch has its own '/Constant_output_0'): local constants are
        // keyed by their subgraph, so equal names in two branches are two parameters.
        String suffix = "@" + tally.subgraphs++;
        Function<String, Scoped> scope = name -> local.containsKey(name) ? scoped(name + suffix, local.get(name))
                : defined.contains(name) ? null : outer.apply(name);
        long owned = 0;
        for (NodeProto n : g.getNodeList()) {
            owned = CheckedMath.add(owned, countNode(n, scope, tally), "the parameter count");
        }
        return owned;
    }

    /**
     * The graph initializers that the model's training information binds for update, or null when
     * it has no update bindings (then trainability is not recorded in the file). Keys that name no
     * initializer of the graph or of an algorithm graph are reported in {@code notes}.
     */
    private static Set<String> updateBound(OnnxGraph graph, List<String> notes) {
        List<TrainingInfoProto> infos = graph.model().getTrainingInfoList();
        if (infos.stream().allMatch(t -> t.getUpdateBindingCount() == 0)) {
            return null;
        }
        Set<String> algorithmState = new HashSet<>();
        for (TrainingInfoProto t : infos) {
            t.getAlgorithm().getInitializerList().forEach(i -> algorithmState.add(i.getName()));
        }
        Set<String> bound = new HashSet<>();
        for (TrainingInfoProto t : infos) {
            for (StringStringEntryProto b : t.getUpdateBindingList()) {
                String key = b.getKey();
                if (graph.isInitializer(key)) {
                    bound.add(key);
                } else if (!algorithmState.contains(key)) {
                    notes.add("training_info update_binding '" + key + "' -> '" + b.getValue()
                            + "' names no initializer of the graph; ignored");
                }
            }
        }
        return bound;
    }

    /**
     * Constants that only describe other constants, wherever they are read: the weight scales of a
     * dynamically quantized MatMul (multiplied with DynamicQuantizeLinear's scale output) and
     * codebooks (Gather tables whose indices are a Cast of a uint8 constant).
     */
    private static Set<String> metadata(OnnxGraph graph) {
        Set<String> activationScales = new HashSet<>();
        for (NodeProto n : graph.nodes()) {
            if (isStandard(n) && n.getOpType().equals("DynamicQuantizeLinear") && n.getOutputCount() > 1) {
                activationScales.add(n.getOutput(1));
            }
        }
        Set<String> metadata = new HashSet<>(codebooks(graph).values());
        for (NodeProto n : graph.nodes()) {
            if (isStandard(n) && n.getOpType().equals("Mul")
                    && n.getInputList().stream().anyMatch(activationScales::contains)) {
                n.getInputList().stream().filter(in -> !activationScales.contains(in)).forEach(metadata::add);
            }
        }
        return metadata;
    }

    /**
     * The codebook of cluster indices: uint8 index tensor name -> the Gather table it indexes
     * (through a Cast), for counting which indices stand for a zero weight.
     */
    public static Map<String, String> codebooks(OnnxGraph graph) {
        Map<String, String> castOfUint8 = new HashMap<>();
        for (NodeProto n : graph.nodes()) {
            if (isStandard(n) && n.getOpType().equals("Cast") && n.getInputCount() > 0 && n.getOutputCount() > 0) {
                TensorProto source = graph.constant(n.getInput(0));
                if (source != null && source.getDataType() == DataType.UINT8_VALUE) {
                    castOfUint8.put(n.getOutput(0), n.getInput(0));
                }
            }
        }
        Map<String, String> books = new HashMap<>();
        for (NodeProto n : graph.nodes()) {
            if (isStandard(n) && n.getOpType().equals("Gather") && n.getInputCount() == 2
                    && castOfUint8.containsKey(n.getInput(1)) && graph.constant(n.getInput(0)) != null) {
                books.put(castOfUint8.get(n.getInput(1)), n.getInput(0));
            }
        }
        return books;
    }

    private static boolean isStandard(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private static boolean holdsWeights(int dataType) {
        return dataType != DataType.INT64_VALUE && dataType != DataType.BOOL_VALUE
                && dataType != DataType.STRING_VALUE && dataType != DataType.UNDEFINED_VALUE;
    }
}
