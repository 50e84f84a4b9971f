package dev.edgeperf.core.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Test helpers: parameter counting straight from initializers, and running a model in ONNX Runtime. */
final class ZooModelChecks {
    private ZooModelChecks() {
    }

    static ModelProto parse(byte[] bytes) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("zoo bytes are not an ONNX ModelProto", e);
        }
    }

    static long elements(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
    }

    /** Sum of the element counts of all initializers. */
    static long totalParams(ModelProto model) {
        return model.getGraph().getInitializerList().stream().mapToLong(ZooModelChecks::elements).sum();
    }

    /** Total minus BatchNormalization running mean and var (inputs 3 and 4), which are not trained. */
    static long trainableParams(ModelProto model) {
        Set<String> statistics = new HashSet<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (node.getOpType().equals("BatchNormalization")) {
                statistics.add(node.getInput(3));
                statistics.add(node.getInput(4));
            }
        }
        return model.getGraph().getInitializerList().stream()
                .filter(t -> !statistics.contains(t.getName()))
                .mapToLong(ZooModelChecks::elements).sum();
    }

    /** Declared shape of the graph input with the symbolic batch replaced by {@code batch}. */
    static long[] inputShape(ModelProto model, long batch) {
        List<TensorShapeProto.Dimension> dims = model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = i == 0 ? batch : dims.get(i).getDimValue();
        }
        return shape;
    }

    /** Result of one inference: output shape and values, flattened. */
    record Output(long[] shape, float[] values) {
    }

    /** Runs {@code model} in ONNX Runtime on uniform [0, 1) input of the given batch. */
    static Output run(byte[] model, long batch, long seed) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = inputShape(parse(model), batch);
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        float[] input = new float[count];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            input[i] = (float) random.nextDouble();
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                 OrtSession.Result result = session.run(Map.of(GraphBuilder.INPUT, tensor))) {
                OnnxTensor out = (OnnxTensor) result.get(GraphBuilder.OUTPUT).orElseThrow();
                FloatBuffer buffer = out.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return new Output(out.getInfo().getShape(), values);
            }
        }
    }

    /** Asserts every value is finite and not all values are equal (a dead or saturated network). */
    static void assertFiniteAndVaried(String name, float[] values) {
        assertThat(values).as(name + " output").isNotEmpty();
        for (float v : values) {
            assertThat(Float.isFinite(v)).as(name + " output value " + v + " is finite").isTrue();
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(max - min).as(name + " output spread (max - min)").isGreaterThan(1e-6f);
    }
}
