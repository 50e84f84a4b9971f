package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one int8-static quantization is told beyond its recipe, and what it reports back, for
 * {@link SensitiveLayers}: the weight layers (by {@link Graphs#nodeName}) to leave fp32, the layers it quantized
 * that could have been left fp32 (the candidates), and the calibration ranges already observed, shared by the
 * quantizations of one ranking since they all calibrate the same float graph.
 */
final class LayerChoice {
    private final Set<String> fp32;
    private final List<String> candidates = new ArrayList<>();
    private final Map<String, float[]> ranges;

    /** Nothing extra left fp32, ranges observed afresh. */
    static LayerChoice none() {
        return new LayerChoice(Set.of(), new LinkedHashMap<>());
    }

    LayerChoice(Set<String> fp32, Map<String, float[]> ranges) {
        this.fp32 = Set.copyOf(fp32);
        this.ranges = ranges;
    }

    boolean fp32(String layer) {
        return fp32.contains(layer);
    }

    void candidate(String layer) {
        candidates.add(layer);
    }

    /** Whether weight-free op {@code layer} (Add, pooling) runs int8; when it does, it is a candidate. */
    boolean int8(String layer) {
        if (fp32.contains(layer)) {
            return false;
        }
        candidates.add(layer);
        return true;
    }

    /** Layers quantized that could have stayed fp32, in graph order. */
    List<String> candidates() {
        return List.copyOf(candidates);
    }

    /** {@link ActivationRanges#observe}, running the calibration only for tensors not observed before. */
    Map<String, float[]> observe(ModelProto model, List<String> tensors, CalibrationData data, CalibrationMethod method,
                                 OrtRunner runner) {
        List<String> missing = tensors.stream().filter(t -> !ranges.containsKey(t)).toList();
        if (!missing.isEmpty()) {
            ranges.putAll(ActivationRanges.observe(model, missing, data, method, runner));
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach(t -> out.put(t, ranges.get(t)));
        return out;
    }
}
