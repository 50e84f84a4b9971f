package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs ONNX models in ONNX Runtime (CPU) for fidelity, calibration and kernel inspection. */
public final class OrtRunner {
    private static final Pattern OP_NAME = Pattern.compile("\"op_name\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern KERNEL_EVENT = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)_kernel_time\"");
    private final int threads;

    /** @param threads intra-op threads per session (1 or more) */
    public OrtRunner(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /**
     * Runs every batch through the model and returns the first output of each, flattened. A batch's
     * unnamed feed goes to the model's first graph input, named feeds to the inputs they name.
     *
     * @throws EdgeperfException USER_ERROR when the model cannot be loaded or the input does not fit
     */
    public List<float[]> run(ModelProto model, Iterable<InputBatch> batches, String what) {
        return runOutputs(model, batches, List.of(model.getGraph().getOutput(0).getName()), what).get(0);
    }

    /** Per requested output name, one flattened float array per batch. */
    List<List<float[]>> runOutputs(ModelProto model, Iterable<InputBatch> batches, List<String> outputs, String what) {
        List<List<float[]>> result = new ArrayList<>();
        for (List<OutputTensor> perOutput : runTensors(model, batches, outputs, what)) {
            result.add(perOutput.stream().map(OutputTensor::values).toList());
        }
        return result;
    }

    /**
     * Like {@link #run} but with the shape ORT reported for each batch's first output, so fidelity can tell a
     * classifier's {@code [N, classes]} from other outputs.
     */
    public List<OutputTensor> runShaped(ModelProto model, Iterable<InputBatch> batches, String what) {
        return runTensors(model, batches, List.of(model.getGraph().getOutput(0).getName()), what).get(0);
    }

    /** Per requested output name, one {@link OutputTensor} per batch. */
    List<List<OutputTensor>> runTensors(ModelProto model, Iterable<InputBatch> batches, List<String> outputs,
            String what) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<List<OutputTensor>> result = new ArrayList<>();
        outputs.forEach(o -> result.add(new ArrayList<>()));
        try (OrtSession.SessionOptions opts = options(null);
                OrtSession session = env.createSession(model.toByteArray(), opts)) {
            for (InputBatch b : batches) {
                try (OrtFeeds in = OrtFeeds.of(env, model, b);
                        OrtSession.Result r = session.run(in.map(), new java.util.LinkedHashSet<>(outputs))) {
                    for (int i = 0; i < outputs.size(); i++) {
                        OnnxValue v = r.get(outputs.get(i)).orElseThrow();
                        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                        if (fb == null) {
                            throw EdgeperfException.userError("output '" + outputs.get(i) + "' of " + what + " is "
                                    + ((OnnxTensor) v).getInfo().type + ", not float; fidelity compares float outputs");
                        }
                        float[] arr = new float[fb.remaining()];
                        fb.get(arr);
                        result.get(i).add(new OutputTensor(outputs.get(i), ((OnnxTensor) v).getInfo().getShape(), arr));
                    }
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot run " + what + ": " + oneLine(e));
        }
        return result;
    }

    /**
     * Op types of the kernels ONNX Runtime actually executed for one batch (after its graph
     * optimisations and fusions), with how many nodes of each, from ORT's profiling trace.
     */
    public Map<String, Integer> executedKernels(ModelProto model, InputBatch batch, String what) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("edgeperf-ortprof");
            Path prefix = dir.resolve("profile");
            String profileFile;
            try (OrtSession.SessionOptions opts = options(prefix);
                    OrtSession session = env.createSession(model.toByteArray(), opts);
                    OrtFeeds in = OrtFeeds.of(env, model, batch)) {
                session.run(in.map()).close();
                profileFile = session.endProfiling();
            }
            String json = Files.readString(Path.of(profileFile));
            // Each executed node logs "<node>_kernel_time" events (one per run, plus fences); count
            // distinct node names per op type so the figure is "how many nodes ran this kernel".
            Map<String, java.util.Set<String>> nodes = new TreeMap<>();
            // args may nest objects (thread stats), so take the first op_name after the event name.
            Matcher k = KERNEL_EVENT.matcher(json);
            Matcher opMatch = OP_NAME.matcher(json);
            while (k.find()) {
                if (opMatch.find(k.end())) {
                    nodes.computeIfAbsent(opMatch.group(1), x -> new java.util.HashSet<>()).add(k.group(1));
                }
            }
            Map<String, Integer> counts = new TreeMap<>();
            nodes.forEach((op, names) -> counts.put(op, names.size()));
            Map<String, Integer> raw = new LinkedHashMap<>();
            Matcher m = OP_NAME.matcher(json);
            while (m.find()) {
                raw.merge(m.group(1), 1, Integer::sum);
            }
            return counts.isEmpty() ? new TreeMap<>(raw) : counts;
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot run " + what + ": " + oneLine(e));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read ONNX Runtime profile for " + what + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The model with extra graph outputs so intermediate float tensors can be read back. */
    static ModelProto exposing(ModelProto model, List<String> tensors) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        java.util.Set<String> have = Graphs.graphOutputs(model.getGraph());
        for (String t : tensors) {
            if (!have.contains(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    static String firstInput(ModelProto model) {
        java.util.Set<String> inits = Graphs.initializers(model.getGraph()).keySet();
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (!inits.contains(v.getName())) {
                return v.getName();
            }
        }
        throw EdgeperfException.userError("model '" + model.getGraph().getName() + "' has no graph input; "
                + "expected one float input");
    }

    private OrtSession.SessionOptions options(Path profilePrefix) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (profilePrefix != null) {
            o.enableProfiling(profilePrefix.toString());
        }
        return o;
    }

    static String oneLine(Exception e) {
        String msg = String.valueOf(e.getMessage());
        return msg.replaceAll("\\s+", " ").trim();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
