package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.calibration.CalibrationSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model's calibration as a campaign carries it: the source text the user wrote ({@code --calibration},
 * spec {@code calibration:}), its preprocessing, and for folder sources the folder's files, sent by the CLI
 * because the coordinator may not see the user's disk.
 *
 * @param source     e.g. {@code random}, {@code mnist}, {@code images:photos}
 * @param preprocess {@code --preprocess} text, "" = none
 * @param files      file name -> bytes of a folder source's files; empty for random and datasets
 */
public record ModelCalibration(String source, String preprocess, Map<String, byte[]> files) {
    /** Random inputs with the default seed: what a campaign without calibration gets. */
    public static final ModelCalibration RANDOM = new ModelCalibration("random", "", Map.of());

    public ModelCalibration {
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(preprocess, "preprocess is null");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The parsed source (its folder as the user named it; {@link CalibrationSource#withFolder} relocates it). */
    public CalibrationSource parse() {
        return CalibrationSource.parse(source, preprocess.isBlank() ? null : preprocess, null);
    }
}
