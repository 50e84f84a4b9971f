package dev.edgeperf.coordinator.schedule;

import java.util.List;
import java.util.Objects;

/**
 * What campaign preparation built for one variant.
 *
 * @param onnx        the variant's ONNX bytes
 * @param calibration the label of the calibration it was built and checked with, e.g. {@code random (seed 11)}
 * @param fidelity    against the baseline on that data; null for the baseline itself or without calibration
 * @param warnings    one-line warnings (a degenerate baseline output), each starting with {@code WARN}
 */
public record BuiltVariant(byte[] onnx, String calibration, dev.edgeperf.core.variants.Fidelity fidelity, List<String> warnings) {
    public BuiltVariant {
        Objects.requireNonNull(onnx, "onnx is null");
        Objects.requireNonNull(calibration, "calibration is null");
        warnings = List.copyOf(warnings);
    }
}
