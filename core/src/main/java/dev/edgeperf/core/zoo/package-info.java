/**
 * The built-in model zoo: well-known networks (the seed articles' MNIST CNN, LeNet-5, ResNet,
 * MobileNet, VGG, SqueezeNet …) generated in code as ONNX with deterministic pseudo-random weights,
 * so every process produces byte-identical files without downloading anything.
 */
package dev.edgeperf.core.zoo;
