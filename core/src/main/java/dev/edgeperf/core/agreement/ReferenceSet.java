package dev.edgeperf.core.agreement;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OutputTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A few reference inputs at batch 1 and every float output the coordinator's ONNX Runtime (CPU) computed for
 * each, so a device can run the same variant on the same inputs and report its {@link DeviceAgreement}.
 * Stored as one content-addressed artifact ({@link #encode()}), a few kilobytes for an MNIST model.
 *
 * @param samples at least one
 */
public record ReferenceSet(List<Sample> samples) {
    /** How many reference inputs a variant gets by default. */
    public static final int DEFAULT_SAMPLES = 4;
    /** The seed of the generated inputs, so a variant's reference set is the same at every preparation. */
    public static final long DEFAULT_SEED = 13;

    /**
     * One reference input (batch 1) and the model's outputs for it.
     *
     * @param outputs every float output, in the model's order; at least one
     */
    public record Sample(InputBatch input, List<OutputTensor> outputs) {
        public Sample {
            Objects.requireNonNull(input, "input is null");
            outputs = List.copyOf(outputs);
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException("a reference sample needs at least one output");
            }
        }

        /** The first output. */
        public OutputTensor output() {
            return outputs.get(0);
        }
    }

    public ReferenceSet {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a reference set needs at least one sample");
        }
    }

    /**
     * Runs {@code model} on {@code inputs} with ONNX Runtime and keeps each input with its float outputs.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot run on the inputs
     */
    public static ReferenceSet of(ModelProto model, List<InputBatch> inputs, String what) {
        return of(inputs, ReferenceRunner.run(model.toByteArray(), inputs, what));
    }

    /**
     * As {@link #of(ModelProto, List, String)}, for a model file (with any external data beside it), which is
     * never loaded whole onto the heap.
     */
    public static ReferenceSet of(Path modelFile, List<InputBatch> inputs, String what) {
        return of(inputs, ReferenceRunner.run(modelFile, 1, inputs, what));
    }

    private static ReferenceSet of(List<InputBatch> inputs, List<List<OutputTensor>> outputs) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            samples.add(new Sample(inputs.get(i), outputs.get(i)));
        }
        return new ReferenceSet(samples);
    }

    /**
     * The first {@code count} samples of real input batches (a campaign's calibration data), each as its own
     * batch-1 input; labels are dropped.
     *
     * @return fewer than {@code count} when the batches hold fewer rows; empty for no batches
     */
    public static List<InputBatch> batchOne(Iterable<InputBatch> batches, int count) {
        List<InputBatch> out = new ArrayList<>();
        for (InputBatch b : batches) {
            if (out.size() >= count) {
                break;
            }
            long rows = b.shape().length == 0 ? 1 : b.shape()[0];
            for (int r = 0; r < rows && out.size() < count; r++) {
                List<InputBatch.Feed> feeds = new ArrayList<>();
                for (InputBatch.Feed f : b.inputs()) {
                    long[] shape = f.shape().clone();
                    int n = Math.toIntExact(f.floats() != null ? f.floats().length / rows : f.longs().length / rows);
                    if (shape.length > 0) {
                        shape[0] = 1;
                    }
                    feeds.add(new InputBatch.Feed(f.name(), shape,
                            f.floats() == null ? null : Arrays.copyOfRange(f.floats(), r * n, (r + 1) * n),
                            f.longs() == null ? null : Arrays.copyOfRange(f.longs(), r * n, (r + 1) * n)));
                }
                out.add(new InputBatch(feeds, null));
            }
        }
        return out;
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
     * Compares outputs a device computed for {@link #inputs()} with the reference outputs, output by output:
     * each reference output is matched by name, else by position (the same variant keeps its names).
     *
     * @param device per sample, the device's outputs
     * @throws EdgeperfException USER_ERROR when the device's outputs do not have the reference's sizes
     */
    public DeviceAgreement compare(List<List<OutputTensor>> device) {
        if (device.size() != samples.size()) {
            throw EdgeperfException.userError("device outputs do not fit the reference set: " + device.size()
                    + " samples, expected " + samples.size());
        }
        Map<String, List<float[]>> ref = new LinkedHashMap<>();
        Map<String, List<float[]>> dev = new LinkedHashMap<>();
        for (int s = 0; s < samples.size(); s++) {
            List<OutputTensor> outs = samples.get(s).outputs();
            for (int o = 0; o < outs.size(); o++) {
                String name = outs.get(o).name();
                ref.computeIfAbsent(name, k -> new ArrayList<>()).add(outs.get(o).values());
                OutputTensor match = byName(device.get(s), name, o);
                if (match != null) {
                    dev.computeIfAbsent(name, k -> new ArrayList<>()).add(match.values());
                }
            }
        }
        try {
            return DeviceAgreement.compareOutputs(ref, dev);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("device outputs do not fit the reference set: " + e.getMessage());
        }
    }

    private static OutputTensor byName(List<OutputTensor> outputs, String name, int position) {
        for (OutputTensor t : outputs) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return position < outputs.size() ? outputs.get(position) : null;
    }

    /** Runs {@code model} with ONNX Runtime (CPU) on this set's inputs and compares with its outputs. */
    public DeviceAgreement check(ModelProto model, String what) {
        return compare(ReferenceRunner.run(model.toByteArray(), inputs(), what));
    }

    /**
     * Runs the model file with ONNX Runtime (CPU, {@code threads} intra-op threads; 0 = engine default) on
     * this set's inputs and compares every output with the reference. Loads from the path, so external data
     * beside the file is read as ONNX Runtime reads it when measuring.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot be loaded or run on the inputs
     */
    public DeviceAgreement check(Path modelFile, int threads, String what) {
        return compare(ReferenceRunner.run(modelFile, threads, inputs(), what));
    }

    /** This set as bytes (a small versioned binary form; {@link #decode} reads it back). */
    public byte[] encode() {
        return ReferenceCodec.encode(this);
    }

    /**
     * Reads {@link #encode()}'s form, and the version-1 form (first output only) of sets stored before.
     *
     * @throws EdgeperfException USER_ERROR naming {@code what} when the bytes are not a reference set
     */
    public static ReferenceSet decode(byte[] bytes, String what) {
        return ReferenceCodec.decode(bytes, what);
    }
}
