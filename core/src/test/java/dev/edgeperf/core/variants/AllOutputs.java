package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every graph output of a model, per batch, with its shape, as ONNX Runtime (all optimizations) computes it. */
final class AllOutputs {
    record Output(long[] shape, float[] values) {
    }

    private AllOutputs() {
    }

    /** Output name (in graph order) to one {@link Output} per batch. */
    static Map<String, List<Output>> run(byte[] model, CalibrationData data) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
        Map<String, List<Output>> out = new LinkedHashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(model, o)) {
            for (InputBatch b : data) {
                try (OrtFeeds in = OrtFeeds.of(env, proto, b); OrtSession.Result r = s.run(in.map())) {
                    for (Map.Entry<String, OnnxValue> e : r) {
                        OnnxTensor t = (OnnxTensor) e.getValue();
                        FloatBuffer fb = t.getFloatBuffer();
                        float[] v = new float[fb.remaining()];
                        fb.get(v);
                        out.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(new Output(t.getInfo().getShape(), v));
                    }
                }
            }
        }
        return out;
    }

    /** Fidelity of one output, rows = the first dimension of each batch's output. */
    static Fidelity fidelity(List<Output> baseline, List<Output> variant) {
        List<Integer> rows = baseline.stream().map(x -> (int) x.shape()[0]).toList();
        return Fidelity.compare(baseline.stream().map(Output::values).toList(),
                variant.stream().map(Output::values).toList(), rows, null);
    }
}
