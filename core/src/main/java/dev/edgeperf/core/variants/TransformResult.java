package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Objects;

/**
 * A transformed model and what the transform could not do.
 *
 * @param model      the variant graph
 * @param notes      one line per node left as in the baseline (node name and why), or other caveats
 * @param noopReason null when the transform changed the model; otherwise why it changed nothing (no node
 *                   quantized, nothing pruned …): the variant is a <b>no-op</b> and computes what the
 *                   baseline computes, so it must never be shown as a measurement of the recipe
 */
public record TransformResult(ModelProto model, List<String> notes, String noopReason) {
    public TransformResult {
        Objects.requireNonNull(model, "model is null");
        notes = List.copyOf(notes);
        if (noopReason != null && noopReason.isBlank()) {
            throw new IllegalArgumentException("a no-op needs a reason");
        }
    }

    /** A result that changed the model. */
    public TransformResult(ModelProto model, List<String> notes) {
        this(model, notes, null);
    }

    /** A result that changed nothing, with the reason (e.g. "no Conv/Gemm/MatMul with a float weight"). */
    static TransformResult noop(ModelProto model, List<String> notes, String reason) {
        return new TransformResult(model, notes, Objects.requireNonNull(reason, "reason is null"));
    }

    /** True when the transform changed nothing (see {@link #noopReason()}). */
    public boolean noop() {
        return noopReason != null;
    }
}
