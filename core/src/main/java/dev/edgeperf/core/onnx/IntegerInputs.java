package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The one rule for what synthetic values an integer (int32 / int64) model input gets, shared by
 * calibration inputs ({@code core.variants.RandomInputs}) and the agent's measurement inputs, so a
 * sequence model runs on inputs it accepts:
 * <ol>
 *   <li>a name like {@code *token_type*} or {@code *segment*}: zeros (the first segment);</li>
 *   <li>a name like {@code *mask*}: ones (every position attended);</li>
 *   <li>indices of a {@code Gather} into a constant table {@code [V, ...]} (token ids into an embedding
 *       table), directly or through a {@code Cast}: ids uniform in [0, V), V the smallest such table;</li>
 *   <li>anything else: ones (a valid index, length or flag for most models).</li>
 * </ol>
 */
public final class IntegerInputs {
    /** How an integer input is filled. */
    public enum Kind { TOKEN_IDS, ONES, ZEROS }

    /**
     * @param kind  the fill
     * @param bound for {@link Kind#TOKEN_IDS}, the table's row count V (ids in [0, V)); 0 otherwise
     * @param why   one phrase saying which part of the rule applied, e.g. {@code "indices into Gather table [30522, 384]"}
     */
    public record Rule(Kind kind, long bound, String why) {
        public Rule {
            Objects.requireNonNull(kind, "kind is null");
            Objects.requireNonNull(why, "why is null");
            if (kind == Kind.TOKEN_IDS && bound < 1) {
                throw new IllegalArgumentException("token ids need a table of at least one row, got " + bound);
            }
        }

        /** The next value for this input. */
        public long next(SplittableRandom random) {
            return switch (kind) {
                case TOKEN_IDS -> random.nextLong(bound);
                case ONES -> 1;
                case ZEROS -> 0;
            };
        }
    }

    /** The rule for an input the model does not describe (no graph at hand): ones. */
    public static final Rule DEFAULT = new Rule(Kind.ONES, 0, "no rule applies: ones");

    private IntegerInputs() {
    }

    /** The rule of every int32/int64 graph input (initializers excluded), by name, in input order. */
    public static Map<String, Rule> rules(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> constants = new HashMap<>();
        g.getInitializerList().forEach(t -> constants.put(t.getName(), t));
        for (NodeProto n : g.getNodeList()) {
            TensorProto v = n.getOpType().equals("Constant") && n.getOutputCount() == 1 ? Tensors.constantValue(n) : null;
            if (v != null) {
                constants.put(n.getOutput(0), v);
            }
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (ValueInfoProto in : g.getInputList()) {
            int type = in.getType().getTensorType().getElemType();
            if (!constants.containsKey(in.getName())
                    && (type == DataType.INT64_VALUE || type == DataType.INT32_VALUE)) {
                rules.put(in.getName(), rule(g, constants, in.getName()));
            }
        }
        return rules;
    }

    private static Rule rule(GraphProto g, Map<String, TensorProto> constants, String input) {
        String name = input.toLowerCase(Locale.ROOT);
        if (name.contains("token_type") || name.contains("segment")) {
            return new Rule(Kind.ZEROS, 0, "named like a token type: zeros");
        }
        if (name.contains("mask")) {
            return new Rule(Kind.ONES, 0, "named like a mask: ones");
        }
        TensorProto table = smallestTable(g, constants, input);
        if (table == null) {
            return DEFAULT;
        }
        return new Rule(Kind.TOKEN_IDS, table.getDims(0), "indices into Gather table " + table.getDimsList());
    }

    /** The Gather table with the fewest rows that {@code input} (or a Cast of it) indexes, or null. */
    private static TensorProto smallestTable(GraphProto g, Map<String, TensorProto> constants, String input) {
        Set<String> aliases = new HashSet<>();
        aliases.add(input);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Cast") && n.getInputCount() == 1 && aliases.contains(n.getInput(0))) {
                aliases.add(n.getOutput(0));
            }
        }
        TensorProto best = null;
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Gather") || n.getInputCount() != 2 || !aliases.contains(n.getInput(1))) {
                continue;
            }
            TensorProto t = constants.get(n.getInput(0));
            if (t != null && t.getDimsCount() > 0 && t.getDims(0) > 0 && axis(n) == 0
                    && (best == null || t.getDims(0) < best.getDims(0))) {
                best = t;
            }
        }
        return best;
    }

    private static long axis(NodeProto gather) {
        return gather.getAttributeList().stream().filter(a -> a.getName().equals("axis")).mapToLong(a -> a.getI())
                .findFirst().orElse(0);
    }
}
