package dev.edgeperf.core.onnx;

import java.util.List;
import java.util.Map;

/**
 * The result of {@link ShapeInference}: what is known about every value of a graph.
 *
 * @param values         value name -> info, for inputs, constants and every node output
 * @param inputShapes    the concrete shape each graph input was resolved to
 * @param unknown        node outputs whose shape is still unknown (empty in the normal case)
 * @param runtimeProbed  whether ONNX Runtime was run to measure shapes static rules could not find
 */
public record InferredShapes(OnnxGraph graph, Map<String, TensorInfo> values, Map<String, long[]> inputShapes,
                             List<String> unknown, boolean runtimeProbed) {
    public InferredShapes {
        values = Map.copyOf(values);
        inputShapes = Map.copyOf(inputShapes);
        unknown = List.copyOf(unknown);
    }

    /** Info for a value; an unknown-shape info when the name is empty or not in the graph. */
    public TensorInfo get(String name) {
        TensorInfo t = name.isEmpty() ? null : values.get(name);
        return t == null ? TensorInfo.of(null, 0) : t;
    }
}
