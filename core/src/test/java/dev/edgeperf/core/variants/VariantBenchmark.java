package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks every variant recipe against its baseline on this machine: p50 compute latency ratio
 * (interleaved with the baseline, see {@link InterleavedTimer}), file and gzip size ratios, dense and
 * effective MACs ratios, fidelity (top-1 agreement, cosine; accuracy when labels exist) and whether
 * int8 kernels really ran, then checks the targets of issue 4 and says met/missed.
 *
 * <p>Inputs: mnist-cnn uses real MNIST test images (calibration from the last images of the test
 * split, fidelity over the first ones) when {@code DATASETS/mnist} holds the IDX files, else uniform
 * random pixels like the ImageNet models.
 *
 * <p>Usage: {@code VariantBenchmark [--models a,b] [--batches 1,8] [--recipes r1,r2] [--threads 2]
 * [--rounds N] [--block-ms MS] [--datasets DIR] [--quick]}.
 */
public final class VariantBenchmark {
    static final List<String> DEFAULT_MODELS = List.of("mnist-cnn", "mobilenet-v2", "resnet18");
    static final List<String> DEFAULT_RECIPES = List.of("baseline", "pruned:unstructured:0.5",
            "pruned:structured:0.5", "quantized:int8-static", "quantized:int8-dynamic", "quantized:fp16",
            "separable", "clustered:16");

    /** Options; {@code quick} means fewer rounds and fewer evaluation samples. */
    record Options(List<String> models, List<Integer> batches, List<String> recipes, int threads, int rounds,
            long blockMillis, Path datasets, boolean quick) {
        Options {
            models = List.copyOf(models);
            batches = List.copyOf(batches);
            recipes = List.copyOf(recipes);
        }

        int evalSamples(boolean realData) {
            return realData ? (quick ? 512 : 2000) : (quick ? 8 : 16);
        }
    }

    /** One recipe's figures; latency per batch size in the order of {@link Options#batches()}. */
    record Row(String recipe, long fileBytes, long gzipBytes, Long macsDense, Long macsEffective, Fidelity fidelity,
            boolean int8, Map<String, Integer> kernels, List<InterleavedTimer.Timing> latency) {
    }

