package dev.edgeperf.core.cost;

import java.util.List;
import java.util.Objects;

/**
 * Cost of one graph node at the profiled batch size.
 *
 * @param outputShape      shape of the first output; empty when it could not be inferred
 * @param params           weight elements this node owns (initializers/Constant inputs)
 * @param macs             multiply-accumulates (0 for ops that have none)
 * @param flops            floating-point operations under the profile's convention
 * @param activationBytes  bytes of all outputs of this node
 * @param counted          false when the op type has no counting rule (listed, never silently 0)
 * @param inputBytes       bytes of all its inputs at their element types, weights included (what a
 *                         memory-bound kernel reads); 0 for inputs whose shape is unknown
 */
public record NodeCost(String name, String opType, List<Long> outputShape, long params, long macs,
                       long flops, long activationBytes, boolean counted, long inputBytes) {
    public NodeCost {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(opType, "opType is null");
        outputShape = List.copyOf(outputShape);
    }
}
