/**
 * Measuring a model with ONNX Runtime: session creation (cold start, session footprint), input
 * preparation, warm-up (a count or until stable), the timed compute loop (single-stream or C
 * threads on one session) whose stop rule is set by {@link dev.edgeperf.core.measure.MeasurementSettings},
 * the end-to-end phase, and isolation: {@link dev.edgeperf.agent.measure.ForkedRunner} runs each
 * measurement in a worker JVM ({@link dev.edgeperf.agent.measure.WorkerMain}).
 */
package dev.edgeperf.agent.measure;