    private VariantBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(parse(args), System.out);
        } catch (EdgeperfException e) {
            System.err.println("bench-variants: " + e.getMessage());
            System.exit(e.category().exitCode());
        }
    }

    static Options parse(String[] args) {
        List<String> models = DEFAULT_MODELS;
        List<Integer> batches = List.of(1, 8);
        List<String> recipes = DEFAULT_RECIPES;
        int threads = 2;
        Integer rounds = null;
        long block = 200;
        Path datasets = Path.of("datasets");
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--models" -> models = List.of(value(args, ++i, a).split(","));
                case "--recipes" -> recipes = List.of(value(args, ++i, a).split(","));
                case "--batches" -> batches = Arrays.stream(value(args, ++i, a).split(","))
                        .map(s -> positive(s, a)).toList();
                case "--threads" -> threads = positive(value(args, ++i, a), a);
                case "--rounds" -> rounds = positive(value(args, ++i, a), a);
                case "--block-ms" -> block = positive(value(args, ++i, a), a);
                case "--datasets" -> datasets = Path.of(value(args, ++i, a));
                default -> throw EdgeperfException.userError("unknown option '" + a + "'; expected --models, "
                        + "--batches, --recipes, --threads, --rounds, --block-ms, --datasets or --quick");
            }
        }
        recipes.forEach(VariantRecipe::parse);
        if (!recipes.get(0).equals("baseline")) {
            List<String> withBase = new ArrayList<>(List.of("baseline"));
            withBase.addAll(recipes.stream().filter(r -> !r.equals("baseline")).toList());
            recipes = withBase;
        }
        return new Options(models, batches, recipes, threads, rounds != null ? rounds : (quick ? 3 : 7), block,
                datasets, quick);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw EdgeperfException.userError("option " + option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String s, String option) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the value
        }
        throw EdgeperfException.userError("option " + option + " value '" + s + "' is not a positive integer");
    }

    static void run(Options o, PrintStream out) {
        out.printf("bench-variants: %d intra-op threads, %d rounds x >= %d ms per block, %d cores visible%n",
                o.threads(), o.rounds(), o.blockMillis(), Runtime.getRuntime().availableProcessors());
        List<String> verdicts = new ArrayList<>();
        for (String model : o.models()) {
            List<Row> rows = benchmark(model, o, out);
            print(model, o, rows, out);
            verdicts.addAll(Targets.check(model, o.batches(), rows));
        }
        out.println();
        out.println("Targets (issue 4):");
        verdicts.forEach(v -> out.println("  " + v));
    }

    static List<Row> benchmark(String model, Options o, PrintStream log) {
        ModelProto baseline = zooModel(model);
        long[] sample = sampleShape(baseline, model);
        boolean real = model.startsWith("mnist") && Datasets.isPresent(Datasets.MNIST, o.datasets())
                && Arrays.equals(sample, new long[] {1, 28, 28});
        CalibrationData calibration;
        CalibrationData eval;
        List<InputBatch> timingInputs = new ArrayList<>();
        if (real) {
            LabeledImages test = Datasets.load(Datasets.MNIST, o.datasets(), Split.TEST);
            int n = o.evalSamples(true);
            eval = batches(test.first(n), 100);
            calibration = batches(test.slice(test.count() - 256, test.count()), 64);
            for (int b : o.batches()) {
                timingInputs.add(batches(test.first(b), b).iterator().next());
            }
        } else {
            int n = o.evalSamples(false);
            calibration = CalibrationData.random(concat(8, sample), 2, 11);
            eval = CalibrationData.random(concat(8, sample), Math.max(1, n / 8), 12);
            for (int b : o.batches()) {
                timingInputs.add(CalibrationData.random(concat(b, sample), 1, 13).iterator().next());
            }
        }
        log.printf("%n%s: %s inputs, building %d variants ...%n", model, real ? "MNIST test" : "random",
                o.recipes().size());
        OrtRunner runner = new OrtRunner(o.threads());
        List<Integer> evalRows = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        eval.forEach(b -> {
            evalRows.add((int) b.shape()[0]);
            labels.add(b.labels());
        });
        List<float[]> base = runner.run(baseline, eval, model + " baseline");
        List<ModelProto> variants = new ArrayList<>();
        List<Row> partial = new ArrayList<>();
        for (String text : o.recipes()) {
            VariantRecipe recipe = VariantRecipe.parse(text);
            TransformResult r = VariantTransforms.apply(baseline, recipe, calibration, runner);
            byte[] bytes = r.model().toByteArray();
            String what = model + " " + text;
            Fidelity f = Fidelity.compare(base, runner.run(r.model(), eval, what), evalRows, labels);
            Map<String, Integer> kernels = runner.executedKernels(r.model(), eval.iterator().next(), what);
            MacCounter.Macs macs = null;
            try {
                macs = MacCounter.count(r.model(), what);
            } catch (EdgeperfException e) {
                log.println("  " + text + ": MACs not counted: " + e.getMessage());
            }
            partial.add(new Row(text, bytes.length, VariantBuilder.gzipSize(bytes), macs == null ? null : macs.dense(),
                    macs == null ? null : macs.effective(), f, VariantRecord.anyInt8Kernel(kernels), kernels, List.of()));
            variants.add(r.model());
        }
        List<List<InterleavedTimer.Timing>> perBatch = new ArrayList<>();
        for (int i = 0; i < o.batches().size(); i++) {
            log.printf("  timing batch %d (%d models interleaved) ...%n", o.batches().get(i), variants.size());
            perBatch.add(InterleavedTimer.measure(variants, timingInputs.get(i), o.threads(), o.rounds(),
                    o.blockMillis()));
        }
        List<Row> rows = new ArrayList<>();
        for (int v = 0; v < partial.size(); v++) {
            Row p = partial.get(v);
            List<InterleavedTimer.Timing> lat = new ArrayList<>();
            for (List<InterleavedTimer.Timing> t : perBatch) {
                lat.add(t.get(v));
            }
            rows.add(new Row(p.recipe(), p.fileBytes(), p.gzipBytes(), p.macsDense(), p.macsEffective(), p.fidelity(),
                    p.int8(), p.kernels(), lat));
        }
        return rows;
    }

    static void print(String model, Options o, List<Row> rows, PrintStream out) {
        Row base = rows.get(0);
        StringBuilder h = new StringBuilder(String.format("%-26s", "recipe"));
        for (int b : o.batches()) {
            h.append(String.format(" %9s %6s", "p50ms@b" + b, "lat×"));
        }
        h.append("  size×  gzip×  MACs× effMACs×   top1   cosine");
        boolean acc = base.fidelity().variantAccuracy() != null;
        if (acc) {
            h.append("    acc");
        }
        h.append("  int8");
        out.println();
        out.println("== " + model + " ==");
        out.println(h);
        for (Row r : rows) {
            StringBuilder s = new StringBuilder(String.format("%-26s", r.recipe()));
            for (InterleavedTimer.Timing t : r.latency()) {
                s.append(String.format(" %9.3f %6.3f", t.p50Ms(), t.ratio()));
            }
            s.append(String.format(" %6.3f %6.3f %6s %8s %6.4f %8.5f", (double) r.fileBytes() / base.fileBytes(),
                    (double) r.gzipBytes() / base.gzipBytes(), ratio(r.macsDense(), base.macsDense()),
                    ratio(r.macsEffective(), base.macsDense()), r.fidelity().top1Agreement(),
                    r.fidelity().cosineSimilarity()));
            if (acc) {
                s.append(String.format(" %6.4f", r.fidelity().variantAccuracy()));
            }
            s.append(r.int8() ? "   yes" : "    no");
            out.println(s);
        }
    }

    private static String ratio(Long a, Long b) {
        return a == null || b == null || b == 0 ? "n/a" : String.format("%.3f", (double) a / b);
    }

    /** Per-sample input shape (without the batch dimension) of the model's first input. */
    /**
     * A zoo model; {@code name@opsetN} (e.g. {@code mobilenet-v2@opset11}) imports opset N instead, as an
     * older exporter writes the same graph (the zoo's ops mean the same from opset 11 to 17).
     */
    static ModelProto zooModel(String model) {
        int at = model.indexOf("@opset");
        if (at < 0) {
            return ModelZoo.buildProto(model);
        }
        long opset = Long.parseLong(model.substring(at + "@opset".length()));
        if (opset < 11) {
            throw EdgeperfException.userError(model + ": the zoo's Clip needs opset 11 or later");
        }
        return TestModels.atOpset(ModelZoo.buildProto(model.substring(0, at)), opset);
    }

    static long[] sampleShape(ModelProto m, String model) {
        String input = OrtRunner.firstInput(m);
        var vi = m.getGraph().getInputList().stream().filter(v -> v.getName().equals(input)).findFirst().orElseThrow();
        List<TensorShapeProto.Dimension> dims = vi.getType().getTensorType().getShape().getDimList();
        long[] s = new long[Math.max(0, dims.size() - 1)];
        for (int i = 1; i < dims.size(); i++) {
            if (!dims.get(i).hasDimValue()) {
                throw EdgeperfException.userError("model " + model + " input '" + input + "' dimension " + i
                        + " is symbolic; expected fixed non-batch dimensions");
            }
            s[i - 1] = dims.get(i).getDimValue();
        }
        return s;
    }

    private static long[] concat(long batch, long[] sample) {
        long[] s = new long[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /** Labelled batches of at most {@code size} images. */
    static CalibrationData batches(LabeledImages images, int size) {
        List<InputBatch> list = new ArrayList<>();
        for (int from = 0; from < images.count(); from += size) {
            LabeledImages s = images.slice(from, Math.min(images.count(), from + size));
            list.add(new InputBatch(s.batchShape(s.count()), s.images(), s.labels()));
        }
        return CalibrationData.of(list);
    }
}
