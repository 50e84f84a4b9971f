package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.IntegerInputs;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.InputBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Calibration data for every input of a multi-input model.
 *
 * <p>A {@code tensors:DIR} folder gives several inputs in one of two layouts, each run one batch as the model
 * takes it (every file the input's whole tensor, batch dimension included, as ONNX test data's files are):
 * <ul>
 * <li>flat, one file per input per run: {@code <run>.<input>.npy} or {@code .pb}, e.g. {@code 000.input.npy}
 *     and {@code 000.state.npy};</li>
 * <li>one sub-folder per run (ONNX test data's {@code test_data_set_0/}), holding {@code <input>.npy|.pb} or
 *     {@code input_<K>.pb} for the K-th graph input; a folder of {@code input_<K>.pb} files alone is one run.</li>
 * </ul>
 * An input no file gives is fed its {@code --value}, or for int64 inputs the rule agents use
 * ({@link IntegerInputs}: token ids within the embedding table, masks ones, token types zeros); a float input
 * nothing gives is an error naming it. The same filling completes image folders and single-input tensor
 * folders of a multi-input model.
 */
final class TensorRuns {
    /** Seed of the int64 inputs generated beside the user's data (token ids): fixed, so builds repeat. */
    static final long SEED = 20240601L;

    private TensorRuns() {
    }

    /** The model's fed inputs (initializers left out), in graph order. */
    static List<ValueInfoProto> fed(ModelProto model) {
        Set<String> inits = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        return model.getGraph().getInputList().stream().filter(v -> !inits.contains(v.getName())).toList();
    }

    /**
     * The runs of {@code dir} by run name, each input name -> its file, or null when the folder is not in a
     * multi-input layout (plain files for the first input).
     */
    static Map<String, Map<String, Path>> runs(Path dir, List<String> inputs) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> folders = list(dir, Files::isDirectory);
        // files other than tensors (an evaluation folder's labels file) do not make the layout flat
        if (!folders.isEmpty() && list(dir, p -> Files.isRegularFile(p) && isTensor(p)).isEmpty()) {
            Map<String, Map<String, Path>> runs = new TreeMap<>(TensorFiles::natural);
            for (Path f : folders) {
                Map<String, Path> run = new LinkedHashMap<>();
                for (Path p : TensorFiles.list(f, List.of(".npy", ".pb"), "tensor", ".npy or .pb")) {
                    String stem = stem(p);
                    if (stem.startsWith("output_")) {
                        continue;
                    }
                    String input = inputs.contains(stem) ? stem : indexed(stem, inputs);
                    if (input == null) {
                        throw EdgeperfException.userError("tensor file " + p + " names no input of the model; expected"
                                + " <input>.npy or input_<K>.pb, inputs " + inputs);
                    }
                    run.put(input, p);
                }
                runs.put(f.getFileName().toString(), run);
            }
            return runs;
        }
        List<Path> files = TensorFiles.list(dir, List.of(".npy", ".pb"), "tensor", ".npy or .pb").stream()
                .filter(p -> !stem(p).startsWith("output_")).toList();
        Map<String, Map<String, Path>> runs = new TreeMap<>(TensorFiles::natural);
        if (inputs.size() > 1 && !files.isEmpty() && files.stream().allMatch(p -> indexed(stem(p), inputs) != null)) {
            // one ONNX test data set: input_K.pb is the K-th input of a single run
            Map<String, Path> run = new LinkedHashMap<>();
            files.forEach(p -> run.put(indexed(stem(p), inputs), p));
            runs.put(dir.getFileName().toString(), run);
            return runs;
        }
        for (Path p : files) {
            String input = suffixInput(stem(p), inputs);
            if (input == null) {
                if (!runs.isEmpty()) {
                    throw unnamed(p, inputs);
                }
                continue;
            }
            String run = stem(p).substring(0, stem(p).length() - input.length() - 1);
            runs.computeIfAbsent(run, k -> new LinkedHashMap<>()).put(input, p);
        }
        if (runs.isEmpty()) {
            return null;
        }
        for (Path p : files) {
            if (suffixInput(stem(p), inputs) == null) {
                throw unnamed(p, inputs);
            }
        }
        return runs;
    }

    private static EdgeperfException unnamed(Path p, List<String> inputs) {
        return EdgeperfException.userError("tensor file " + p + " names no input of the model, unlike the other files"
                + " of its folder; expected <run>.<input>.npy or .pb with <input> one of " + inputs);
    }

    /** Loads named runs: each run one batch, its inputs' files validated against the model. */
    static CalibrationInputs load(CalibrationSource source, ModelProto model, String modelName, ModelInputs sizes,
            Map<String, Map<String, Path>> runs, String use) {
        Set<String> given = runs.values().iterator().next().keySet();
        List<InputBatch> batches = new ArrayList<>();
        for (Map.Entry<String, Map<String, Path>> run : runs.entrySet()) {
            if (!run.getValue().keySet().equals(given)) {
                Set<String> missing = new HashSet<>(given);
                missing.removeAll(run.getValue().keySet());
                Set<String> extra = new HashSet<>(run.getValue().keySet());
                extra.removeAll(given);
                throw EdgeperfException.userError(use + " folder " + source.folder() + ": run '" + run.getKey()
                        + "' has " + (missing.isEmpty() ? "a file for input(s) " + extra + " that the first run has not"
                        : "no file for input(s) " + missing) + "; every run needs the same inputs (first run: " + given + ")");
            }
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (ValueInfoProto v : fed(model)) {
                Path p = run.getValue().get(v.getName());
                if (p != null) {
                    feeds.add(feed(v, p));
                }
            }
            batches.add(new InputBatch(feeds, new int[0]));
        }
        CalibrationData data = complete(CalibrationData.of(batches), model, modelName, sizes, source, use);
        long[] first = data.iterator().next().inputs().get(0).shape();
        String label = source.text() + " " + runs.size() + (runs.size() == 1 ? " run" : " runs") + " of " + given;
        Map<String, Object> cal = CalibrationInputs.describe(source.folder() + ": " + runs.size() + " runs, files for "
                + given, runs.size(), first);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("calibration", cal);
        d.put("evaluation", CalibrationInputs.evaluation("the calibration inputs", cal.get("samples") instanceof Long n
                ? n : 0, false));
        return new CalibrationInputs(data, data, null, label, d);
    }

    private static InputBatch.Feed feed(ValueInfoProto v, Path p) {
        RawTensor t = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")
                ? NpyReader.read(p.toString(), TensorFiles.readAll(p)) : TensorFiles.pb(p.toString(), TensorFiles.readAll(p));
        int type = v.getType().getTensorType().getElemType();
        boolean floatInput = type == DataType.FLOAT_VALUE;
        if ((!floatInput && type != DataType.INT64_VALUE) || t.isFloat() != floatInput) {
            throw EdgeperfException.userError("tensor file " + p + " holds " + t.dtype() + " but input '" + v.getName()
                    + "' is " + DataType.forNumber(type) + "; tensor files feed float32 ('<f4', FLOAT) or int64 ('<i8',"
                    + " '<i4', '|u1', INT64/INT32/UINT8) inputs");
        }
        return new InputBatch.Feed(v.getName(), t.shape(), t.floats(), t.longs());
    }

    /**
     * Adds every fed input a batch lacks: its {@code --value}, or the int64 rule; shapes from the inputs the
     * batch has (shared symbols), {@code --input}, {@code --dim}, with the batch's leading size.
     *
     * @param use {@code calibration} or {@code evaluation}: what the data is for, as messages name it
     * @throws EdgeperfException USER_ERROR naming the input nothing gives (a float input), or the file shape that
     *         contradicts the model
     */
    static CalibrationData complete(CalibrationData data, ModelProto model, String modelName, ModelInputs sizes,
            CalibrationSource source, String use) {
        List<ValueInfoProto> fed = fed(model);
        if (fed.size() < 2 && data.iterator().next().inputs().size() == fed.size()) {
            return data;
        }
        List<InputDims.Declared> declared = fed.stream().map(InputDims.Declared::of).toList();
        Map<String, IntegerInputs.Rule> rules = IntegerInputs.rules(model);
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<InputBatch> out = new ArrayList<>();
        for (InputBatch b : data) {
            Map<String, InputBatch.Feed> have = new LinkedHashMap<>();
            b.inputs().forEach(f -> have.put(f.name(), f));
            Map<String, long[]> given = new LinkedHashMap<>();
            sizes.shapes().forEach((name, shape) -> {
                if (!have.containsKey(name)) {
                    given.put(name, shape);
                }
            });
            for (InputDims.Declared in : declared) {
                // a scalar input (a sample rate) given its one value
                long[] v = sizes.values().get(in.name());
                if (v != null && v.length == 1 && (in.sizes() == null || in.sizes().length == 0)
                        && !have.containsKey(in.name())) {
                    given.putIfAbsent(in.name(), new long[0]);
                }
            }
            have.forEach((name, f) -> given.put(name, f.shape()));
            Map<String, long[]> shapes;
            try {
                shapes = InputDims.resolve(modelName, declared, b.inputs().get(0).shape()[0], given, sizes.dims(), 0);
            } catch (EdgeperfException e) {
                throw EdgeperfException.userError(use + " " + source.text() + ": " + e.getMessage());
            }
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (ValueInfoProto v : fed) {
                InputBatch.Feed f = have.get(v.getName());
                feeds.add(f != null ? f : generated(v, shapes.get(v.getName()), sizes, rules, rnd, source, modelName,
                        use));
            }
            out.add(new InputBatch(feeds, b.labels()));
        }
        return CalibrationData.of(out);
    }

    private static InputBatch.Feed generated(ValueInfoProto v, long[] shape, ModelInputs sizes,
            Map<String, IntegerInputs.Rule> rules, SplittableRandom rnd, CalibrationSource source, String modelName,
            String use) {
        int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        boolean floatInput = v.getType().getTensorType().getElemType() == DataType.FLOAT_VALUE;
        long[] values = sizes.values().get(v.getName());
        if (values != null) {
            if (n % values.length != 0) {
                throw EdgeperfException.userError("input '" + v.getName() + "' of shape " + ModelInput.render(shape)
                        + " cannot be fed the " + values.length + " value(s) given for it");
            }
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = values[i % values.length];
            }
            if (!floatInput) {
                return new InputBatch.Feed(v.getName(), shape, null, l);
            }
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = l[i];
            }
            return new InputBatch.Feed(v.getName(), shape, f, null);
        }
        if (floatInput || !rules.containsKey(v.getName())) {
            throw EdgeperfException.userError(use + " " + source.text() + " gives no data for input '" + v.getName()
                    + "' " + InputDims.Declared.of(v).describe() + " of model " + modelName + "; add one file per run"
                    + " named <run>." + v.getName() + ".npy to the folder, or --value " + v.getName() + "=V");
        }
        IntegerInputs.Rule rule = rules.get(v.getName());
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = rule.next(rnd);
        }
        return new InputBatch.Feed(v.getName(), shape, null, l);
    }

    private static boolean isTensor(Path p) {
        String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".npy") || name.endsWith(".pb");
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** The longest input name {@code stem} ends with after a dot, or null. */
    private static String suffixInput(String stem, List<String> inputs) {
        return inputs.stream().filter(in -> stem.endsWith("." + in) && stem.length() > in.length() + 1)
                .max(Comparator.comparingInt(String::length)).orElse(null);
    }

    /** {@code input_K} -> the K-th input, or null. */
    private static String indexed(String stem, List<String> inputs) {
        if (!stem.matches("input_\\d{1,6}")) {
            return null;
        }
        int k = Integer.parseInt(stem.substring("input_".length()));
        return k < inputs.size() ? inputs.get(k) : null;
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> kind) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(kind).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw EdgeperfException.userError("calibration folder " + dir + " cannot be listed: " + e.getMessage());
        }
    }
}
