/**
 * Calibration and evaluation inputs for variant building, one pipeline for {@code variants build} and
 * campaigns: a {@link dev.edgeperf.core.calibration.CalibrationSource} (datasets, random, IDX, image or
 * tensor folders) loaded against a model's input into {@link dev.edgeperf.core.calibration.CalibrationInputs}.
 */
package dev.edgeperf.core.calibration;
