package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An index over a model's main graph: constant tensors (initializers and Constant node outputs),
 * the real (non-initializer) inputs, nodes in topological order and who consumes what.
 */
public final class OnnxGraph {
    private final ModelProto model;
    private final String source;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Set<String> initializerNames = new HashSet<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<NodeProto> order;
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, Long> opsets = new HashMap<>();

    private OnnxGraph(ModelProto model, String source) {
        this.model = model;
        this.source = source;
        GraphProto graph = model.getGraph();
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
            initializerNames.add(t.getName());
        }
        for (ValueInfoProto in : graph.getInputList()) {
            if (!constants.containsKey(in.getName())) {
                inputs.add(in);
            }
        }
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(), o.getVersion());
        }
        order = topologicalOrder(graph);
        for (NodeProto node : order) {
            if (node.getOpType().equals("Constant") && node.getDomain().isEmpty() && node.getOutputCount() == 1) {
                TensorProto value = Tensors.constantValue(node);
                if (value != null) {
                    constants.put(node.getOutput(0), value);
                }
            }
        }
        for (int i = 0; i < order.size(); i++) {
            for (String in : order.get(i).getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    /** Indexes a parsed model; USER_ERROR when its graph has a cycle or dangling inputs. */
    public static OnnxGraph of(ModelProto model, String source) {
        return new OnnxGraph(model, source);
    }

    private List<NodeProto> topologicalOrder(GraphProto graph) {
        int n = graph.getNodeCount();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String out : graph.getNode(i).getOutputList()) {
                if (!out.isEmpty()) {
                    producer.put(out, i);
                }
            }
        }
        Set<String> available = new HashSet<>(constants.keySet());
        for (ValueInfoProto in : graph.getInputList()) {
            available.add(in.getName());
        }
        int[] pending = new int[n];
        Map<Integer, List<Integer>> dependents = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Set<Integer> deps = new HashSet<>();
            for (String in : graph.getNode(i).getInputList()) {
                if (in.isEmpty() || (available.contains(in) && !producer.containsKey(in))) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    throw EdgeperfException.userError("not a valid ONNX model: " + source + ": node '"
                            + nodeLabel(graph.getNode(i), i) + "' reads '" + in
                            + "', which no node, input or initializer provides");
                }
                if (p != i && deps.add(p)) {
                    dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                }
            }
            pending[i] = deps.size();
        }
        // Kahn's algorithm, taking ready nodes in file order so an already sorted graph keeps its order.
        List<NodeProto> sorted = new ArrayList<>(n);
        PriorityQueue<Integer> queue = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                queue.add(i);
            }
        }
        while (!queue.isEmpty()) {
            int i = queue.poll();
            sorted.add(graph.getNode(i));
            for (int d : dependents.getOrDefault(i, List.of())) {
                if (--pending[d] == 0) {
                    queue.add(d);
                }
            }
        }
        if (sorted.size() != n) {
            throw EdgeperfException.userError("not a valid ONNX model: " + source + ": the graph has a cycle ("
                    + (n - sorted.size()) + " nodes never become ready)");
        }
        return Collections.unmodifiableList(sorted);
    }

    /** A node's name, or {@code OpType#index} when the model left it empty. */
    public static String nodeLabel(NodeProto node, int index) {
        return node.getName().isEmpty() ? node.getOpType() + "#" + index : node.getName();
    }

    public ModelProto model() {
        return model;
    }

    public String source() {
        return source;
    }

    /** Nodes in a valid execution order (Constant nodes included). */
    public List<NodeProto> nodes() {
        return order;
    }

    /** Graph inputs that are not initializers, i.e. what a caller must feed. */
    public List<ValueInfoProto> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<String> outputNames() {
        List<String> names = new ArrayList<>();
        for (ValueInfoProto o : model.getGraph().getOutputList()) {
            names.add(o.getName());
        }
        return names;
    }

    /** The constant tensor (initializer or Constant node output) with this name, or null. */
    public TensorProto constant(String name) {
        return constants.get(name);
    }

    public boolean isInitializer(String name) {
        return initializerNames.contains(name);
    }

    /** Indexes (into {@link #nodes()}) of the nodes that read this value; empty when none. */
    public List<Integer> consumers(String name) {
        return consumers.getOrDefault(name, List.of());
    }

    /** The imported opset version of a domain ("" = default ONNX domain); 0 when not imported. */
    public long opset(String domain) {
        Long v = opsets.get(domain.equals("ai.onnx") ? "" : domain);
        return v == null ? 0 : v;
    }

    /** Element types declared for values in the graph (inputs, outputs, value_info), by name. */
    public Map<String, Integer> declaredTypes() {
        Map<String, Integer> types = new LinkedHashMap<>();
        GraphProto g = model.getGraph();
        for (List<ValueInfoProto> list : List.of(g.getInputList(), g.getValueInfoList(), g.getOutputList())) {
            for (ValueInfoProto v : list) {
                if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
                    types.put(v.getName(), v.getType().getTensorType().getElemType());
                }
            }
        }
        return types;
    }
}
