package dev.edgeperf.coordinator.spec;

import dev.edgeperf.coordinator.schedule.TrainingData;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.edgeperf.coordinator.fleet.Selector;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.schedule.CampaignPlanner;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.MeasurementSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a campaign spec. Every error names the file, the line and the field:
 * {@code spec.yaml:7: devices: unknown selector key 'bord' (expected one of board, arch, isa, name or a label)}.
 *
 * <pre>
 * name: mnist sweep                 # optional
 * models: [mnist-cnn, ./my.onnx]    # zoo names or .onnx files (relative to the spec), or per model:
 *   - {file: det.onnx, inputs: {x: 1x3x320x320}, dims: {sequence: 128}}   # the batch replaces x's leading dim
 * variants: [baseline, "pruned:structured:0.5"]   # default [baseline]
 * batch_sizes: [1, 8, 32]
 * threads: [0]                      # intra-op threads, 0 = engine default (default [0])
 * modes: [latency, "throughput:4"]  # default [latency]
 * devices:                          # default [all] = each connected agent
 *   - board=rpi5                    # or a map: {arch: aarch64, isa: neon}; keys board, arch, isa, name, any label
 * measurement: {warmup_iterations: 10, min_iterations: 50, min_duration_ms: 1000, max_duration_ms: 10000,
 *               target_ci_half_width: 0.01, warmup_until_stable: true, in_process: false}
 * calibration: images:photos        # variants' calibration data for every model (default random), see
 * preprocess: resize=224x224,mean=0.485/0.456/0.406,std=0.229/0.224/0.225   # CalibrationSource; folders
 *                                   # relative to the spec; a model entry {name|file, calibration, preprocess}
 *                                   # sets its own
 * evaluation: mnist                 # labelled data every variant's accuracy is measured on: mnist, fashion-mnist,
 * evaluation_preprocess: resize=28x28  # images:DIR (a sub-folder per class), tensors:DIR (+ labels.txt), idx:DIR
 * training: mnist                   # train split distilled:STUDENT variants train on: mnist or fashion-mnist
 * train_images: 1000                # only the first N train images (default 0 = all)
 * </pre>
 */
public final class CampaignSpecParser {
    static final List<String> FIELDS = List.of("name", "models", "variants", "batch_sizes", "threads", "modes",
            "devices", "measurement", "calibration", "preprocess", "evaluation", "evaluation_preprocess", "providers",
            "training", "train_images");
    static final List<String> MODEL_FIELDS = List.of("name", "file", "inputs", "dims", "calibration", "preprocess",
            "values");
    static final List<String> MEASUREMENT_FIELDS = List.of("warmup_iterations", "min_iterations", "min_duration_ms",
            "max_duration_ms", "target_ci_half_width", "warmup_until_stable", "in_process");

    private static final YAMLFactory YAML = new YAMLFactory();

    /** A YAML value with the line it starts on: a Map, a List, or a scalar (String, Number, Boolean, null). */
    record Node(Object value, int line) {
    }

    private final String file;
    private final Path baseDir;
    private final Set<String> labelKeys;

    /**
     * @param file      how errors name the spec, e.g. "spec.yaml"
     * @param baseDir   folder that relative model paths are resolved against
     * @param labelKeys label keys of the fleet's agents, accepted as selector keys
     */
    public CampaignSpecParser(String file, Path baseDir, Set<String> labelKeys) {
        this.file = file;
        this.baseDir = baseDir;
        this.labelKeys = Set.copyOf(labelKeys);
    }

    /** Reads and parses a spec file. */
    public static CampaignSpec read(Path spec, Set<String> labelKeys) {
        String text;
        try {
            text = Files.readString(spec);
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("campaign spec " + spec + " does not exist");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read campaign spec " + spec + ": " + e.getMessage());
        }
        Path dir = spec.toAbsolutePath().getParent();
        return new CampaignSpecParser(spec.toString(), dir, labelKeys).parse(text);
    }

