package dev.edgeperf.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantBuilder;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantRecord;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real exported models of {@code scripts/models-corpus.tsv} (fetched by {@code scripts/fetch-models.sh}):
 * each profiles at the manifest's inputs, its Conv / MatMul / Gemm MACs agree node by node with a count
 * made here from the output shapes ONNX Runtime itself produces, its parameter count with the element
 * counts of its constant tensors, and every recipe of the manifest either builds and passes the variant
 * check or is refused with a one-line reason (a table of both is printed).
 */
class RealModelCorpusTest {
    private static final List<String> EVERY_RECIPE = List.of("baseline", "pruned:unstructured:0.5",
            "pruned:structured:0.5", "quantized:int8-static", "quantized:int8-dynamic", "quantized:fp16", "separable",
            "clustered:16");
    /** Input slots that carry shapes, axes, bounds or scales, never weights (the profiler's convention). */
    private static final Map<String, Set<Integer>> SHAPE_SLOTS = Map.ofEntries(
            Map.entry("Reshape", Set.of(1)), Map.entry("Slice", Set.of(1, 2, 3, 4)), Map.entry("Squeeze", Set.of(1)),
            Map.entry("Unsqueeze", Set.of(1)), Map.entry("Expand", Set.of(1)), Map.entry("Tile", Set.of(1)),
            Map.entry("Pad", Set.of(1, 2, 3)), Map.entry("Resize", Set.of(1, 2, 3)), Map.entry("Clip", Set.of(1, 2)),
            Map.entry("ConstantOfShape", Set.of(0)), Map.entry("Split", Set.of(1)), Map.entry("Range", Set.of(0, 1, 2)));
    /** Elementwise ops whose scalar constants are constants of a formula (an epsilon, the 2 of a square). */
    private static final Set<String> FORMULA_OPS = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Mod", "Sum", "Mean");
    private static final Map<String, String> TABLE = new TreeMap<>();

    static Stream<Corpus.Entry> models() {
        return Corpus.entries(EVERY_RECIPE).stream();
    }

