package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ONNX Runtime tensors of one {@link InputBatch}, keyed by graph input name; closes them all. */
final class OrtFeeds implements AutoCloseable {
    private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

    private OrtFeeds() {
    }

    /** Unnamed feeds go to the model's first graph input. */
    static OrtFeeds of(OrtEnvironment env, ModelProto model, InputBatch batch) throws OrtException {
        OrtFeeds f = new OrtFeeds();
        try {
            for (InputBatch.Feed feed : batch.inputs()) {
                String name = feed.name() != null ? feed.name() : OrtRunner.firstInput(model);
                f.tensors.put(name, feed.floats() != null
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(feed.floats()), feed.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(feed.longs()), feed.shape()));
            }
        } catch (OrtException | RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    Map<String, OnnxTensor> map() {
        return tensors;
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}
