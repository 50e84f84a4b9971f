package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a model exported with a fixed batch of 1 into one with a symbolic leading dimension
 * {@value #SYMBOL}, where the graph allows it: every fed input and every output leads with a literal 1,
 * no constant shape pins that 1 (Reshape, Expand, ConstantOfShape, Tile, Slice on axis 0), no subgraphs, no
 * external data. The rewritten model is accepted only after ONNX Runtime runs it at batch 2 and each batch
 * item equals the original's batch-1 output within {@value #TOLERANCE} (relative to the item's magnitude
 * when that exceeds 1), so an op that mixes the batch (a Softmax over axis 0) is caught too.
 */
public final class Rebatcher {
    /** The symbol the leading dimensions get. */
    public static final String SYMBOL = "batch";
    /** Largest difference between a batch-2 item and the batch-1 output, absolute up to magnitude 1. */
    public static final double TOLERANCE = 1e-5;

    /**
     * What came of it.
     *
     * @param model  the rebatched model, or null when it could not be rebatched
     * @param inputs the inputs whose leading dimension became {@value #SYMBOL} (empty when refused)
     * @param reason why it could not be rebatched (one clause, no model name), or null
     */
    public record Outcome(ModelProto model, List<String> inputs, String reason) {
        public Outcome {
            inputs = List.copyOf(inputs);
            if ((model == null) == (reason == null)) {
                throw new IllegalArgumentException("exactly one of model and reason must be set");
            }
        }

        public boolean rebatched() {
            return model != null;
        }
    }

    private Rebatcher() {
    }

    /**
     * @param given the input sizes given for the model (used for the batch-1 check inputs)
     * @return the rebatched model, or the reason it cannot be rebatched; never throws for a model it refuses
     */
    public static Outcome rebatch(ModelProto model, ModelInputs given) {
        Objects.requireNonNull(given, "given is null");
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        String reason = structural(g, inits);
        if (reason != null) {
            return new Outcome(null, List.of(), reason);
        }
        List<String> inputs = new ArrayList<>();
        GraphProto.Builder b = g.toBuilder();
        for (int i = 0; i < b.getInputCount(); i++) {
            if (!inits.containsKey(b.getInput(i).getName()) && rank(b.getInput(i)) > 0) {
                inputs.add(b.getInput(i).getName());
                b.setInput(i, leadingSymbol(b.getInput(i)));
            }
        }
        for (int i = 0; i < b.getOutputCount(); i++) {
            b.setOutput(i, leadingSymbol(b.getOutput(i)));
        }
        // rank-1 [1] tensors are shape-like (a sliced size, a scale), not batched rows
        for (int i = 0; i < b.getValueInfoCount(); i++) {
            if (rank(b.getValueInfo(i)) > 1 && leading(b.getValueInfo(i)) == 1) {
                b.setValueInfo(i, leadingSymbol(b.getValueInfo(i)));
            }
        }
        ModelProto rebatched = model.toBuilder().setGraph(b).build();
        reason = BatchCheck.mismatch(model, rebatched, given);
        return reason == null ? new Outcome(rebatched, inputs, null) : new Outcome(null, List.of(), reason);
    }

