/**
 * Kernel-level prediction (nn-Meter's idea for ONNX Runtime): the kernels ONNX Runtime runs after
 * fusion ({@link dev.edgeperf.core.predict.kernel.KernelDetector}), each with a feature vector, and
 * per kernel type a regressor fitted on single-kernel models measured on the device
 * ({@link dev.edgeperf.core.predict.kernel.KernelCalibration}).
 */
package dev.edgeperf.core.predict.kernel;
