package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.ModelProto;

/** Builds one zoo model; the name seeds the weights and the description becomes the doc string. */
@FunctionalInterface
interface ModelFactory {
    ModelProto create(String name, String description);
}
