/**
 * The on-device agreement check (issue 13): reference inputs and the outputs the coordinator's ONNX Runtime
 * gives for them, carried to agents, which run the variant on the same inputs and compare.
 */
package dev.edgeperf.core.agreement;
