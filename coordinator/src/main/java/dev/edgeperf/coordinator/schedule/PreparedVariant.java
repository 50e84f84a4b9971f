package dev.edgeperf.coordinator.schedule;

import java.util.Map;
import java.util.Objects;

/**
 * A variant built and stored.
 *
 * @param digest       SHA-256 of its ONNX file in the artifact store
 * @param sizeBytes    size of that file
 * @param flopsByBatch batch size -> FLOPs of one inference call at that batch
 * @param noopReason   null, or why the variant is a no-op (its recipe changed nothing)
 */
public record PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch, String noopReason) {
    public PreparedVariant {
        Objects.requireNonNull(digest, "digest is null");
        flopsByBatch = Map.copyOf(flopsByBatch);
    }

    /** A variant that changed the model. */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch) {
        this(digest, sizeBytes, flopsByBatch, null);
    }
}