    public CampaignSpec parse(String text) {
        Node root = tree(text);
        if (!(root.value() instanceof Map<?, ?>)) {
            throw error(root.line(), "a campaign spec must be a YAML mapping with " + String.join(", ", FIELDS));
        }
        Map<String, Node> fields = map(root);
        for (Map.Entry<String, Node> e : fields.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                throw error(e.getValue().line(), "unknown field '" + e.getKey() + "' (expected one of "
                        + String.join(", ", FIELDS) + ")");
            }
        }
        Optional<String> name = Optional.ofNullable(fields.get("name")).map(n -> scalar(n, "name"));
        Node modelsNode = required(fields, "models", root);
        List<CampaignSpec.ModelRef> models = new ArrayList<>();
        Map<CampaignSpec.ModelRef, Node> modelNodes = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        long uploadBytes = 0;
        Map<String, CalibrationSource> calibrations = new LinkedHashMap<>();
        for (Node n : list(modelsNode, "models")) {
            CampaignSpec.ModelRef ref;
            if (n.value() instanceof Map<?, ?>) {
                Map<String, Node> m = map(n);
                ref = modelEntry(n, m);
                CalibrationSource own = calibration(m, "models.");
                if (own != null) {
                    calibrations.put(ref.displayName(), own);
                }
            } else {
                ref = model(n);
            }
            uploadBytes += uploadSize(ref, n, uploadBytes);
            if (!names.add(ref.displayName())) {
                throw error(n.line(), "models: '" + ref.displayName() + "' is listed twice");
            }
            models.add(ref);
            modelNodes.put(ref, n);
        }
        TrainingData training = training(fields);
        List<String> variants = new ArrayList<>();
        for (Node n : optionalList(fields, "variants", "baseline")) {
            String recipe = scalar(n, "variants");
            try {
                variants.add(TrainingData.recipe(recipe, training));
            } catch (EdgeperfException e) {
                throw error(n.line(), "variants: unknown variant '" + recipe + "': " + e.getMessage());
            }
        }
        List<Integer> batches = new ArrayList<>();
        for (Node n : list(required(fields, "batch_sizes", root), "batch_sizes")) {
            batches.add(integer(n, "batch_sizes", 1));
        }
        modelNodes.forEach((ref, n) -> checkInputs(ref, n, batches));
        List<Integer> threads = new ArrayList<>();
        for (Node n : optionalList(fields, "threads", 0L)) {
            threads.add(integer(n, "threads", 0));
        }
        List<Mode> modes = new ArrayList<>();
        for (Node n : optionalList(fields, "modes", "latency")) {
            try {
                modes.add(Mode.parse(scalar(n, "modes")));
            } catch (EdgeperfException e) {
                throw error(n.line(), "modes: " + e.getMessage());
            }
        }
        List<String> selectors = new ArrayList<>();
        for (Node n : optionalList(fields, "devices", Selector.ALL)) {
            selectors.add(selector(n));
        }
        MeasurementSettings settings = fields.containsKey("measurement")
                ? measurement(fields.get("measurement")) : MeasurementSettings.getDefaultInstance();
        if (fields.containsKey("providers")) {
            settings = withProviders(settings, fields.get("providers"));
        }
        CalibrationSource common = calibration(fields, "");
        if (common != null) {
            calibrations.put("", common);
        }
        return new CampaignSpec(name, models, variants, batches, threads, modes, selectors, settings, text,
                calibrations, evaluation(fields), training);
    }

    /** The {@code training:} (and {@code train_images:}), checked now; null when absent. */
    private TrainingData training(Map<String, Node> fields) {
        Node t = fields.get("training");
        Node n = fields.get("train_images");
        if (t == null) {
            if (n != null) {
                throw error(n.line(), "train_images: needs training: mnist|fashion-mnist beside it");
            }
            return null;
        }
        int images = n == null ? 0 : integer(n, "train_images", 0);
        try {
            return new TrainingData(scalar(t, "training"), images);
        } catch (EdgeperfException e) {
            throw error(t.line(), e.getMessage());
        }
    }

    /** The {@code evaluation:} (and {@code evaluation_preprocess:}), checked now; null when absent. */
    private CalibrationSource evaluation(Map<String, Node> fields) {
        Node e = fields.get("evaluation");
        Node p = fields.get("evaluation_preprocess");
        if (e == null) {
            if (p != null) {
                throw error(p.line(), "evaluation_preprocess: needs evaluation: images:DIR beside it");
            }
            return null;
        }
        CalibrationSource source;
        try {
            source = CalibrationSource.parse(scalar(e, "evaluation"), p == null ? null : scalar(p, "evaluation_preprocess"),
                    baseDir);
        } catch (EdgeperfException ex) {
            throw error(e.line(), "evaluation: " + ex.getMessage().replace("--calibration", "evaluation")
                    .replace("--preprocess", "evaluation_preprocess"));
        }
        if (source.kind() == CalibrationSource.Kind.RANDOM) {
            throw error(e.line(), "evaluation: '" + source.text() + "' has no labels; expected mnist, fashion-mnist,"
                    + " images:DIR (one sub-folder per class), tensors:DIR (with labels.txt) or idx:DIR");
        }
        if (source.folder() != null && !Files.isDirectory(source.folder())) {
            throw error(e.line(), "evaluation: folder '" + source.text() + "' does not exist (looked for "
                    + source.folder() + ")");
        }
        return source;
    }

    /** The {@code calibration:} (and {@code preprocess:}) of a mapping, checked now; null when absent. */
    private CalibrationSource calibration(Map<String, Node> fields, String prefix) {
        Node c = fields.get("calibration");
        Node p = fields.get("preprocess");
        if (c == null) {
            if (p != null) {
                throw error(p.line(), prefix + "preprocess: needs calibration: images:DIR beside it");
            }
            return null;
        }
        CalibrationSource source;
        try {
            source = CalibrationSource.parse(scalar(c, prefix + "calibration"),
                    p == null ? null : scalar(p, prefix + "preprocess"), baseDir);
        } catch (EdgeperfException e) {
            throw error(p != null && e.getMessage().startsWith("--preprocess") ? p.line() : c.line(),
                    prefix + "calibration: " + e.getMessage());
        }
        if (source.folder() != null && !Files.isDirectory(source.folder())) {
            throw error(c.line(), prefix + "calibration: folder '" + source.text() + "' does not exist (looked for "
                    + source.folder() + ")");
        }
        return source;
    }

    private CampaignSpec.ModelRef model(Node n) {
        String m = scalar(n, "models");
        if (m.endsWith(".onnx")) {
            Path path;
            try {
                path = baseDir.resolve(m).normalize();
            } catch (InvalidPathException e) {
                throw error(n.line(), "models: '" + m + "' is not a file path this system accepts (" + e.getReason()
                        + ")");
            }
            if (!Files.isRegularFile(path)) {
                throw error(n.line(), "models: model file '" + m + "' does not exist (looked for " + path + ")");
            }
            return new CampaignSpec.ModelRef(null, path);
        }
        if (!ModelZoo.names().contains(m)) {
            throw error(n.line(), "models: unknown model '" + m + "' (expected a zoo model, one of "
                    + String.join(", ", ModelZoo.names()) + ", or an .onnx file)");
        }
        return new CampaignSpec.ModelRef(m, null);
    }

    /**
     * A model entry as a mapping: {@code {name: lenet5, calibration: random:3}} or
     * {@code {file: det.onnx, inputs: {x: 1x3x320x320}, dims: {sequence: 128}, calibration: ..., preprocess: ...}};
     * its calibration is read by the caller.
     */
    private CampaignSpec.ModelRef modelEntry(Node n, Map<String, Node> entry) {
        for (Map.Entry<String, Node> e : entry.entrySet()) {
            if (!MODEL_FIELDS.contains(e.getKey())) {
                throw error(e.getValue().line(), "models: unknown field '" + e.getKey() + "' (expected one of "
                        + String.join(", ", MODEL_FIELDS) + ")");
            }
        }
        if (entry.containsKey("name") == entry.containsKey("file")) {
            throw error(n.line(), "models: an entry needs exactly one of name (a zoo model) and file (an .onnx file"
                    + " relative to the spec)");
        }
        Node fileNode = entry.get("file");
        if (fileNode == null) {
            // input sizes are checked against the file at parse time; a zoo model's inputs are its own
            for (String field : List.of("inputs", "dims", "values")) {
                if (entry.containsKey(field)) {
                    throw error(entry.get(field).line(), "models." + field + ": only a model given by file takes input"
                            + " sizes; a zoo model (name) has its own");
                }
            }
            return model(entry.get("name"));
        }
        String file = scalar(fileNode, "models.file");
        if (!file.endsWith(".onnx")) {
            throw error(fileNode.line(), "models.file: expected an .onnx file, got '" + file + "'");
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        if (entry.containsKey("inputs")) {
            for (Map.Entry<String, Node> e : mapping(entry.get("inputs"), "models.inputs", "input name: shape, e.g."
                    + " {x: 1x3x320x320}").entrySet()) {
                shapes.put(e.getKey(), shape(e.getValue(), "models.inputs." + e.getKey()));
            }
        }
        Map<String, Long> dims = new LinkedHashMap<>();
        if (entry.containsKey("dims")) {
            for (Map.Entry<String, Node> e : mapping(entry.get("dims"), "models.dims", "symbol: size, e.g."
                    + " {sequence: 128}").entrySet()) {
                dims.put(e.getKey(), (long) integer(e.getValue(), "models.dims." + e.getKey(), 1));
            }
        }
        Map<String, long[]> values = new LinkedHashMap<>();
        if (entry.containsKey("values")) {
            for (Map.Entry<String, Node> e : mapping(entry.get("values"), "models.values", "input name: integer or"
                    + " list of integers, e.g. {sr: 16000}").entrySet()) {
                values.put(e.getKey(), longs(e.getValue(), "models.values." + e.getKey()));
            }
        }
        try {
            return new CampaignSpec.ModelRef(null, model(fileNode).file(), new ModelInputs(shapes, dims, values));
        } catch (EdgeperfException e) {
            throw error(entry.get("values").line(), "models.values: " + e.getMessage());
        }
    }

    /** An integer, or a list of integers (row-major values of an input). */
    private long[] longs(Node n, String field) {
        List<Node> items = list(n, field);
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i).value() instanceof Long l)) {
                throw error(items.get(i).line(), field + " must be an integer or a list of integers, e.g. 16000,"
                        + " got " + describe(items.get(i)));
            }
            out[i] = l;
        }
        return out;
    }

    private Map<String, Node> mapping(Node n, String field, String expected) {
        if (!(n.value() instanceof Map<?, ?>)) {
            throw error(n.line(), field + " must be a mapping of " + expected + ", got " + describe(n));
        }
        return map(n);
    }

    private long[] shape(Node n, String field) {
        String text = n.value() == null || n.value() instanceof Map<?, ?> || n.value() instanceof List<?> ? null
                : String.valueOf(n.value());
        try {
            if (text == null) {
                throw new NumberFormatException();
            }
            String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x", -1);
            long[] dims = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Long.parseLong(parts[i].strip());
                if (dims[i] < 1) {
                    throw new NumberFormatException();
                }
            }
            return dims;
        } catch (NumberFormatException e) {
            throw error(n.line(), field + " must be a shape of positive integers joined by x, e.g. 1x3x320x320, got "
                    + describe(n));
        }
    }

    /**
     * A model file's inputs against the sizes given for it, at every batch size, as the coordinator
     * will check them at submit; here the errors can name the spec's line. Names the model lacks are
     * reported at their own line. A model given without sizes is left to the coordinator's check.
     */
    private void checkInputs(CampaignSpec.ModelRef ref, Node n, List<Integer> batches) {
        if (ref.file() == null || ref.inputs().isEmpty()) {
            return;
        }
        List<InputDims.Declared> declared;
        ai.onnx.proto.OnnxMl.ModelProto graph;
        try {
            graph = OnnxModels.map(ref.file());
            declared = ModelInputs.declared(graph);
        } catch (EdgeperfException e) {
            throw error(n.line(), "models: " + e.getMessage());
        }
        Map<String, Node> entry = n.value() instanceof Map<?, ?> ? map(n) : Map.of();
        List<String> inputNames = declared.stream().map(InputDims.Declared::name).toList();
        if (entry.get("inputs") != null) {
            for (Map.Entry<String, Node> e : map(entry.get("inputs")).entrySet()) {
                if (!inputNames.contains(e.getKey())) {
                    throw error(e.getValue().line(), "models.inputs: model " + ref.displayName() + " has no input '"
                            + e.getKey() + "'; its inputs are " + declared.stream().map(d -> "'" + d.name() + "' "
                            + d.describe()).collect(java.util.stream.Collectors.joining(", ")));
                }
            }
        }
        if (entry.get("values") != null) {
            for (Map.Entry<String, Node> e : map(entry.get("values")).entrySet()) {
                if (!inputNames.contains(e.getKey())) {
                    throw error(e.getValue().line(), "models.values: model " + ref.displayName() + " has no input '"
                            + e.getKey() + "'; its inputs are " + declared.stream().map(d -> "'" + d.name() + "' "
                            + d.describe()).collect(java.util.stream.Collectors.joining(", ")));
                }
            }
        }
        List<String> symbols = InputDims.symbols(declared);
        if (entry.get("dims") != null) {
            for (Map.Entry<String, Node> e : map(entry.get("dims")).entrySet()) {
                if (!symbols.contains(e.getKey())) {
                    throw error(e.getValue().line(), "models.dims: model " + ref.displayName() + " has no dimension"
                            + " named '" + e.getKey() + "'; " + (symbols.isEmpty() ? "it has no named dimensions"
                            : "its named dimensions are " + String.join(", ", symbols)));
                }
            }
        }
        try {
            CampaignPlanner.checkBeforeUpload(ref.displayName(), graph, ref.inputs(), batches);
        } catch (EdgeperfException e) {
            throw error(n.line(), "models: " + e.getMessage());
        }
    }

    /**
     * The size of a model file that is uploaded with the campaign, checked before anything is sent:
     * the coordinator refuses a bigger file.
     */
    private long uploadSize(CampaignSpec.ModelRef ref, Node n, long before) {
        if (ref.file() == null) {
            return 0;
        }
        long size;
        try {
            size = Files.size(ref.file());
        } catch (IOException e) {
            throw error(n.line(), "models: cannot read model file " + ref.file() + ": " + e.getMessage());
        }
        long limit = ArtifactStore.MAX_FILE_BYTES;
        if (size > limit) {
            throw error(n.line(), "models: model file '" + ref.displayName() + "' is " + size + " bytes; at most "
                    + limit + " bytes per file can be uploaded");
        }
        return size;
    }

    private String selector(Node n) {
        String text;
        if (n.value() instanceof Map<?, ?>) {
            List<String> terms = new ArrayList<>();
            for (Map.Entry<String, Node> e : map(n).entrySet()) {
                checkKey(e.getKey(), e.getValue().line());
                terms.add(e.getKey() + "=" + scalar(e.getValue(), "devices." + e.getKey()));
            }
            text = String.join(",", terms);
        } else {
            text = scalar(n, "devices");
            if (text.strip().equals(Selector.ALL)) {
                return Selector.ALL;
            }
        }
        Selector selector;
        try {
            selector = Selector.parse(text);
        } catch (EdgeperfException e) {
            throw error(n.line(), "devices: " + e.getMessage());
        }
        for (Selector.Term t : selector.terms()) {
            checkKey(t.key(), n.line());
        }
        return selector.toString();
    }

    private void checkKey(String key, int line) {
        if (!Selector.BUILT_IN_KEYS.contains(key) && !labelKeys.contains(key)) {
            throw error(line, "devices: unknown selector key '" + key
                    + "' (expected one of board, arch, isa, name or a label"
                    + (labelKeys.isEmpty() ? "" : ": " + String.join(", ", labelKeys.stream().sorted().toList()))
                    + ")");
        }
    }

    /** {@code providers: [cuda, cpu]} on the settings, names checked now (case-insensitive). */
    private MeasurementSettings withProviders(MeasurementSettings settings, Node node) {
        List<String> names = new ArrayList<>();
        for (Node n : list(node, "providers")) {
            names.add(scalar(n, "providers"));
        }
        try {
            dev.edgeperf.core.measure.MeasurementSettings base = dev.edgeperf.core.measure.MeasurementSettings
                    .fromProto(settings);
            return base.withProviders(names).toProto();
        } catch (EdgeperfException e) {
            throw error(node.line(), e.getMessage().replace("measurement setting providers", "providers"));
        }
    }

    /** The measurement block, validated by the one settings record; the wire message has every field. */
    private MeasurementSettings measurement(Node node) {
        if (!(node.value() instanceof Map<?, ?>)) {
            throw error(node.line(), "measurement must be a mapping of " + String.join(", ", MEASUREMENT_FIELDS));
        }
        dev.edgeperf.core.measure.MeasurementSettings.Builder s = dev.edgeperf.core.measure.MeasurementSettings.builder();
        for (Map.Entry<String, Node> e : map(node).entrySet()) {
            String f = "measurement." + e.getKey();
            Node v = e.getValue();
            switch (e.getKey()) {
                case "warmup_iterations" -> s.warmupIterations(integer(v, f, 0));
                case "min_iterations" -> s.minIterations(integer(v, f, 0));
                case "min_duration_ms" -> s.minDurationMs((long) integer(v, f, 0));
                case "max_duration_ms" -> s.maxDurationMs((long) integer(v, f, 0));
                case "target_ci_half_width" -> s.targetCiHalfWidth(number(v, f));
                case "warmup_until_stable" -> s.warmupUntilStable(bool(v, f));
                case "in_process" -> s.inProcess(bool(v, f));
                default -> throw error(v.line(), "unknown field '" + f + "' (expected one of "
                        + String.join(", ", MEASUREMENT_FIELDS) + ")");
            }
        }
        try {
            return s.build().toProto();
        } catch (EdgeperfException e) {
            throw error(node.line(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------ YAML helpers

    private Node tree(String text) {
        try (JsonParser p = YAML.createParser(text)) {
            if (p.nextToken() == null) {
                throw error(1, "the campaign spec is empty");
            }
            return node(p);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? j.getLocation().getLineNr() : 1;
            throw error(line, "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private Node node(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                Node value = node(p);
                if (map.containsKey(key)) {
                    throw error(keyLine, "field '" + key + "' is given twice");
                }
                // the key's line: that is where a person looks for a misspelt field
                map.put(key, value.value() instanceof Map<?, ?> || value.value() instanceof List<?>
                        ? new Node(value.value(), keyLine) : new Node(value.value(), Math.max(keyLine, value.line())));
            }
            return new Node(map, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(node(p));
            }
            return new Node(list, line);
        }
        return switch (t) {
            // numbers beyond long/double (99999999999999999999, .inf) stay text: the field check names them
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new Node(p.getText(), line) : new Node(p.getLongValue(), line);
            case VALUE_NUMBER_FLOAT -> new Node(floatOrText(p), line);
            case VALUE_TRUE -> new Node(Boolean.TRUE, line);
            case VALUE_FALSE -> new Node(Boolean.FALSE, line);
            case VALUE_NULL -> new Node(null, line);
            default -> new Node(p.getText(), line);
        };
    }

    private static Object floatOrText(JsonParser p) throws IOException {
        try {
            double d = p.getDoubleValue();
            return Double.isFinite(d) ? d : p.getText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return p.getText();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Node> map(Node n) {
        return (Map<String, Node>) n.value();
    }

    private Node required(Map<String, Node> fields, String field, Node root) {
        Node n = fields.get(field);
        if (n == null) {
            throw error(root.line(), "missing field '" + field + "'");
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private List<Node> list(Node n, String field) {
        if (n.value() instanceof List<?>) {
            List<Node> items = (List<Node>) n.value();
            if (items.isEmpty()) {
                throw error(n.line(), field + " is empty; give at least one value");
            }
            return items;
        }
        return List.of(n); // a single value stands for a one-element list
    }

    private List<Node> optionalList(Map<String, Node> fields, String field, Object dflt) {
        Node n = fields.get(field);
        return n == null ? List.of(new Node(dflt, 0)) : list(n, field);
    }

    private String scalar(Node n, String field) {
        if (n.value() == null || n.value() instanceof Map<?, ?> || n.value() instanceof List<?>) {
            throw error(n.line(), field + " must be a single value, got " + describe(n));
        }
        return String.valueOf(n.value());
    }

    private int integer(Node n, String field, int min) {
        if (!(n.value() instanceof Long l) || l < min || l > Integer.MAX_VALUE) {
            throw error(n.line(), field + " must be an integer >= " + min + ", got " + describe(n));
        }
        return Math.toIntExact(l);
    }

    private double number(Node n, String field) {
        if (!(n.value() instanceof Number num)) {
            throw error(n.line(), field + " must be a number, got " + describe(n));
        }
        return num.doubleValue();
    }

    private boolean bool(Node n, String field) {
        if (!(n.value() instanceof Boolean b)) {
            throw error(n.line(), field + " must be true or false, got " + describe(n));
        }
        return b;
    }

    private static String describe(Node n) {
        Object v = n.value();
        return v == null ? "nothing" : v instanceof Map<?, ?> ? "a mapping" : v instanceof List<?> ? "a list"
                : "'" + v + "'";
    }

    private EdgeperfException error(int line, String message) {
        return EdgeperfException.userError(file + ":" + Math.max(1, line) + ": " + oneLine(message));
    }

    /** Values quoted in a message may hold line breaks and control characters; the message stays one line. */
    static String oneLine(String message) {
        StringBuilder s = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85) {
                        s.append(String.format("\\u%04x", c));
                    } else {
                        s.appendCodePoint(c);
                    }
                }
            }
        });
        return s.toString();
    }
}
