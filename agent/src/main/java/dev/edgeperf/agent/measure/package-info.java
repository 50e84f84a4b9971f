/**
 * Measuring a model with ONNX Runtime: session creation, input preparation, warm-up and the timed
 * loop whose stop rule is set by {@link dev.edgeperf.agent.measure.MeasurementSettings}.
 */
package dev.edgeperf.agent.measure;
