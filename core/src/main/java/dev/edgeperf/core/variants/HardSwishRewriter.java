package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites hard-swish spelled with four ops, {@code Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)} (what
 * paddle2onnx and older exporters write), as {@code Mul(x, HardSigmoid(x, alpha=1/6, beta=0.5))}: the
 * same function, clip(x/6 + 1/2, 0, 1)·x, in two passes over the tensor instead of four.
 *
 * <p>Why in the int8 path: between two quantized convs every fp32 op is a full pass over a float
 * tensor (four times the bytes of the uint8 one); on PP-OCRv4's detector the hard-swish ops took a
 * fifth of the quantized model's kernel time.
 */
final class HardSwishRewriter {
    private HardSwishRewriter() {
    }

    static ModelProto rewrite(ModelProto model, List<String> notes) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        Map<Integer, NodeProto[]> replace = new HashMap<>(); // Div index -> its two new nodes
        Set<Integer> removed = new HashSet<>();
        Graphs.Names names = new Graphs.Names(g);
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto add = g.getNode(i);
            if (!is(add, "Add") || add.getInputCount() != 2) {
                continue;
            }
            int k = constantIndex(add, inits, 3f);
            if (k < 0) {
                continue;
            }
            String x = add.getInput(1 - k);
            int[] chain = chain(g, consumers, outputs, add, inits);
            if (chain == null) {
                continue;
            }
            NodeProto mul = g.getNode(chain[1]);
            if (!(mul.getInput(0).equals(x) || mul.getInput(1).equals(x))) {
                continue;
            }
            NodeProto div = g.getNode(chain[2]);
            String hs = names.fresh(div.getOutput(0) + "_hardsigmoid");
            NodeProto sig = Graphs.node("HardSigmoid", names.fresh(div.getName() + "_hardsigmoid"), List.of(x),
                    List.of(hs), AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(1f / 6f).build(),
                    AttributeProto.newBuilder().setName("beta").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(0.5f).build());
            NodeProto out = Graphs.node("Mul", div.getName(), List.of(x, hs), div.getOutputList());
            removed.add(i);
            removed.add(chain[0]);
            removed.add(chain[1]);
            replace.put(chain[2], new NodeProto[] {sig, out});
        }
        if (replace.isEmpty()) {
            return model;
        }
        GraphProto.Builder b = g.toBuilder().clearNode();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto[] r = replace.get(i);
            if (r != null) {
                b.addNode(r[0]).addNode(r[1]);
            } else if (!removed.contains(i)) {
                b.addNode(g.getNode(i));
            }
        }
        notes.add(replace.size() + " hard-swish Add/Clip/Mul/Div chains rewritten as x·HardSigmoid(x)");
        return model.toBuilder().setGraph(Graphs.dropUnusedInitializers(b.build())).build();
    }

    /** Indices of the Clip(0, 6), Mul and Div(6) after {@code add}, each the only reader of the one before. */
    private static int[] chain(GraphProto g, Map<String, List<Integer>> consumers, Set<String> outputs, NodeProto add,
            Map<String, TensorProto> inits) {
        Integer clip = only(consumers, outputs, add.getOutput(0));
        if (clip == null || !isClip06(g.getNode(clip), inits)) {
            return null;
        }
        Integer mul = only(consumers, outputs, g.getNode(clip).getOutput(0));
        if (mul == null || !is(g.getNode(mul), "Mul") || g.getNode(mul).getInputCount() != 2) {
            return null;
        }
        Integer div = only(consumers, outputs, g.getNode(mul).getOutput(0));
        if (div == null || !is(g.getNode(div), "Div") || !g.getNode(div).getInput(0).equals(g.getNode(mul).getOutput(0))
                || constantIndex(g.getNode(div), inits, 6f) != 1) {
            return null;
        }
        return new int[] {clip, mul, div};
    }

    private static Integer only(Map<String, List<Integer>> consumers, Set<String> outputs, String t) {
        List<Integer> c = consumers.getOrDefault(t, List.of());
        return c.size() == 1 && !outputs.contains(t) ? c.get(0) : null;
    }

    private static boolean isClip06(NodeProto n, Map<String, TensorProto> inits) {
        if (!is(n, "Clip")) {
            return false;
        }
        if (n.getInputCount() == 1) {
            return Attributes.has(n, "min") && Attributes.has(n, "max") && Attributes.getFloat(n, "min", -1f) == 0f
                    && Attributes.getFloat(n, "max", -1f) == 6f;
        }
        return n.getInputCount() == 3 && scalar(inits.get(n.getInput(1)), 0f) && scalar(inits.get(n.getInput(2)), 6f);
    }

    /** Which input (0 or 1) of a two-input node is the scalar constant {@code v}, or -1. */
    private static int constantIndex(NodeProto n, Map<String, TensorProto> inits, float v) {
        for (int k = 0; k < 2 && k < n.getInputCount(); k++) {
            if (scalar(inits.get(n.getInput(k)), v)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean scalar(TensorProto t, float v) {
        return t != null && Tensors.isFloat(t) && Tensors.elementCount(t) == 1 && Tensors.floats(t)[0] == v;
    }

    private static boolean is(NodeProto n, String op) {
        return n.getDomain().isEmpty() && n.getOpType().equals(op);
    }
}
