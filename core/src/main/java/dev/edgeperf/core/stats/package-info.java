/**
 * Latency statistics: percentiles, mean and spread from an HdrHistogram, and a distribution-free
 * confidence interval of the median. Printing code formats these values; it never computes them.
 */
package dev.edgeperf.core.stats;
