package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Tensors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a {@code Mul} or {@code Add} by a constant that is the only reader of a Conv's output into the
 * conv: y·c = conv with W'[o] = W[o]·c[o], b'[o] = b[o]·c[o]; y + c = conv with b'[o] = b[o] + c[o], for a
 * scalar c or one value per output channel. Repeated, so Conv → Mul → Add chains (paddle2onnx's
 * learnable-affine blocks of PP-LCNet) become one conv. Computed in double; the fp32 result equals the
 * original to rounding.
 *
 * <p>Why before static quantization: the quantized conv writes uint8, so an fp32 Mul/Add behind it
 * costs a DequantizeLinear, two full passes over the tensor in fp32 and a QuantizeLinear; ONNX
 * Runtime's own Conv+Mul/Add fusions do not apply to QLinearConv. The new weight and bias tensors get
 * fresh names, so a shared weight is never changed under another node.
 */
final class ConvAffineFolder {
    private ConvAffineFolder() {
    }

    /**
     * What both int8-static forms do first: BatchNormalization, then Mul/Add constants, into their Conv,
     * and four-op hard-swish as two ops ({@link HardSwishRewriter}).
     */
    static ModelProto prepare(ModelProto model, List<String> notes) {
        return HardSwishRewriter.rewrite(fold(BatchNormFolder.fold(model, notes), notes), notes);
    }

    /** The folded model; appends one summary note when anything was folded. */
    static ModelProto fold(ModelProto model, List<String> notes) {
        GraphProto g = model.getGraph();
        int folded = 0;
        for (GraphProto next = foldOne(g); next != null; next = foldOne(g)) {
            g = next;
            folded++;
        }
        if (folded == 0) {
            return model;
        }
        notes.add(folded + " Mul/Add by a per-channel constant folded into the Conv before it");
        return model.toBuilder().setGraph(Graphs.dropUnusedInitializers(g)).build();
    }

    /** The graph with the first foldable Conv → Mul/Add pair folded, or null when there is none. */
    private static GraphProto foldOne(GraphProto g) {
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto conv = g.getNode(i);
            if (!conv.getOpType().equals("Conv") || !conv.getDomain().isEmpty() || conv.getInputCount() < 2) {
                continue;
            }
            TensorProto w = inits.get(conv.getInput(1));
            String y = conv.getOutput(0);
            List<Integer> cons = consumers.getOrDefault(y, List.of());
            if (w == null || !Tensors.isFloat(w) || w.getDimsCount() < 3 || outputs.contains(y) || cons.size() != 1) {
                continue;
            }
            int channels = (int) w.getDims(0);
            float[] bias = bias(conv, inits, channels);
            NodeProto op = g.getNode(cons.get(0));
            float[] c = op.getDomain().isEmpty() && (op.getOpType().equals("Mul") || op.getOpType().equals("Add"))
                    && op.getInputCount() == 2 && bias != null
                    ? perChannel(inits.get(op.getInput(op.getInput(0).equals(y) ? 1 : 0)), channels, w.getDimsCount())
                    : null;
            if (c == null || op.getInput(0).equals(op.getInput(1))) {
                continue;
            }
            Graphs.Names names = new Graphs.Names(g);
            String base = conv.getName().isEmpty() ? "conv" + i : conv.getName();
            NodeProto.Builder nc = conv.toBuilder().setOutput(0, op.getOutput(0));
            GraphProto.Builder out = g.toBuilder();
            float[] nb = new float[channels];
            if (op.getOpType().equals("Mul")) {
                float[] wv = Tensors.floats(w);
                int per = wv.length / channels;
                for (int o = 0; o < channels; o++) {
                    for (int j = 0; j < per; j++) {
                        wv[o * per + j] = (float) ((double) wv[o * per + j] * c[o]);
                    }
                    nb[o] = (float) ((double) bias[o] * c[o]);
                }
                String wn = names.fresh(base + ".scaled_weight");
                out.addInitializer(Tensors.floatTensor(wn, Tensors.dims(w), wv));
                nc.setInput(1, wn);
            } else {
                for (int o = 0; o < channels; o++) {
                    nb[o] = (float) ((double) bias[o] + c[o]);
                }
            }
            String bn = names.fresh(base + ".folded_bias");
            out.addInitializer(Tensors.floatTensor(bn, new long[] {channels}, nb));
            if (nc.getInputCount() > 2) {
                nc.setInput(2, bn);
            } else {
                nc.addInput(bn);
            }
            out.setNode(i, nc).removeNode(cons.get(0));
            return out.build();
        }
        return null;
    }

    /** The conv's bias (zeros when it has none), or null when it is not a float initializer of one per channel. */
    private static float[] bias(NodeProto conv, Map<String, TensorProto> inits, int channels) {
        if (conv.getInputCount() < 3 || conv.getInput(2).isEmpty()) {
            return new float[channels];
        }
        TensorProto b = inits.get(conv.getInput(2));
        return b != null && Tensors.isFloat(b) && Tensors.elementCount(b) == channels ? Tensors.floats(b) : null;
    }

    /**
     * One value per output channel of a float constant that broadcasts over a conv output of rank
     * {@code rank} (a scalar, or [C, 1, …] aligned on the channel axis), or null.
     */
    private static float[] perChannel(TensorProto t, int channels, int rank) {
        if (t == null || !Tensors.isFloat(t) || t.getDimsCount() > rank) {
            return null;
        }
        float[] v = Tensors.floats(t);
        float[] c = new float[channels];
        if (v.length == 1) {
            java.util.Arrays.fill(c, v[0]);
            return c;
        }
        int channelAxis = t.getDimsCount() - (rank - 1); // dims align from the right; the channel is axis 1
        if (v.length != channels || channelAxis < 0 || t.getDims(channelAxis) != channels) {
            return null;
        }
        return v;
    }
}
