package dev.edgeperf.core.agreement;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.OutputTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A few reference inputs at batch 1 and the first output the coordinator's ONNX Runtime (CPU) computed
 * for each, so a device can run the same variant on the same inputs and report its {@link DeviceAgreement}.
 * Stored as one content-addressed artifact ({@link #encode()}), a few kilobytes for an MNIST model.
 *
 * @param samples at least one
 */
public record ReferenceSet(List<Sample> samples) {
    /** How many reference inputs a variant gets by default. */
    public static final int DEFAULT_SAMPLES = 4;
    /** The seed of the generated inputs, so a variant's reference set is the same at every preparation. */
    public static final long DEFAULT_SEED = 13;
    private static final int MAGIC = 0x45505253; // "EPRS"
    private static final int VERSION = 1;
    private static final int MAX_VALUES = 64 * 1024 * 1024;

    /** One reference input (batch 1) and the model's first output for it. */
    public record Sample(InputBatch input, OutputTensor output) {
        public Sample {
            Objects.requireNonNull(input, "input is null");
            Objects.requireNonNull(output, "output is null");
        }
    }

    public ReferenceSet {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a reference set needs at least one sample");
        }
    }

    /**
     * Runs {@code model} on {@code inputs} with ONNX Runtime and keeps each input with its first output.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot run on the inputs
     */
    public static ReferenceSet of(ModelProto model, List<InputBatch> inputs, String what) {
        List<OutputTensor> outputs = new OrtRunner(1).runShaped(model, inputs, what);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            samples.add(new Sample(inputs.get(i), outputs.get(i)));
        }
        return new ReferenceSet(samples);
    }

    /**
     * Deterministic batch-1 inputs for every graph input of {@code model}: float32 inputs uniform in [0, 1),
     * int64 inputs from {@code values} when given, else 1 (a valid token id, mask or length).
     *
     * @param shapes input name -> its concrete shape at batch 1 (the coordinator's); an input missing here
     *               takes its declared shape, which must then be fully concrete
     * @param values input name -> values the user gave for an integer input
     * @throws EdgeperfException USER_ERROR naming the input whose shape or type cannot be fed
     */
    public static List<InputBatch> generatedInputs(ModelProto model, Map<String, long[]> shapes,
                                                   Map<String, long[]> values, int count, long seed, String what) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            initializers.add(t.getName());
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<InputBatch> batches = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (ValueInfoProto in : model.getGraph().getInputList()) {
                if (initializers.contains(in.getName())) {
                    continue;
                }
                long[] shape = shapes.containsKey(in.getName()) ? shapes.get(in.getName()) : declared(in, what);
                int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
                int type = in.getType().getTensorType().getElemType();
                if (type == TensorProto.DataType.FLOAT_VALUE) {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) random.nextDouble();
                    }
                    feeds.add(new InputBatch.Feed(in.getName(), shape, v, null));
                } else if (type == TensorProto.DataType.INT64_VALUE) {
                    long[] given = values.get(in.getName());
                    long[] v = new long[n];
                    Arrays.fill(v, 1);
                    if (given != null && given.length == n) {
                        v = given.clone();
                    }
                    feeds.add(new InputBatch.Feed(in.getName(), shape, null, v));
                } else {
                    throw EdgeperfException.userError("input '" + in.getName() + "' of " + what + " has ONNX type "
                            + type + "; reference inputs are generated for float32 and int64 inputs only");
                }
            }
            batches.add(new InputBatch(feeds, null));
        }
        return batches;
    }

    private static long[] declared(ValueInfoProto in, String what) {
        List<TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
            if (shape[i] < 1) {
                throw EdgeperfException.userError("input '" + in.getName() + "' of " + what + " has no concrete size"
                        + " for dimension " + i + "; give its shape at batch 1");
            }
        }
        return shape;
    }

    /** The inputs, in sample order. */
    public List<InputBatch> inputs() {
        return samples.stream().map(Sample::input).toList();
    }

    /**
     * Compares outputs a device computed for {@link #inputs()} with the reference outputs.
     *
     * @throws EdgeperfException USER_ERROR when the device's outputs do not have the reference's sizes
     */
    public DeviceAgreement compare(List<OutputTensor> device) {
        try {
            return DeviceAgreement.compare(samples.stream().map(s -> s.output().values()).toList(),
                    device.stream().map(OutputTensor::values).toList());
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("device outputs do not fit the reference set: " + e.getMessage());
        }
    }

    /** Runs {@code model} with ONNX Runtime (CPU) on this set's inputs and compares with its outputs. */
    public DeviceAgreement check(ModelProto model, String what) {
        return compare(new OrtRunner(1).runShaped(model, inputs(), what));
    }

    /**
     * Runs the model file with ONNX Runtime (CPU, {@code threads} intra-op threads; 0 = engine default) on
     * this set's inputs and compares its first output with the reference. Loads from the path, so external
     * data beside the file is read as ONNX Runtime reads it when measuring.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot be loaded or run on the inputs
     */
    public DeviceAgreement check(java.nio.file.Path modelFile, int threads, String what) {
        return compare(run(modelFile, threads, inputs(), what));
    }

    /**
     * As {@link #of(ModelProto, List, String)}, for a model file (with any external data beside it), which is
     * never loaded whole onto the heap.
     */
    public static ReferenceSet of(java.nio.file.Path modelFile, List<InputBatch> inputs, String what) {
        List<OutputTensor> outputs = run(modelFile, 1, inputs, what);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            samples.add(new Sample(inputs.get(i), outputs.get(i)));
        }
        return new ReferenceSet(samples);
    }

    private static List<OutputTensor> run(java.nio.file.Path modelFile, int threads, List<InputBatch> inputs,
                                          String what) {
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        List<OutputTensor> outputs = new ArrayList<>();
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            try (ai.onnxruntime.OrtSession session = env.createSession(modelFile.toString(), options)) {
                String first = session.getOutputNames().iterator().next();
                String firstInput = session.getInputNames().iterator().next();
                for (InputBatch batch : inputs) {
                    java.util.Map<String, ai.onnxruntime.OnnxTensor> feeds = new java.util.LinkedHashMap<>();
                    try {
                        for (InputBatch.Feed f : batch.inputs()) {
                            String name = f.name() == null ? firstInput : f.name();
                            feeds.put(name, f.floats() != null
                                    ? ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(f.floats()),
                                            f.shape())
                                    : ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(f.longs()),
                                            f.shape()));
                        }
                        try (ai.onnxruntime.OrtSession.Result r = session.run(feeds, java.util.Set.of(first))) {
                            ai.onnxruntime.OnnxTensor t = (ai.onnxruntime.OnnxTensor) r.get(0);
                            java.nio.FloatBuffer fb = t.getFloatBuffer();
                            if (fb == null) {
                                throw EdgeperfException.userError("output '" + first + "' of " + what + " is "
                                        + t.getInfo().type + ", not float; the agreement check compares float outputs");
                            }
                            float[] v = new float[fb.remaining()];
                            fb.get(v);
                            outputs.add(new OutputTensor(first, t.getInfo().getShape(), v));
                        }
                    } finally {
                        feeds.values().forEach(ai.onnxruntime.OnnxTensor::close);
                    }
                }
            }
        } catch (ai.onnxruntime.OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot run " + what + " on its reference inputs: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        return outputs;
    }

    /** This set as bytes (a small versioned binary form; {@link #decode} reads it back). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(samples.size());
            for (Sample s : samples) {
                out.writeInt(s.input().inputs().size());
                for (InputBatch.Feed f : s.input().inputs()) {
                    out.writeUTF(f.name() == null ? "" : f.name());
                    writeShape(out, f.shape());
                    if (f.floats() != null) {
                        out.writeByte(0);
                        writeFloats(out, f.floats());
                    } else {
                        out.writeByte(1);
                        out.writeInt(f.longs().length);
                        for (long v : f.longs()) {
                            out.writeLong(v);
                        }
                    }
                }
                out.writeUTF(s.output().name());
                writeShape(out, s.output().shape());
                writeFloats(out, s.output().values());
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #encode()}'s form.
     *
     * @throws EdgeperfException USER_ERROR naming {@code what} when the bytes are not a reference set
     */
    public static ReferenceSet decode(byte[] bytes, String what) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw EdgeperfException.userError(what + " is not an edgeperf reference set (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw EdgeperfException.userError(what + " is reference-set version " + version + "; expected "
                        + VERSION);
            }
            int count = in.readInt();
            if (count < 1 || count > 1024) {
                throw EdgeperfException.userError(what + " holds " + count + " samples; expected 1 to 1024");
            }
            List<Sample> samples = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                int feeds = in.readInt();
                if (feeds < 1 || feeds > 1024) {
                    throw EdgeperfException.userError(what + ": sample " + s + " has " + feeds + " inputs");
                }
                List<InputBatch.Feed> list = new ArrayList<>();
                for (int f = 0; f < feeds; f++) {
                    String name = in.readUTF();
                    long[] shape = readShape(in, what);
                    int kind = in.readByte();
                    if (kind == 0) {
                        list.add(new InputBatch.Feed(name.isEmpty() ? null : name, shape, readFloats(in, what), null));
                    } else if (kind == 1) {
                        long[] v = new long[length(in, what)];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = in.readLong();
                        }
                        list.add(new InputBatch.Feed(name.isEmpty() ? null : name, shape, null, v));
                    } else {
                        throw EdgeperfException.userError(what + ": unknown value kind " + kind);
                    }
                }
                String output = in.readUTF();
                long[] shape = readShape(in, what);
                samples.add(new Sample(new InputBatch(list, null), new OutputTensor(output, shape, readFloats(in, what))));
            }
            if (in.read() != -1) {
                throw EdgeperfException.userError(what + " has bytes after its last sample");
            }
            return new ReferenceSet(samples);
        } catch (IOException e) {
            throw EdgeperfException.userError(what + " is truncated: " + e);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError(what + " is inconsistent: " + e.getMessage());
        }
    }

    private static void writeShape(DataOutputStream out, long[] shape) throws IOException {
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
    }

    private static long[] readShape(DataInputStream in, String what) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 16) {
            throw EdgeperfException.userError(what + ": a tensor of rank " + rank + "; expected 0 to 16");
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
        }
        return shape;
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, String what) throws IOException {
        float[] v = new float[length(in, what)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }

    private static int length(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_VALUES) {
            throw EdgeperfException.userError(what + ": a tensor of " + n + " values; expected 0 to " + MAX_VALUES);
        }
        return n;
    }
}
