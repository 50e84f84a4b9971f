package dev.edgeperf.core.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fallback for shapes static rules cannot find (data-dependent or unsupported ops): runs the
 * model once in ONNX Runtime with the wanted values exposed as extra graph outputs, fed with
 * tensors of ones (float) or zeros (integer) at the resolved input shapes, and reads the real
 * shapes. Data-dependent shapes are therefore those of that particular input.
 */
final class RuntimeShapeProbe {
    private RuntimeShapeProbe() {
    }

    /** Measured infos for the wanted value names; empty when ONNX Runtime cannot run the model. */
    static Map<String, TensorInfo> measure(OnnxGraph graph, Map<String, long[]> inputShapes, List<String> wanted) {
        if (!fitsProbe(graph, inputShapes)) {
            return Map.of();
        }
        GraphProto.Builder g = graph.model().getGraph().toBuilder();
        Set<String> outputs = new HashSet<>(graph.outputNames());
        for (String name : wanted) {
            if (outputs.add(name)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(name));
            }
        }
        ModelProto probe = graph.model().toBuilder().setGraph(g).build();
        Map<String, TensorInfo> result = new HashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            try (OrtSession session = env.createSession(probe.toByteArray(), options)) {
                for (ValueInfoProto in : graph.inputs()) {
                    int type = in.getType().getTensorType().getElemType();
                    feeds.put(in.getName(), filled(env, inputShapes.get(in.getName()), type));
                }
                try (OrtSession.Result out = session.run(feeds, new HashSet<>(wanted))) {
                    for (Map.Entry<String, OnnxValue> e : out) {
                        if (e.getValue() instanceof OnnxTensor t) {
                            result.put(e.getKey(), TensorInfo.of(t.getInfo().getShape(), t.getInfo().onnxType.value));
                        }
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            // The caller lists what stays unknown; a model ONNX Runtime cannot run gets static results only.
            return Map.of();
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
        return result;
    }

    /** Inputs of at most {@link #MAX_PROBE_INPUT_BYTES} in all; a run over more would risk memory, not shapes. */
    private static boolean fitsProbe(OnnxGraph graph, Map<String, long[]> inputShapes) {
        long total = 0;
        for (ValueInfoProto in : graph.inputs()) {
            long[] shape = inputShapes.get(in.getName());
            if (shape == null) {
                return false;
            }
            long bytes = TensorInfo.of(shape, in.getType().getTensorType().getElemType()).bytes();
            total += Math.max(1, bytes);
            if (total > MAX_PROBE_INPUT_BYTES) {
                return false;
            }
        }
        return true;
    }

    /** Cap on the probe's input tensors: 1 GiB. */
    static final long MAX_PROBE_INPUT_BYTES = 1L << 30;

    private static OnnxTensor filled(OrtEnvironment env, long[] shape, int type) throws OrtException {
        int size = Tensors.bytesPerElement(type);
        int n = (int) Tensors.elementCount(shape);
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, n * size)).order(ByteOrder.nativeOrder());
        OnnxJavaType javaType;
        switch (type) {
            case DataType.FLOAT_VALUE -> {
                javaType = OnnxJavaType.FLOAT;
                for (int i = 0; i < n; i++) {
                    b.putFloat(1f);
                }
            }
            case DataType.DOUBLE_VALUE -> {
                javaType = OnnxJavaType.DOUBLE;
                for (int i = 0; i < n; i++) {
                    b.putDouble(1d);
                }
            }
            case DataType.FLOAT16_VALUE -> {
                javaType = OnnxJavaType.FLOAT16;
                for (int i = 0; i < n; i++) {
                    b.putShort((short) 0x3c00); // 1.0 in IEEE half precision
                }
            }
            case DataType.INT64_VALUE -> javaType = OnnxJavaType.INT64;
            case DataType.INT32_VALUE -> javaType = OnnxJavaType.INT32;
            case DataType.INT16_VALUE -> javaType = OnnxJavaType.INT16;
            case DataType.INT8_VALUE -> javaType = OnnxJavaType.INT8;
            case DataType.BOOL_VALUE -> javaType = OnnxJavaType.BOOL;
            default -> javaType = OnnxJavaType.UINT8;
        }
        b.rewind();
        return OnnxTensor.createTensor(env, b, shape, javaType);
    }
}
