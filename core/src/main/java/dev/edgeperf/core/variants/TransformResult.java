package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Objects;

/**
 * A transformed model and what the transform could not do.
 *
 * @param model the variant graph
 * @param notes one line per node left as in the baseline (node name and why), or other caveats
 */
public record TransformResult(ModelProto model, List<String> notes) {
    public TransformResult {
        Objects.requireNonNull(model, "model is null");
        notes = List.copyOf(notes);
    }
}
