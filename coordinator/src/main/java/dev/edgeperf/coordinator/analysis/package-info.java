/**
 * Predicted-vs-measured analysis of a campaign's rows: how far each predictor was from the measured
 * median, per device and per variant kind. The CLI and the HTTP API only map what is computed here.
 */
package dev.edgeperf.coordinator.analysis;
