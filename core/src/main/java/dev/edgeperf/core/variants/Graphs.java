package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph lookups and small edits shared by the transforms. Package-private helpers. */
final class Graphs {
    private Graphs() {
    }

    /**
     * A copy of the model fit for editing: float Constant nodes become initializers (so weights held
     * in Constant nodes are transformed like any other), and intermediate value_info is dropped
     * because transforms change shapes and ONNX Runtime rejects stale ones.
     */
    static ModelProto normalize(ModelProto model) {
        return model.toBuilder().setGraph(normalize(model.getGraph())).build();
    }

    /** See {@link #normalize(ModelProto)}. */
    static GraphProto normalize(GraphProto g) {
        GraphProto.Builder out = g.toBuilder().clearNode().clearValueInfo();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getDomain().isEmpty() && n.getAttributeCount() == 1
                    && n.getAttribute(0).getName().equals("value")) {
                TensorProto t = n.getAttribute(0).getT().toBuilder().setName(n.getOutput(0)).build();
                out.addInitializer(t);
            } else {
                out.addNode(n);
            }
        }
        return out.build();
    }

    static Map<String, TensorProto> initializers(GraphProto g) {
        Map<String, TensorProto> m = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            m.put(t.getName(), t);
        }
        return m;
    }

    /** Tensor name to the indices of the nodes that read it. */
    static Map<String, List<Integer>> consumers(List<? extends NodeProto> nodes) {
        Map<String, List<Integer>> m = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                if (!in.isEmpty()) {
                    m.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
        return m;
    }

    static Set<String> graphOutputs(GraphProto g) {
        Set<String> s = new HashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            s.add(v.getName());
        }
        return s;
    }

    static String nodeName(NodeProto n, int index) {
        return n.getName().isEmpty() ? n.getOpType() + "#" + index : n.getName();
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttribute(String name, List<Long> values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(values).build();
    }

    static NodeProto node(String op, String name, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    /** Version of the default ONNX domain the model imports (0 when absent). */
    static long opset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return o.getVersion();
            }
        }
        return 0;
    }

    /**
     * The graph without initializers that no node reads and that are not graph outputs. Nodes inside
     * {@code If}/{@code Loop}/{@code Scan} bodies read the outer graph's initializers by name too: those stay.
     */
    static GraphProto dropUnusedInitializers(GraphProto g) {
        Set<String> used = new HashSet<>(graphOutputs(g));
        addNodeInputs(g, used);
        GraphProto.Builder b = g.toBuilder().clearInitializer();
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        return b.build();
    }

    /**
     * The graph without QuantizeLinear/DequantizeLinear nodes whose output nothing reads (repeated, so a DQ that
     * fed only a dropped Q goes too), then without the initializers they alone read. The quantizers emit a tensor's
     * uint8 form when it is written, before knowing whether an int8 op will read it (a residual Add's output whose
     * Relu is folded into a quantizer of its own): ONNX Runtime runs such nodes all the same.
     */
    static GraphProto dropUnreadQuantizers(GraphProto g) {
        GraphProto current = g;
        while (true) {
            Set<String> used = new HashSet<>(graphOutputs(current));
            addNodeInputs(current, used);
            GraphProto.Builder b = current.toBuilder().clearNode();
            for (NodeProto n : current.getNodeList()) {
                boolean quantizer = n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear");
                if (!quantizer || n.getOutputList().stream().anyMatch(used::contains)) {
                    b.addNode(n);
                }
            }
            if (b.getNodeCount() == current.getNodeCount()) {
                return dropUnusedInitializers(current);
            }
            current = b.build();
        }
    }

    /** Every input name of the graph's nodes and of the nodes of their subgraphs, at any depth. */
    private static void addNodeInputs(GraphProto g, Set<String> used) {
        for (NodeProto n : g.getNodeList()) {
            used.addAll(n.getInputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    addNodeInputs(a.getG(), used);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    addNodeInputs(sub, used);
                }
            }
        }
    }

    /** Hands out tensor/node names that do not clash with any name already in the graph. */
    static final class Names {
        private final Set<String> used = new HashSet<>();

        Names(GraphProto g) {
            g.getInitializerList().forEach(t -> used.add(t.getName()));
            g.getInputList().forEach(v -> used.add(v.getName()));
            g.getOutputList().forEach(v -> used.add(v.getName()));
            for (NodeProto n : g.getNodeList()) {
                used.add(n.getName());
                used.addAll(n.getInputList());
                used.addAll(n.getOutputList());
            }
        }

        String fresh(String base) {
            String name = base;
            for (int i = 1; !used.add(name); i++) {
                name = base + "_" + i;
            }
            return name;
        }
    }
}
