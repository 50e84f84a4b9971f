package dev.edgeperf.coordinator.schedule;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A variant built and stored.
 *
 * @param digest       SHA-256 of its ONNX file in the artifact store
 * @param sizeBytes    size of that file
 * @param flopsByBatch batch size -> FLOPs of one inference call at that batch
 * @param calibration  label of the calibration data it was built and checked with ("" = none)
 * @param fidelity     against the baseline on that data; null for the baseline or without calibration
 * @param warnings     one-line warnings of its build, e.g. a degenerate baseline output
 */
public record PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch, String calibration,
                              dev.edgeperf.core.variants.Fidelity fidelity,
                              List<String> warnings) {
    public PreparedVariant {
        Objects.requireNonNull(digest, "digest is null");
        flopsByBatch = Map.copyOf(flopsByBatch);
        Objects.requireNonNull(calibration, "calibration is null");
        warnings = List.copyOf(warnings);
    }

    /** Not calibrated (tests, stored campaigns). */
    public PreparedVariant(String digest, long sizeBytes, Map<Integer, Long> flopsByBatch) {
        this(digest, sizeBytes, flopsByBatch, "", null, List.of());
    }
}
