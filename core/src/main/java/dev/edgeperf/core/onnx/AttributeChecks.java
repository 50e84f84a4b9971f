package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Attribute values no valid model has and that ONNX Runtime's native shape inference divides by or
 * loops over (a zero stride crashes the JVM inside ORT session creation rather than failing it):
 * such a node makes the model invalid, a USER_ERROR naming the node, the attribute and its values,
 * before any rule or the runtime probe sees it.
 */
final class AttributeChecks {
    /** Op type -> attributes whose values must all be >= 1. */
    private static final Map<String, Set<String>> POSITIVE = Map.ofEntries(
            Map.entry("Conv", Set.of("strides", "dilations", "kernel_shape", "group")),
            Map.entry("ConvInteger", Set.of("strides", "dilations", "kernel_shape", "group")),
            Map.entry("QLinearConv", Set.of("strides", "dilations", "kernel_shape", "group")),
            Map.entry("ConvTranspose", Set.of("strides", "dilations", "kernel_shape", "group")),
            Map.entry("MaxPool", Set.of("strides", "dilations", "kernel_shape")),
            Map.entry("AveragePool", Set.of("strides", "kernel_shape")),
            Map.entry("LpPool", Set.of("strides", "kernel_shape", "dilations")),
            Map.entry("MaxUnpool", Set.of("strides", "kernel_shape")),
            Map.entry("DepthToSpace", Set.of("blocksize")),
            Map.entry("SpaceToDepth", Set.of("blocksize")),
            Map.entry("LRN", Set.of("size")));
    /** Op type -> attributes whose values must all be >= 0. */
    private static final Map<String, Set<String>> NON_NEGATIVE = Map.ofEntries(
            Map.entry("Conv", Set.of("pads")), Map.entry("ConvInteger", Set.of("pads")),
            Map.entry("QLinearConv", Set.of("pads")), Map.entry("ConvTranspose", Set.of("pads", "output_padding")),
            Map.entry("MaxPool", Set.of("pads")), Map.entry("AveragePool", Set.of("pads")),
            Map.entry("LpPool", Set.of("pads")));

    private AttributeChecks() {
    }

    /**
     * @throws EdgeperfException USER_ERROR for a value out of its attribute's range
     */
    static void check(NodeProto node, String source) {
        if (!(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
            return;
        }
        Set<String> positive = POSITIVE.getOrDefault(node.getOpType(), Set.of());
        Set<String> nonNegative = NON_NEGATIVE.getOrDefault(node.getOpType(), Set.of());
        if (positive.isEmpty() && nonNegative.isEmpty()) {
            return;
        }
        for (AttributeProto a : node.getAttributeList()) {
            long min = positive.contains(a.getName()) ? 1 : nonNegative.contains(a.getName()) ? 0 : Long.MIN_VALUE;
            if (min == Long.MIN_VALUE) {
                continue;
            }
            long[] values = a.getIntsCount() > 0 ? a.getIntsList().stream().mapToLong(Long::longValue).toArray()
                    : a.getType() == AttributeProto.AttributeType.INT ? new long[] {a.getI()} : new long[0];
            if (Arrays.stream(values).anyMatch(v -> v < min)) {
                throw EdgeperfException.userError("not a valid ONNX model: " + source + ": node '" + node.getName()
                        + "' (" + node.getOpType() + ") has " + a.getName() + " "
                        + (values.length == 1 && a.getIntsCount() == 0 ? Long.toString(values[0]) : Arrays.toString(values))
                        + "; expected " + (min == 1 ? "positive integers" : "non-negative integers"));
            }
        }
    }
}
