/**
 * How long and how hard a measurement runs: the one validated {@link dev.edgeperf.core.measure.MeasurementSettings}
 * record that the agent, the coordinator, both CLIs and the spec parser share, its defaults in
 * {@link dev.edgeperf.core.measure.MeasurementDefaults}, and its mapping to the wire message.
 */
package dev.edgeperf.core.measure;
