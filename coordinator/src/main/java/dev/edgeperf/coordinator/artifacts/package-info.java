/** Content-addressed model files: {@code <data-dir>/artifacts/<sha256>.onnx}, written atomically. */
package dev.edgeperf.coordinator.artifacts;
