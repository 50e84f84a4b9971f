package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.edgeperf.core.onnx.Attributes;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Raises an opset-9 model to opset 10, the first with QuantizeLinear, QLinearConv and MatMulInteger,
 * so exports such as paddle2onnx's opset-9 files can be quantized. Only six ops got a new version in
 * opset 10; each is rewritten to the same computation or the upgrade is refused:
 * <ul>
 *   <li>Slice: {@code starts}/{@code ends}/{@code axes} attributes become int64 initializer inputs;</li>
 *   <li>Upsample (deprecated in 10): Resize-10, which takes the same {@code (X, scales)} and mode;</li>
 *   <li>TopK: the {@code k} attribute becomes a 1-element int64 input;</li>
 *   <li>Dropout: an inference no-op; refused when its mask output is read (its type changed to bool);</li>
 *   <li>MaxPool, AveragePool: only gained attributes whose defaults keep the old behaviour.</li>
 * </ul>
 * Every other ai.onnx op has the same definition in opsets 9 and 10 (older opsets changed BatchNormalization,
 * Upsample, broadcasting … on the way to 9, so they are not upgraded). Models with subgraphs
 * (If/Loop/Scan bodies) or ops from other domains are refused rather than half-upgraded.
 */
final class OpsetUpgrade {
    static final long TARGET = 10;
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

    /** The upgraded model, or the reason it cannot be upgraded. */
    record Result(ModelProto model, String refusal, String note) {
    }

    private OpsetUpgrade() {
    }

    static Result toOpset10(ModelProto model) {
        long from = Graphs.opset(model);
        if (from >= TARGET) {
            return new Result(model, null, null);
        }
        if (from < 9) {
            return new Result(null, "opset " + from + " < 9 is not upgraded to " + TARGET
                    + " (BatchNormalization, Upsample, broadcasting changed before 9)", null);
        }
        GraphProto g = model.getGraph();
        Graphs.Names names = new Graphs.Names(g);
        GraphProto.Builder out = g.toBuilder().clearNode();
        Map<String, Integer> rewritten = new TreeMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String where = Graphs.nodeName(n, i);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                return refused(from, where + " is in domain " + n.getDomain());
            }
            if (CONTROL_FLOW.contains(n.getOpType())) {
                return refused(from, where + " is " + n.getOpType() + " (subgraphs are not upgraded)");
            }
            NodeProto up = switch (n.getOpType()) {
                case "Slice" -> slice(n, out, names);
                case "Upsample" -> n.toBuilder().setOpType("Resize").build();
                case "TopK" -> topK(n, out, names);
                case "Dropout" -> n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() ? null : n;
                default -> n;
            };
            if (up == null) {
                return refused(from, where + " is a Dropout whose mask output is used (bool since opset 10)");
            }
            if (up != n) {
                rewritten.merge(n.getOpType(), 1, Integer::sum);
            }
            out.addNode(up);
        }
        ModelProto.Builder m = model.toBuilder().clearOpsetImport();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean onnx = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            m.addOpsetImport(onnx ? o.toBuilder().setVersion(TARGET).build() : o);
        }
        String note = "opset " + from + " raised to " + TARGET + " (QuantizeLinear/QLinearConv need 10)"
                + (rewritten.isEmpty() ? ", no op changed" : "; rewritten to their opset-10 form: " + rewritten);
        return new Result(m.setGraph(out).build(), null, note);
    }

    private static Result refused(long from, String why) {
        return new Result(null, "opset " + from + " cannot be raised to " + TARGET + ": " + why, null);
    }

    /** Slice-1 attributes as Slice-10 inputs (data, starts, ends, axes). */
    private static NodeProto slice(NodeProto n, GraphProto.Builder out, Graphs.Names names) {
        if (n.getInputCount() != 1) {
            return n; // already the input form
        }
        long[] starts = Attributes.getInts(n, "starts", new long[0]);
        long[] ends = Attributes.getInts(n, "ends", new long[0]);
        long[] axes = Attributes.getInts(n, "axes", null);
        List<String> in = new ArrayList<>(List.of(n.getInput(0), constant(out, names, n, "starts", starts),
                constant(out, names, n, "ends", ends)));
        if (axes != null) {
            in.add(constant(out, names, n, "axes", axes));
        }
        return withoutAttributes(n, in, Set.of("starts", "ends", "axes"));
    }

    private static NodeProto topK(NodeProto n, GraphProto.Builder out, Graphs.Names names) {
        if (n.getInputCount() != 1) {
            return n;
        }
        long k = Attributes.getInt(n, "k", 1);
        return withoutAttributes(n, List.of(n.getInput(0), constant(out, names, n, "k", new long[] {k})), Set.of("k"));
    }

    private static String constant(GraphProto.Builder out, Graphs.Names names, NodeProto n, String what, long[] v) {
        String name = names.fresh((n.getName().isEmpty() ? n.getOpType() : n.getName()) + "_" + what);
        out.addInitializer(Tensors.int64Tensor(name, new long[] {v.length}, v));
        return name;
    }

    private static NodeProto withoutAttributes(NodeProto n, List<String> inputs, Set<String> drop) {
        NodeProto.Builder b = n.toBuilder().clearInput().addAllInput(inputs).clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            if (!drop.contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b.build();
    }
}
