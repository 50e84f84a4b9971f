/**
 * The analytical cost model: per-node MACs, FLOPs, parameters and activation bytes under a
 * documented counting convention ({@link dev.edgeperf.core.cost.CostRules}), and model totals.
 */
package dev.edgeperf.core.cost;
