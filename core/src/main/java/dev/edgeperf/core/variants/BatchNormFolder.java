package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds inference-mode {@code BatchNormalization} into the Conv that feeds it:
 * with s[o] = γ[o] / √(var[o] + ε), the conv weights become W'[o, …] = W[o, …] · s[o] and its bias
 * b'[o] = (b[o] − mean[o]) · s[o] + β[o] (b = 0 when the conv had none). The BN node disappears and
 * the conv writes the BN's output tensor, so the rest of the graph is unchanged.
 *
 * <p>Why before static quantization: per-channel int8 weights must be those the hardware multiplies
 * with, and a BN left between Conv and its output quantizer would keep an fp32 op in the int8 chain.
 * Computed in double, so the folded fp32 model matches the original to rounding (≈1e-6 relative).
 *
 * <p>A BN is left alone (with a note) when its input is not a Conv output read only by the BN, when
 * its parameters or the conv's weight/bias are not float initializers of the right size, or when the
 * conv's weight is shared with another node.
 */
final class BatchNormFolder {
    private BatchNormFolder() {
    }

    /** The folded model; appends one note per BN left in place and one summary line. */
    static ModelProto fold(ModelProto model, List<String> notes) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        Graphs.Names names = new Graphs.Names(g);
        Map<String, TensorProto> replaced = new HashMap<>();
        List<TensorProto> added = new ArrayList<>();
        Map<Integer, NodeProto> newConv = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        int folded = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto bn = g.getNode(i);
            if (!bn.getOpType().equals("BatchNormalization") || !bn.getDomain().isEmpty()) {
                continue;
            }
            Integer ci = producer.get(bn.getInput(0));
            String why = whyNot(g, bn, ci, inits, consumers, outputs);
            if (why != null) {
                notes.add(Graphs.nodeName(bn, i) + ": BatchNormalization not folded, " + why);
                continue;
            }
            NodeProto conv = newConv.getOrDefault(ci, g.getNode(ci));
            TensorProto w = inits.get(conv.getInput(1));
            int channels = (int) w.getDims(0);
            float[] gamma = Tensors.floats(inits.get(bn.getInput(1)));
            float[] beta = Tensors.floats(inits.get(bn.getInput(2)));
            float[] mean = Tensors.floats(inits.get(bn.getInput(3)));
            float[] var = Tensors.floats(inits.get(bn.getInput(4)));
            double eps = Attributes.getFloat(bn, "epsilon", 1e-5f);
            boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
            float[] bias = hasBias ? Tensors.floats(inits.get(conv.getInput(2))) : new float[channels];
            float[] wv = Tensors.floats(w);
            int per = wv.length / channels;
            float[] nb = new float[channels];
            for (int o = 0; o < channels; o++) {
                double s = gamma[o] / Math.sqrt((double) var[o] + eps);
                for (int j = 0; j < per; j++) {
                    wv[o * per + j] = (float) (wv[o * per + j] * s);
                }
                nb[o] = (float) (((double) bias[o] - mean[o]) * s + beta[o]);
            }
            replaced.put(w.getName(), Tensors.floatTensor(w.getName(), Tensors.dims(w), wv));
            NodeProto.Builder cb = conv.toBuilder().setOutput(0, bn.getOutput(0));
            if (hasBias) {
                replaced.put(conv.getInput(2), Tensors.floatTensor(conv.getInput(2), new long[] {channels}, nb));
            } else {
                String b = names.fresh((conv.getName().isEmpty() ? "conv" + ci : conv.getName()) + ".folded_bias");
                added.add(Tensors.floatTensor(b, new long[] {channels}, nb));
                cb.addInput(b);
            }
            newConv.put(ci, cb.build());
            removed.add(i);
            folded++;
        }
        if (folded == 0) {
            return model;
        }
        GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        for (TensorProto t : g.getInitializerList()) {
            out.addInitializer(replaced.getOrDefault(t.getName(), t));
        }
        out.addAllInitializer(added);
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (!removed.contains(i)) {
                out.addNode(newConv.getOrDefault(i, g.getNode(i)));
            }
        }
        notes.add(folded + " BatchNormalization folded into the preceding Conv");
        return model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out.build())).build();
    }

    /** Why this BN cannot be folded into node {@code ci}, or null when it can. */
    private static String whyNot(GraphProto g, NodeProto bn, Integer ci, Map<String, TensorProto> inits,
            Map<String, List<Integer>> consumers, Set<String> outputs) {
        if (ci == null) {
            return "its input is not produced by a node";
        }
        NodeProto conv = g.getNode(ci);
        if (!conv.getOpType().equals("Conv") || !conv.getDomain().isEmpty()) {
            return "its input comes from " + conv.getOpType() + ", not a Conv";
        }
        if (Attributes.getInt(bn, "training_mode", 0) != 0 || bn.getOutputCount() != 1) {
            return "it is in training mode";
        }
        String x = bn.getInput(0);
        if (outputs.contains(x) || consumers.getOrDefault(x, List.of()).size() != 1) {
            return "the conv output '" + x + "' is also read elsewhere";
        }
        TensorProto w = inits.get(conv.getInput(1));
        if (w == null || !Tensors.isFloat(w) || w.getDimsCount() < 3) {
            return "the conv weight is not a float initializer";
        }
        if (consumers.getOrDefault(w.getName(), List.of()).size() != 1) {
            return "the conv weight '" + w.getName() + "' is shared with another node";
        }
        long channels = w.getDims(0);
        if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
            TensorProto b = inits.get(conv.getInput(2));
            if (b == null || !Tensors.isFloat(b) || Tensors.elementCount(b) != channels
                    || consumers.getOrDefault(b.getName(), List.of()).size() != 1) {
                return "the conv bias is not a float initializer of " + channels + " values used only here";
            }
        }
        for (int p = 1; p < 5; p++) {
            TensorProto t = p < bn.getInputCount() ? inits.get(bn.getInput(p)) : null;
            if (t == null || !Tensors.isFloat(t) || Tensors.elementCount(t) != channels) {
                return "parameter " + p + " is not a float initializer of " + channels + " values";
            }
        }
        return null;
    }
}
