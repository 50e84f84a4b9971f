/**
 * Reading ONNX models: parsing with errors that name the file, attribute and tensor helpers, and
 * static shape inference (with an ONNX Runtime fallback) that the cost model builds on.
 */
package dev.edgeperf.core.onnx;