    /** Why the graph's structure rules rebatching out, or null. */
    private static String structural(GraphProto g, Map<String, TensorProto> inits) {
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                return "its weights are in external data files";
            }
        }
        List<ValueInfoProto> all = new ArrayList<>(g.getInputList());
        all.addAll(g.getOutputList());
        all.addAll(g.getValueInfoList());
        for (ValueInfoProto v : all) {
            for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
                if (SYMBOL.equals(d.getDimParam())) {
                    return "it already uses the symbol '" + SYMBOL + "' ('" + v.getName() + "')";
                }
            }
        }
        boolean anyFed = false;
        for (ValueInfoProto v : g.getInputList()) {
            if (inits.containsKey(v.getName())) {
                continue;
            }
            if (!v.getType().getTensorType().hasShape()) {
                return "input '" + v.getName() + "' declares no shape";
            }
            if (rank(v) > 0 && leading(v) != 1) {
                return "input '" + v.getName() + "' leads with " + describeLeading(v) + ", not 1";
            }
            anyFed |= rank(v) > 0;
        }
        if (!anyFed) {
            return "it has no input with a leading dimension";
        }
        for (ValueInfoProto v : g.getOutputList()) {
            if (!v.getType().getTensorType().hasShape() || rank(v) == 0 || leading(v) != 1) {
                return "output '" + v.getName() + "' does not lead with 1"
                        + (v.getType().getTensorType().hasShape() ? " (" + describeLeading(v) + ")" : " (no shape)");
            }
        }
        return pinning(g, inits);
    }

    /** A node that holds the leading 1 in a constant, or has subgraphs the checks do not look into; or null. */
    private static String pinning(GraphProto g, Map<String, TensorProto> inits) {
        Map<String, TensorProto> constants = new HashMap<>(inits);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1 && Tensors.constantValue(n) != null) {
                constants.put(n.getOutput(0), Tensors.constantValue(n));
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String node = "node '" + Graphs.nodeName(n, i) + "' (" + n.getOpType() + ")";
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    return node + " has subgraphs";
                }
            }
            int shapeInput = switch (n.getOpType()) {
                case "Reshape", "Expand", "Tile" -> 1;
                case "ConstantOfShape" -> 0;
                default -> -1;
            };
            long[] shape = shapeInput >= 0 && n.getInputCount() > shapeInput
                    ? values(constants.get(n.getInput(shapeInput))) : null;
            if (shape != null && shape.length > 0 && pins(n.getOpType(), shape[0])) {
                return node + " has a constant " + (n.getOpType().equals("Tile") ? "repeats" : "shape") + " leading with "
                        + shape[0];
            }
            if (n.getOpType().equals("Slice") && slicesAxis0(n, constants)) {
                return node + " slices the leading dimension";
            }
            if (n.getOpType().equals("Flatten") && intAttribute(n, "axis", 1) == 0) {
                return node + " flattens across the leading dimension";
            }
        }
        return null;
    }

    /** Reshape keeps the batch only with 0 (copy) or -1 (infer) first; Expand/ConstantOfShape hold a 1; Tile any. */
    private static boolean pins(String op, long first) {
        return switch (op) {
            case "Reshape" -> first != 0 && first != -1;
            case "Tile" -> first != 1;
            default -> first == 1;
        };
    }

    private static boolean slicesAxis0(NodeProto n, Map<String, TensorProto> constants) {
        if (n.getInputCount() < 2) { // opset < 10: starts/ends/axes are attributes
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("axes")) {
                    return a.getIntsList().contains(0L);
                }
            }
            return true;
        }
        if (n.getInputCount() < 4 || n.getInput(3).isEmpty()) {
            return true; // no axes: starts/ends begin at axis 0
        }
        long[] axes = values(constants.get(n.getInput(3)));
        if (axes == null) {
            return true; // axes computed at run time: cannot tell
        }
        for (long a : axes) {
            if (a == 0) {
                return true;
            }
        }
        return false;
    }

    private static long intAttribute(NodeProto n, String name, long dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static long[] values(TensorProto t) {
        return t == null ? null : Tensors.intValues(t);
    }

    private static int rank(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimCount();
    }

    /** The literal leading size, or 0 when it is a symbol or unknown. */
    private static long leading(ValueInfoProto v) {
        TensorShapeProto.Dimension d = v.getType().getTensorType().getShape().getDim(0);
        return d.hasDimValue() ? d.getDimValue() : 0;
    }

    private static String describeLeading(ValueInfoProto v) {
        if (rank(v) == 0) {
            return "no dimension";
        }
        TensorShapeProto.Dimension d = v.getType().getTensorType().getShape().getDim(0);
        return d.hasDimValue() ? Long.toString(d.getDimValue())
                : d.getDimParam().isEmpty() ? "an unknown dimension" : "symbol '" + d.getDimParam() + "'";
    }

    private static ValueInfoProto leadingSymbol(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimValue()
                .setDimParam(SYMBOL);
        return b.build();
    }
}
