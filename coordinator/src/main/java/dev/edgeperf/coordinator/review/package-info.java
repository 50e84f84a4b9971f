/**
 * Reviewing a campaign to decide what to ship: speedups with confidence intervals, accuracy-vs-cost Pareto
 * fronts per device and batch, a recommendation under a latency budget, and the campaign report. Pure functions
 * of the stored rows (and their latency histograms), shared by the CLI and the HTTP API.
 */
package dev.edgeperf.coordinator.review;
