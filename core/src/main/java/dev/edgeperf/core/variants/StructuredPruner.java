package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * L1-norm filter pruning that removes channels for real: for each prunable Conv the fraction S of its
 * filters with the smallest L1 norm is deleted (weight rows and bias), and so are the matching
 * channels of everything downstream up to the next layer that mixes channels — BatchNormalization
 * parameters, depthwise convs (their filters, bias and group), and the consumer's input channels (next
 * Conv's weight columns, or a Gemm's or MatMul's input blocks after Flatten).
 *
 * <p>Coupled channels are respected by leaving them alone: a Conv whose output (possibly through
 * channel-wise ops) reaches an Add, Concat, Mul, a graph output, several consumers or anything not
 * listed above is not pruned, and a note says why.
 */
final class StructuredPruner {
    private static final Set<String> CHANNELWISE = Set.of("BatchNormalization", "Relu", "Clip", "LeakyRelu",
            "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "Dropout", "Identity");

    private StructuredPruner() {
    }

    /** Per initializer: which indices of which axis survive ({@code block} consecutive entries per channel). */
    private record Cut(int axis, int block, boolean[] keepChannel) {
    }

    static TransformResult apply(ModelProto model, double sparsity) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Map<String, List<Integer>> consumers = Graphs.consumers(g.getNodeList());
        Set<String> outputs = Graphs.graphOutputs(g);
        List<String> notes = new ArrayList<>();
        Map<String, List<Cut>> cuts = new HashMap<>();
        Map<Integer, Long> newGroup = new HashMap<>();
        int pruned = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto c = g.getNode(i);
            if (!c.getOpType().equals("Conv") || !c.getDomain().isEmpty()) {
                continue;
            }
            String name = Graphs.nodeName(c, i);
            TensorProto w = inits.get(c.getInput(1));
            if (w == null || !Tensors.isFloat(w) || w.getDimsCount() != 4) {
                notes.add(name + ": weight is not a 4-D float initializer; left alone");
                continue;
            }
            if (Attributes.getInt(c, "group", 1) != 1) {
                continue; // depthwise/grouped convs are pruned only as part of their producer's chain
            }
            int channels = (int) w.getDims(0);
            // Walk the channel-wise chain to the next channel-mixing consumer.
            List<Integer> chain = new ArrayList<>();
            String y = c.getOutput(0);
            String why = null;
            int terminal = -1;
            int block = 1;
            while (why == null && terminal < 0) {
                List<Integer> cons = consumers.getOrDefault(y, List.of());
                if (outputs.contains(y)) {
                    why = "output reaches graph output '" + y + "'";
                    break;
                }
                if (cons.size() != 1) {
                    why = "output '" + y + "' has " + cons.size() + " consumers (coupled channels)";
                    break;
                }
                int mi = cons.get(0);
                NodeProto m = g.getNode(mi);
                String op = m.getOpType();
                if (!m.getDomain().isEmpty()) {
                    why = "output feeds " + m.getDomain() + "." + op;
                } else if (CHANNELWISE.contains(op) && m.getInput(0).equals(y)) {
                    if (op.equals("BatchNormalization") && !paramsAreInits(m, inits, 1, 5, channels)) {
                        why = "BatchNormalization " + Graphs.nodeName(m, mi) + " has non-constant parameters";
                    }
                    chain.add(mi);
                    y = m.getOutput(0);
                } else if (op.equals("Conv") && m.getInput(0).equals(y) && inits.containsKey(m.getInput(1))) {
                    long group = Attributes.getInt(m, "group", 1);
                    if (group == 1) {
                        terminal = mi;
                    } else if (group == channels && inits.get(m.getInput(1)).getDims(1) == 1
                            && inits.get(m.getInput(1)).getDims(0) == channels) {
                        chain.add(mi); // depthwise: its channels are coupled 1:1 and go with ours
                        y = m.getOutput(0);
                    } else {
                        why = "output feeds grouped conv " + Graphs.nodeName(m, mi) + " (group=" + group + ")";
                    }
                } else if (op.equals("Flatten") && Attributes.getInt(m, "axis", 1) == 1) {
                    List<Integer> fc = consumers.getOrDefault(m.getOutput(0), List.of());
                    NodeProto gemm = fc.size() == 1 ? g.getNode(fc.get(0)) : null;
                    // a one-input consumer (Softmax, Relu …) has no weight to cut
                    TensorProto gw = gemm == null || gemm.getInputCount() < 2 ? null : inits.get(gemm.getInput(1));
                    // Paddle's Linear is MatMul with an [in, out] weight: the same cut as Gemm without transB.
                    boolean dense = gemm != null && gemm.getDomain().isEmpty()
                            && (gemm.getOpType().equals("Gemm") || gemm.getOpType().equals("MatMul"));
                    if (!dense || outputs.contains(m.getOutput(0)) || gw == null || !Tensors.isFloat(gw)
                            || gw.getDimsCount() != 2 || Attributes.getInt(gemm, "transA", 0) != 0
                            || !gemm.getInput(0).equals(m.getOutput(0))) {
                        why = "output is flattened into something other than one Gemm/MatMul with a weight initializer";
                    } else {
                        long k = gw.getDims(Attributes.getInt(gemm, "transB", 0) != 0 ? 1 : 0);
                        if (k % channels != 0) {
                            why = "Gemm " + Graphs.nodeName(gemm, fc.get(0)) + " input size " + k
                                    + " is not a multiple of " + channels + " channels";
                        } else {
                            block = (int) (k / channels);
                            chain.add(mi);
                            terminal = fc.get(0);
                        }
                    }
                } else {
                    why = "output feeds " + op + " " + Graphs.nodeName(m, mi)
                            + (op.equals("Add") || op.equals("Concat") || op.equals("Mul")
                                    ? " (residual/concat: coupled channels)" : "");
                }
            }
            if (why != null) {
                notes.add(name + ": not pruned, " + why);
                continue;
            }
            int remove = (int) Math.floor(sparsity * channels);
            if (remove == 0 || remove >= channels) {
                notes.add(name + ": not pruned, " + channels + " filters at sparsity " + sparsity
                        + " leave nothing to remove");
                continue;
            }
            boolean[] keep = keepByL1(Tensors.floats(w), channels, remove);
            cut(cuts, c.getInput(1), new Cut(0, 1, keep));
            if (c.getInputCount() > 2 && !c.getInput(2).isEmpty()) {
                cut(cuts, c.getInput(2), new Cut(0, 1, keep));
            }
            for (int mi : chain) {
                NodeProto m = g.getNode(mi);
                if (m.getOpType().equals("BatchNormalization")) {
                    for (int p = 1; p < 5; p++) {
                        cut(cuts, m.getInput(p), new Cut(0, 1, keep));
                    }
                } else if (m.getOpType().equals("Conv")) {
                    cut(cuts, m.getInput(1), new Cut(0, 1, keep));
                    if (m.getInputCount() > 2 && !m.getInput(2).isEmpty()) {
                        cut(cuts, m.getInput(2), new Cut(0, 1, keep));
                    }
                    newGroup.put(mi, (long) (channels - remove));
                }
            }
            NodeProto t = g.getNode(terminal);
            if (t.getOpType().equals("Conv")) {
                cut(cuts, t.getInput(1), new Cut(1, 1, keep));
            } else {
                cut(cuts, t.getInput(1), new Cut(Attributes.getInt(t, "transB", 0) != 0 ? 1 : 0, block, keep));
            }
            pruned++;
        }
        if (pruned == 0) {
            String why = noConvPruned(g);
            notes.add(why);
            return TransformResult.noop(model, notes, why);
        }
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        for (TensorProto t : g.getInitializerList()) {
            List<Cut> cs = cuts.get(t.getName());
            if (cs == null) {
                out.addInitializer(t);
                continue;
            }
            long[] dims = Tensors.dims(t);
            float[] v = Tensors.floats(t);
            for (Cut cut : cs) {
                v = slice(v, dims, cut);
            }
            out.addInitializer(Tensors.floatTensor(t.getName(), dims, v));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            Long grp = newGroup.get(i);
            if (grp == null) {
                out.addNode(n);
                continue;
            }
            NodeProto.Builder nb = n.toBuilder().clearAttribute();
            for (AttributeProto a : n.getAttributeList()) {
                nb.addAttribute(a.getName().equals("group") ? Graphs.intAttribute("group", grp) : a);
            }
            out.addNode(nb);
        }
        return new TransformResult(model.toBuilder().setGraph(out).build(), notes);
    }

    /** The note for a variant equal to its baseline; names the dense layers when there is no conv at all. */
    private static String noConvPruned(GraphProto g) {
        List<String> dense = new ArrayList<>();
        boolean conv = false;
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            conv |= n.getOpType().equals("Conv");
            if (n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm")) {
                dense.add(Graphs.nodeName(n, i));
            }
        }
        if (conv || dense.isEmpty()) {
            return "no conv could be pruned: the variant equals the baseline";
        }
        return "model has no Conv: structured pruning removes conv filters and leaves its " + dense.size()
                + " MatMul/Gemm layers dense (" + dense.get(0) + (dense.size() > 1 ? ", …" : "")
                + "); the variant equals the baseline";
    }

    private static void cut(Map<String, List<Cut>> cuts, String tensor, Cut cut) {
        cuts.computeIfAbsent(tensor, k -> new ArrayList<>()).add(cut);
    }

    private static boolean paramsAreInits(NodeProto n, Map<String, TensorProto> inits, int from, int to, int channels) {
        for (int p = from; p < to; p++) {
            TensorProto t = p < n.getInputCount() ? inits.get(n.getInput(p)) : null;
            if (t == null || !Tensors.isFloat(t) || Tensors.elementCount(t) != channels) {
                return false;
            }
        }
        return true;
    }

    /** Mask of filters to keep: all but the {@code remove} with the smallest L1 norm (ties: lower index kept). */
    static boolean[] keepByL1(float[] w, int filters, int remove) {
        int per = w.length / filters;
        double[] norm = new double[filters];
        for (int f = 0; f < filters; f++) {
            for (int j = 0; j < per; j++) {
                norm[f] += Math.abs(w[f * per + j]);
            }
        }
        Integer[] order = new Integer[filters];
        for (int f = 0; f < filters; f++) {
            order[f] = f;
        }
        Arrays.sort(order, (a, b) -> norm[a] != norm[b] ? Double.compare(norm[a], norm[b]) : Integer.compare(b, a));
        boolean[] keep = new boolean[filters];
        Arrays.fill(keep, true);
        for (int r = 0; r < remove; r++) {
            keep[order[r]] = false;
        }
        return keep;
    }

    /** Drops entries along {@code cut.axis} whose channel (index / block) is not kept; updates dims in place. */
    static float[] slice(float[] v, long[] dims, Cut cut) {
        int axis = cut.axis();
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= (int) dims[d];
        }
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        int len = (int) dims[axis];
        int kept = 0;
        for (int j = 0; j < len; j++) {
            kept += cut.keepChannel()[j / cut.block()] ? 1 : 0;
        }
        float[] out = new float[outer * kept * inner];
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < len; j++) {
                if (cut.keepChannel()[j / cut.block()]) {
                    System.arraycopy(v, (o * len + j) * inner, out, p, inner);
                    p += inner;
                }
            }
        }
        dims[axis] = kept;
        return out;
    }
}
