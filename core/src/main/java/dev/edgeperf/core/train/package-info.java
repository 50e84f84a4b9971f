/**
 * Pure-Java training of the zoo's {@code mnist-cnn} architecture (conv 3x3 valid, ReLU, dense,
 * softmax cross-entropy; Adam), export of the trained weights to ONNX with exactly the zoo's graph,
 * accuracy measured by ONNX Runtime, masked fine-tuning of pruned variants, and the committed
 * trained weights ({@link dev.edgeperf.core.train.TrainedWeights}).
 */
package dev.edgeperf.core.train;
