package dev.edgeperf.core.agreement;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OutputTensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model with ONNX Runtime (CPU) on reference inputs and returns every float output per input, in the
 * session's output order. Outputs of other types (an arg-max's int64 class) are not compared: they follow from
 * the float ones or cannot be compared by cosine.
 */
final class ReferenceRunner {
    private ReferenceRunner() {
    }

    /** @param threads intra-op threads; 0 = engine default */
    static List<List<OutputTensor>> run(Path modelFile, int threads, List<InputBatch> inputs, String what) {
        return run(modelFile.toString(), null, threads, inputs, what);
    }

    static List<List<OutputTensor>> run(byte[] model, List<InputBatch> inputs, String what) {
        return run(null, model, 1, inputs, what);
    }

    private static List<List<OutputTensor>> run(String file, byte[] bytes, int threads, List<InputBatch> inputs,
                                                String what) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<List<OutputTensor>> outputs = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            // a file is loaded from its path, so external data beside it is read as ONNX Runtime reads it measuring
            try (OrtSession session = file != null ? env.createSession(file, options) : env.createSession(bytes, options)) {
                Set<String> floats = floatOutputs(session, what);
                String firstInput = session.getInputNames().iterator().next();
                for (InputBatch batch : inputs) {
                    outputs.add(runOne(env, session, batch, firstInput, floats));
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot run " + what + " on its reference inputs: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return outputs;
    }

    private static Set<String> floatOutputs(OrtSession session, String what) throws OrtException {
        Set<String> floats = new LinkedHashSet<>();
        for (Map.Entry<String, NodeInfo> o : session.getOutputInfo().entrySet()) {
            if (o.getValue().getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT) {
                floats.add(o.getKey());
            }
        }
        if (floats.isEmpty()) {
            throw EdgeperfException.userError(what + " has no float output; the agreement check compares float outputs");
        }
        return floats;
    }

    private static List<OutputTensor> runOne(OrtEnvironment env, OrtSession session, InputBatch batch,
                                             String firstInput, Set<String> names) throws OrtException {
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (InputBatch.Feed f : batch.inputs()) {
                String name = f.name() == null ? firstInput : f.name();
                feeds.put(name, f.floats() != null
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(f.floats()), f.shape())
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(f.longs()), f.shape()));
            }
            List<OutputTensor> out = new ArrayList<>();
            try (OrtSession.Result r = session.run(feeds, names)) {
                for (String name : names) {
                    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.add(new OutputTensor(name, t.getInfo().getShape(), v));
                }
            }
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
