package dev.edgeperf.coordinator.schedule;

import java.util.LinkedHashMap;
import java.util.List;
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
 * @param calibration        label of the calibration data it was built and checked with ("" = none)
 * @param fidelity           against the baseline on that data; null for the baseline or without calibration
 * @param warnings           one-line warnings of its build, e.g. a degenerate baseline output
 * @param evaluation         its accuracy on the campaign's evaluation data; null without one
 */
public record PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch,
                              Map<Integer, Map<String, long[]>> inputShapesByBatch, String noopReason,
                              String calibration, dev.edgeperf.core.variants.Fidelity fidelity,
                              List<String> warnings, dev.edgeperf.coordinator.store.VariantEvaluation evaluation) {
    /** Without evaluation data. */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch,
                           Map<Integer, Map<String, long[]>> inputShapesByBatch, String noopReason,
                           String calibration, dev.edgeperf.core.variants.Fidelity fidelity, List<String> warnings) {
        this(digest, sizeBytes, flopsByBatch, inputShapesByBatch, noopReason, calibration, fidelity, warnings, null);
    }

    /** This variant with its accuracy on the evaluation data. */
    public PreparedVariant withEvaluation(dev.edgeperf.coordinator.store.VariantEvaluation e) {
        return new PreparedVariant(digest, sizeBytes, flopsByBatch, inputShapesByBatch, noopReason, calibration,
                fidelity, warnings, e);
    }

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
        Objects.requireNonNull(calibration, "calibration is null");
        warnings = List.copyOf(warnings);
    }

    /** Not calibrated (tests, stored campaigns). */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch,
                           Map<Integer, Map<String, long[]>> inputShapesByBatch, String noopReason) {
        this(digest, sizeBytes, flopsByBatch, inputShapesByBatch, noopReason, "", null, List.of());
    }

    /** A variant without resolved input shapes that changed the model. */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch) {
        this(digest, sizeBytes, flopsByBatch, Map.of(), null);
    }
}
