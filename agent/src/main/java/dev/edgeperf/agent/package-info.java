/** The edgeperf agent: probes its hardware, measures models with ONNX Runtime, serves a coordinator. */
package dev.edgeperf.agent;
