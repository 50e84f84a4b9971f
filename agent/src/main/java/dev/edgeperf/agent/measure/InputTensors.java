package dev.edgeperf.agent.measure;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.IntegerInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds one input tensor per model input, filled with deterministic pseudo-random data, before any
 * timing starts. Shapes are resolved by {@link InputDims}: the request's full shapes (their leading
 * dim replaced by the batch where the model's is open) and named dims, the batch size for an open
 * leading dimension; any other open dimension is an error naming the input, index and symbol, never
 * silently 1. Floats are uniform in [-1, 1); int32/int64 inputs follow the rule calibration inputs
 * follow too ({@link IntegerInputs}): token ids within their embedding table, masks ones, token
 * types zeros, other integers ones.
 */
final class InputTensors implements AutoCloseable {
    /** Fixed seed: the same model and batch always see the same input. */
    static final long SEED = 0x5EEDL;

    private final OrtEnvironment env;
    private final Map<String, OnnxTensor> tensors;
    private final Map<String, Buffer> data;

    private InputTensors(OrtEnvironment env, Map<String, OnnxTensor> tensors, Map<String, Buffer> data) {
        this.env = env;
        this.tensors = tensors;
        this.data = data;
    }

    /**
     * New tensors over the same data, as an application creates them per request (what the
     * end-to-end latency includes); the caller closes them.
     */
    Map<String, OnnxTensor> fresh() throws OrtException {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, OnnxTensor> e : tensors.entrySet()) {
                out.put(e.getKey(), fromBuffer(env, data.get(e.getKey()), e.getValue().getInfo().getShape()));
            }
        } catch (OrtException | RuntimeException ex) {
            out.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return out;
    }

    private static OnnxTensor fromBuffer(OrtEnvironment env, Buffer b, long[] shape) throws OrtException {
        if (b instanceof FloatBuffer f) {
            return OnnxTensor.createTensor(env, f, shape);
        } else if (b instanceof DoubleBuffer d) {
            return OnnxTensor.createTensor(env, d, shape);
        } else if (b instanceof LongBuffer l) {
            return OnnxTensor.createTensor(env, l, shape);
        } else if (b instanceof java.nio.ByteBuffer u) {
            return OnnxTensor.createTensor(env, u, shape, ai.onnxruntime.OnnxJavaType.UINT8);
        }
        return OnnxTensor.createTensor(env, (IntBuffer) b, shape);
    }

    /** The inputs, in the session's order, ready for {@code session.run}. */
    Map<String, OnnxTensor> asMap() {
        return tensors;
    }

    static InputTensors create(OrtEnvironment env, Map<String, NodeInfo> inputs, int batch, String modelFile)
            throws OrtException {
        return create(env, inputs, batch, Map.of(), Map.of(), modelFile);
    }

    static InputTensors create(OrtEnvironment env, Map<String, NodeInfo> inputs, int batch,
            Map<String, long[]> givenShapes, Map<String, Long> dims, String modelFile) throws OrtException {
        return create(env, inputs, batch, givenShapes, dims, Map.of(), modelFile);
    }

    /**
     * @param integerRules how each integer input is filled ({@link #integerRules(Path)}); an input not
     *                     in it gets {@link IntegerInputs#DEFAULT}
     */
    static InputTensors create(OrtEnvironment env, Map<String, NodeInfo> inputs, int batch,
            Map<String, long[]> givenShapes, Map<String, Long> dims, Map<String, IntegerInputs.Rule> integerRules,
            String modelFile) throws OrtException {
        return create(env, inputs, batch, givenShapes, dims, integerRules, Map.of(), modelFile);
    }

    /**
     * @param values values of integer inputs ({@code sr=16000}) fed instead of generated data, row-major; an
     *               input whose batch holds a multiple of them (the same values per sample) takes them repeated
     * @throws EdgeperfException USER_ERROR for values given to an input the model lacks, to a float input, or
     *         that its shape cannot hold
     */
    static InputTensors create(OrtEnvironment env, Map<String, NodeInfo> inputs, int batch,
            Map<String, long[]> givenShapes, Map<String, Long> dims, Map<String, IntegerInputs.Rule> integerRules,
            Map<String, long[]> values, String modelFile) throws OrtException {
        for (String name : values.keySet()) {
            if (!inputs.containsKey(name)) {
                throw EdgeperfException.userError("model " + modelFile + " has no input '" + name
                        + "' to feed the given values to; its inputs are " + inputs.keySet());
            }
        }
        Map<String, long[]> shapes = shapes(inputs, batch, givenShapes, dims, modelFile);
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        Map<String, Buffer> data = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(SEED);
        try {
            for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                    throw EdgeperfException.userError("model " + modelFile + " input '" + e.getKey()
                            + "' is not a tensor (" + e.getValue().getInfo() + "); edgeperf feeds tensors only");
                }
                long[] shape = shapes.get(e.getKey());
                Buffer b = values.containsKey(e.getKey())
                        ? given(e.getKey(), info, shape, values.get(e.getKey()), modelFile)
                        : buffer(e.getKey(), info, shape, random,
                                integerRules.getOrDefault(e.getKey(), IntegerInputs.DEFAULT), modelFile);
                data.put(e.getKey(), b);
                out.put(e.getKey(), fromBuffer(env, b, shape));
            }
        } catch (OrtException | RuntimeException ex) {
            out.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return new InputTensors(env, out, data);
    }

    /**
     * The concrete shape of every input for {@code batch}, by {@link ModelInputs#resolve} (the rule campaigns
     * use, so a job's resolved shapes are fed as they are); in a model with no open batch dimension, a fixed
     * first dimension must equal the batch.
     *
     * @throws EdgeperfException USER_ERROR for a fixed batch other than {@code batch}, a non-tensor
     *         input, or a dimension nothing sizes (naming input, index and symbol)
     */
    static Map<String, long[]> shapes(Map<String, NodeInfo> inputs, int batch, Map<String, long[]> given,
            Map<String, Long> dims, String modelFile) {
        List<InputDims.Declared> declared = new ArrayList<>();
        // beside an input with an open batch, a fixed leading dimension (a [1] scale) is no batch to check
        boolean anyOpenBatch = inputs.values().stream().anyMatch(n -> n.getInfo() instanceof TensorInfo t
                && t.getShape().length > 0 && t.getShape()[0] < 0);
        for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                throw EdgeperfException.userError("model " + modelFile + " input '" + e.getKey()
                        + "' is not a tensor (" + e.getValue().getInfo() + "); edgeperf feeds tensors only");
            }
            long[] shape = info.getShape();
            // a scalar input (a sample rate) has no batch dimension to check, nor has a fixed one beside an open batch
            if (!anyOpenBatch && shape.length > 0 && shape[0] >= 0 && shape[0] != batch) {
                throw EdgeperfException.userError("model " + modelFile + " input '" + e.getKey() + "' has fixed shape "
                        + Arrays.toString(shape) + " and cannot take batch size " + batch
                        + " (export it with a dynamic first dimension)");
            }
            String[] names = info.getDimensionNames();
            long[] sizes = new long[shape.length];
            String[] symbols = new String[shape.length];
            for (int i = 0; i < shape.length; i++) {
                sizes[i] = Math.max(0, shape[i]);
                symbols[i] = names != null && i < names.length && names[i] != null ? names[i] : "";
            }
            declared.add(new InputDims.Declared(e.getKey(), sizes, symbols));
        }
        // the coordinator's rule, so that a job's resolved shapes come out as they went in
        return new ModelInputs(given, dims).resolve(modelFile, declared, batch);
    }

    /**
     * The integer-input rules of a model file, read from its graph (memory-mapped, weights not copied);
     * empty when the file cannot be read as ONNX here (then every integer input gets the default).
     */
    static Map<String, IntegerInputs.Rule> integerRules(Path model) {
        try {
            return IntegerInputs.rules(OnnxModels.map(model));
        } catch (EdgeperfException e) {
            return Map.of();
        }
    }

    /** An integer input filled with the given values (repeated per sample where its batch holds several). */
    private static Buffer given(String name, TensorInfo info, long[] shape, long[] values, String modelFile) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count > Integer.MAX_VALUE || count % values.length != 0) {
            throw EdgeperfException.userError("model " + modelFile + " input '" + name + "' of shape "
                    + Arrays.toString(shape) + " cannot be fed the " + values.length + " value(s) given for it");
        }
        int n = (int) count;
        switch (info.type) {
            case INT64 -> {
                LongBuffer b = LongBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, values[i % values.length]);
                }
                return b;
            }
            case INT32 -> {
                IntBuffer b = IntBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, Math.toIntExact(values[i % values.length]));
                }
                return b;
            }
            default -> throw EdgeperfException.userError("model " + modelFile + " input '" + name + "' has type "
                    + info.type + "; values can be given for int32 and int64 inputs only");
        }
    }

    private static Buffer buffer(String name, TensorInfo info, long[] shape, SplittableRandom random,
                                 IntegerInputs.Rule rule, String modelFile) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count > Integer.MAX_VALUE) {
            throw EdgeperfException.userError("model " + modelFile + " input '" + name + "' of shape "
                    + Arrays.toString(shape) + " has more than 2^31 elements");
        }
        int n = (int) count;
        switch (info.type) {
            case FLOAT -> {
                FloatBuffer b = FloatBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, (float) (random.nextDouble() * 2 - 1));
                }
                return b;
            }
            case DOUBLE -> {
                DoubleBuffer b = DoubleBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, random.nextDouble() * 2 - 1);
                }
                return b;
            }
            case INT64 -> {
                LongBuffer b = LongBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, rule.next(random));
                }
                return b;
            }
            case INT32 -> {
                IntBuffer b = IntBuffer.allocate(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, (int) rule.next(random));
                }
                return b;
            }
            case UINT8 -> {
                // quantized tensors (an int8 kernel's input), uniform over the byte range
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(n);
                for (int i = 0; i < n; i++) {
                    b.put(i, (byte) random.nextInt(256));
                }
                return b;
            }
            default -> throw EdgeperfException.userError("model " + modelFile + " input '" + name + "' has type "
                    + info.type + "; edgeperf can fill float, double, uint8, int32 and int64 inputs");
        }
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}