    static Stream<Arguments> modelsAndRecipes() {
        return Corpus.entries(EVERY_RECIPE).stream().flatMap(e -> e.recipes().stream().map(r -> Arguments.of(e, r)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void macsMatchOnnxRuntimeShapesAndParametersMatchTheConstants(Corpus.Entry e) throws Exception {
        Corpus.require(e);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(e.file()));
        assertThat(model.getOpsetImportList()).anyMatch(o -> (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                && o.getVersion() == e.opset());
        ModelProfile p = ModelProfiler.profile(e.file(),
                new ProfileOptions(1, e.shapes(), Map.of(), e.values(), CountingConvention.DETAILED));
        assertThat(p.totalMacs()).as(e.name()).isPositive();

        Map<String, long[]> real = ortShapes(model, e);
        OnnxGraph graph = OnnxGraph.of(model, e.name());
        Map<String, NodeCost> byLabel = new HashMap<>();
        p.nodes().forEach(n -> byLabel.put(n.name(), n));
        long checkedMacs = 0;
        int checked = 0;
        List<NodeProto> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            Long macs = independentMacs(n, graph, real);
            if (macs == null) {
                continue;
            }
            NodeCost cost = byLabel.get(OnnxGraph.nodeLabel(n, i));
            assertThat(cost).as("%s node %s profiled", e.name(), n.getName()).isNotNull();
            assertThat(cost.macs()).as("%s %s node %s MACs", e.name(), n.getOpType(), n.getName()).isEqualTo(macs);
            checkedMacs += macs;
            checked++;
        }
        boolean controlFlow = nodes.stream().anyMatch(n -> Set.of("If", "Loop", "Scan").contains(n.getOpType()));
        if (controlFlow) {
            assertThat(p.notes()).as("%s says how its control flow was counted", e.name())
                    .anyMatch(s -> s.startsWith("If '") || s.startsWith("Loop '") || s.startsWith("Scan '"));
        } else {
            assertThat(checked).as("%s has Conv/MatMul/Gemm nodes", e.name()).isPositive();
        }
        long params = independentParams(model.getGraph(), Map.of(), Map.of(), new HashSet<>(), true);
        assertThat(p.totalParams()).as("%s parameters", e.name()).isEqualTo(params);
        System.out.printf(Locale.ROOT, "corpus %-20s %-11s opset %2d %9d bytes: %,d params, %,d MACs (%,d in %d "
                        + "main-graph Conv/MatMul/Gemm nodes checked against ONNX Runtime shapes), uncounted %s%n",
                e.name(), e.exporter(), e.opset(), Files.size(e.file()), p.totalParams(), p.totalMacs(), checkedMacs,
                checked, p.uncountedOpTypes());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modelsAndRecipes")
    void everyRecipeBuildsAndPassesTheCheckOrIsRefusedWithItsReason(Corpus.Entry e, String recipe, @TempDir Path dir)
            throws IOException {
        Corpus.require(e);
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(e.file()));
        CalibrationData calibration = calibration(model, e);
        VariantBuilder builder = new VariantBuilder(new OrtRunner(2));
        String row;
        try {
            VariantRecord r = builder.build(model, e.name(), List.of(VariantRecipe.parse(recipe)), calibration, dir)
                    .get(0);
            assertThat(dir.resolve(r.file())).isRegularFile();
            row = String.format(Locale.ROOT, "built   size %5.2fx  %s", (double) r.fileBytes() / Files.size(e.file()),
                    r.fidelity().summary());
        } catch (EdgeperfException refused) {
            assertThat(refused.category()).as(refused.getMessage()).isEqualTo(ErrorCategory.USER_ERROR);
            assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n");
            assertThat(recipe).as("the baseline of %s always builds: %s", e.name(), refused.getMessage())
                    .isNotEqualTo("baseline");
            row = "skipped " + refused.getMessage();
        }
        synchronized (TABLE) {
            TABLE.put(String.format(Locale.ROOT, "%-20s %-24s", e.name(), recipe), row);
        }
    }

    /** Random calibration inputs at the manifest's shapes, its constant values (a sample rate) kept. */
    private static CalibrationData calibration(ModelProto model, Corpus.Entry e) {
        List<InputBatch> batches = new ArrayList<>();
        for (InputBatch b : CalibrationData.random(model, 1, e.shapes(), Map.of(), 0, 2, 7)) {
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (InputBatch.Feed f : b.inputs()) {
                long[] v = e.values().get(f.name());
                feeds.add(v == null ? f : new InputBatch.Feed(f.name(), f.shape(), null, v));
            }
            batches.add(new InputBatch(feeds, null));
        }
        return CalibrationData.of(batches);
    }

    @AfterAll
    static void printTable() {
        TABLE.forEach((k, v) -> System.out.println("corpus recipe " + k + " " + v));
    }

    /** Every main-graph node output as a graph output, one run on random inputs at the manifest's shapes. */
    private static Map<String, long[]> ortShapes(ModelProto model, Corpus.Entry e) throws OrtException {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (NodeProto n : model.getGraph().getNodeList()) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && outputs.add(out)) {
                    g.addOutput(ValueInfoProto.newBuilder().setName(out));
                }
            }
        }
        Map<String, long[]> shapes = new HashMap<>(e.shapes());
        for (TensorProto t : model.getGraph().getInitializerList()) {
            shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SplittableRandom rnd = new SplittableRandom(11);
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(model.toBuilder().setGraph(g).build().toByteArray(), o)) {
                for (ValueInfoProto in : model.getGraph().getInputList()) {
                    long[] shape = e.shapes().get(in.getName());
                    if (shape == null) {
                        continue; // an initializer listed as an input
                    }
                    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    if (in.getType().getTensorType().getElemType() == DataType.INT64_VALUE) {
                        long[] v = e.values().getOrDefault(in.getName(), new long[0]);
                        long[] ids = new long[n];
                        Arrays.fill(ids, 1); // a valid token id, attended, token type 1
                        System.arraycopy(v, 0, ids, 0, Math.min(v.length, n));
                        feeds.put(in.getName(), OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                    } else {
                        float[] f = new float[n];
                        for (int i = 0; i < n; i++) {
                            f[i] = (float) rnd.nextDouble();
                        }
                        feeds.put(in.getName(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape));
                    }
                }
                try (OrtSession.Result r = s.run(feeds)) {
                    for (Map.Entry<String, OnnxValue> out : r) {
                        if (out.getValue() instanceof OnnxTensor t) {
                            shapes.put(out.getKey(), t.getInfo().getShape());
                        }
                    }
                }
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
        return shapes;
    }

    /**
     * MACs of a Conv, MatMul or Gemm node from real shapes: Conv N x Cout x spatial out x (Cin / group) x
     * kernel volume; MatMul output elements x the shared dimension K; Gemm M x N x K. Null for other ops.
     */
    private static Long independentMacs(NodeProto n, OnnxGraph graph, Map<String, long[]> real) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return null;
        }
        switch (n.getOpType()) {
            case "Conv": {
                long[] x = shapeOf(n.getInput(0), graph, real);
                long[] w = shapeOf(n.getInput(1), graph, real);
                long[] y = real.get(n.getOutput(0));
                long group = 1;
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("group")) {
                        group = a.getI();
                    }
                }
                long kernel = 1;
                for (int d = 2; d < w.length; d++) {
                    kernel *= w[d];
                }
                return elements(y) * (x[1] / group) * kernel;
            }
            case "MatMul": {
                long[] a = shapeOf(n.getInput(0), graph, real);
                return elements(real.get(n.getOutput(0))) * a[a.length - 1];
            }
            case "Gemm": {
                long[] a = shapeOf(n.getInput(0), graph, real);
                boolean transA = n.getAttributeList().stream().anyMatch(t -> t.getName().equals("transA") && t.getI() != 0);
                return elements(real.get(n.getOutput(0))) * (transA ? a[0] : a[1]);
            }
            default:
                return null;
        }
    }

    private static long[] shapeOf(String name, OnnxGraph graph, Map<String, long[]> real) {
        long[] s = real.get(name);
        if (s == null && graph.constant(name) != null) {
            s = graph.constant(name).getDimsList().stream().mapToLong(Long::longValue).toArray();
        }
        assertThat(s).as("shape of %s", name).isNotNull();
        return s;
    }

    private static long elements(long[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /**
     * Elements of every constant (initializer or Constant node, in the graph and its subgraphs) that can
     * hold weights (not int64, bool or string) and is read somewhere other than a shape slot; scalars read
     * only by elementwise ops are constants of a formula. A name counts once.
     */
    private static long independentParams(GraphProto g, Map<String, TensorProto> outer, Map<String, String> outerKeys,
                                          Set<String> seen, boolean main) {
        Map<String, TensorProto> scope = new HashMap<>(outer);
        Map<String, String> key = new HashMap<>(outerKeys);
        // Constants local to a subgraph are told apart by their graph: two branches may reuse a name.
        String where = main ? "" : "@" + System.identityHashCode(g);
        g.getInitializerList().forEach(t -> {
            scope.put(t.getName(), t);
            key.put(t.getName(), t.getName() + where);
        });
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getAttributeCount() == 1 && n.getAttribute(0).hasT()) {
                scope.put(n.getOutput(0), n.getAttribute(0).getT());
                key.put(n.getOutput(0), n.getOutput(0) + where);
            }
        }
        long total = 0;
        for (NodeProto n : g.getNodeList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                TensorProto t = scope.get(n.getInput(i));
                String k = key.get(n.getInput(i));
                if (t == null || seen.contains(k) || !holdsWeights(t.getDataType())
                        || SHAPE_SLOTS.getOrDefault(n.getOpType(), Set.of()).contains(i)
                        || t.getDimsCount() == 0 && FORMULA_OPS.contains(n.getOpType())) {
                    continue;
                }
                seen.add(k);
                total += t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    total += independentParams(a.getG(), scope, key, seen, false);
                }
            }
        }
        return total;
    }

    private static boolean holdsWeights(int type) {
        return type != DataType.INT64_VALUE && type != DataType.BOOL_VALUE && type != DataType.STRING_VALUE;
    }
}
