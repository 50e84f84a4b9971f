package dev.edgeperf.coordinator.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A variant built and stored.
 *
 * @param digest             SHA-256 of its ONNX file in the artifact store
 * @param sizeBytes          size of that file
 * @param flopsByBatch       batch size -> FLOPs of one inference call at that batch
 * @param inputShapesByBatch batch size -> the concrete shape of every model input at that batch
 *                           (empty for a batch whose shapes were not resolved: the agent then sizes by batch)
 * @param noopReason         null, or why the variant is a no-op (its recipe changed nothing)
 */
public record PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch,
                              Map<Integer, Map<String, long[]>> inputShapesByBatch, String noopReason) {
    public PreparedVariant {
        Objects.requireNonNull(digest, "digest is null");
        flopsByBatch = Map.copyOf(flopsByBatch);
        Map<Integer, Map<String, long[]>> shapes = new LinkedHashMap<>();
        Objects.requireNonNull(inputShapesByBatch, "inputShapesByBatch is null").forEach((batch, byInput) -> {
            Map<String, long[]> copy = new LinkedHashMap<>();
            byInput.forEach((name, shape) -> copy.put(name, shape.clone()));
            shapes.put(batch, java.util.Collections.unmodifiableMap(copy));
        });
        inputShapesByBatch = java.util.Collections.unmodifiableMap(shapes);
    }

    /** A variant without resolved input shapes that changed the model. */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch) {
        this(digest, sizeBytes, flopsByBatch, Map.of(), null);
    }
}
