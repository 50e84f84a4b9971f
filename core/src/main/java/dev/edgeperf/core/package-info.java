/**
 * The model toolkit shared by agent and coordinator: ONNX I/O, cost analysis, the model zoo,
 * predictors and statistics. Knows nothing about networks or SQL.
 */
package dev.edgeperf.core;
