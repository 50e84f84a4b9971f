package dev.edgeperf.coordinator.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.cost.QuotedLayers;
import dev.edgeperf.core.onnx.ShapeArgs;
import dev.edgeperf.core.predict.FlopsPredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.core.zoo.PublishedFigure;
import dev.edgeperf.core.zoo.QuotedLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf models profile}: per-node MACs/FLOPs/params/activation bytes and totals (parameters
 * total/trainable/non-trainable, MACs, FLOPs, weight bytes, peak activation estimate, file size,
 * uncounted op types, naive predicted time). Files are memory-mapped, zoo models profiled as built.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Count MACs, FLOPs, parameters and activation bytes of a zoo model or an ONNX file.",
        footer = {"%nExamples:", "  edgeperf models profile resnet50 --batch 8 --convention detailed --json",
            "  edgeperf models profile my-model.onnx --input pixel_values=1x3x224x224",
            "  edgeperf models profile bert.onnx --dim batch=1 --dim sequence=128",
            "  edgeperf models profile silero_vad.onnx --input input=1x512 --input state=2x1x128 --value sr=16000"})
final class ModelsProfileCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Zoo name (see models list) or path to an .onnx file.")
    String model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Batch size for symbolic batch dimensions (default: ${DEFAULT-VALUE}).")
    long batch;

    @Mixin
    InputSizeOptions sizes;

    @Option(names = "--value", paramLabel = "NAME=V[,V...]",
            description = "Known values of an integer input (e.g. sr=16000), so an If on them counts the branch that runs (repeatable).")
    List<String> values = new ArrayList<>();

    @Option(names = "--peak-gflops", paramLabel = "G", description = "Also print the naive predicted time at this peak GFLOP/s.")
    Double peakGflops;

    @Option(names = "--convention", defaultValue = "seed", paramLabel = "seed|detailed",
            description = "Counting rules: seed (the seed articles' rules) or detailed (default: ${DEFAULT-VALUE}).")
    String convention;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw EdgeperfException.userError("--batch must be a positive integer, got '" + batch + "'");
        }
        if (peakGflops != null && !(peakGflops > 0)) {
            throw EdgeperfException.userError("--peak-gflops must be > 0, got '" + peakGflops + "'");
        }
        ProfileOptions options = new ProfileOptions(batch, sizes.shapes(), sizes.dimValues(), ShapeArgs.values(values),
                convention());
        ModelProfile profile;
        List<PublishedFigure> published = List.of();
        List<QuotedLayers.Row> quoted = List.of();
        if (ModelArgument.isFile(model)) {
            profile = ModelProfiler.profile(ModelArgument.existingFile(model), options);
        } else {
            // Profiled as built: serializing vgg16 only to parse it again would double its 553 MB.
            ModelProto proto = ModelZoo.buildProto(model);
            profile = ModelProfiler.profile(proto, model, proto.getSerializedSize(), options);
            published = comparable(PublishedFigure.forModel(model), options);
            if (options.batch() == 1 && options.inputShapes().isEmpty() && options.convention() == CountingConvention.SEED) {
                quoted = QuotedLayers.check(proto, model, QuotedLayer.forModel(model));
            }
        }
        spec.commandLine().getOut().print(json.json ? json(profile, published, quoted) + "\n"
                : table(profile, published, quoted));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Published figures hold at batch 1 and the model's own input size; FLOPs are the seed articles'
     * FLOPs, which only the seed convention reproduces.
     */
    private static List<PublishedFigure> comparable(List<PublishedFigure> figures, ProfileOptions options) {
        if (options.batch() != 1 || !options.inputShapes().isEmpty() || !options.dims().isEmpty()) {
            return List.of();
        }
        return figures.stream().filter(f -> f.quantity() != PublishedFigure.Quantity.FLOPS
                || options.convention() == CountingConvention.SEED).toList();
    }

    private static long measured(PublishedFigure figure, ModelProfile p) {
        return switch (figure.quantity()) {
            case TOTAL_PARAMETERS -> p.totalParams();
            case TRAINABLE_PARAMETERS -> p.trainableParams();
            case NON_TRAINABLE_PARAMETERS -> p.totalParams() - p.trainableParams();
            case MACS -> p.totalMacs();
            case FLOPS -> p.totalFlops();
        };
    }

    private static String difference(PublishedFigure figure, long measured) {
        long diff = measured - figure.value();
        String verdict = figure.agreesWith(measured) ? (diff == 0 ? "equal" : "equal up to the published rounding")
                : "differs";
        return String.format(Locale.ROOT, "%s (%+,d, %+.3f%%)", verdict, diff, 100.0 * diff / figure.value());
    }

    private CountingConvention convention() {
        return switch (convention.toLowerCase(Locale.ROOT)) {
            case "seed" -> CountingConvention.SEED;
            case "detailed" -> CountingConvention.DETAILED;
            default -> throw EdgeperfException.userError("--convention must be seed or detailed, got '"
                    + convention + "'");
        };
    }

    private String table(ModelProfile p, List<PublishedFigure> published, List<QuotedLayers.Row> quoted) {
        TextTable table = new TextTable("node", "op", "output shape", ">params", ">MACs", ">FLOPs", ">activation bytes");
        for (NodeCost n : p.nodes()) {
            table.add(n.name(), n.counted() ? n.opType() : n.opType() + " (uncounted)",
                    n.outputShape().stream().map(String::valueOf).collect(Collectors.joining("x", "[", "]")),
                    num(n.params()), num(n.macs()), num(n.flops()), num(n.activationBytes()));
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s, batch %d, convention %s%n", p.source(), p.batch(),
                p.convention().name().toLowerCase(Locale.ROOT)));
        out.append(table.render());
        TextTable totals = new TextTable("total", ">value", "");
        totals.add("parameters", num(p.totalParams()), String.format(Locale.ROOT, "trainable %s, non-trainable %s",
                num(p.trainableParams()), num(p.totalParams() - p.trainableParams())));
        totals.add("MACs", num(p.totalMacs()), "per batch of " + p.batch());
        totals.add("FLOPs", num(p.totalFlops()), "per batch of " + p.batch());
        totals.add("weight bytes", num(p.weightBytes()), mib(p.weightBytes()));
        totals.add("peak activation bytes", num(p.peakActivationBytes()),
                mib(p.peakActivationBytes()) + ", estimate: nodes in order, no buffer reuse");
        totals.add("file size bytes", num(p.fileSizeBytes()), mib(p.fileSizeBytes()));
        out.append(totals.render());
        if (p.uncountedOpTypes().isEmpty()) {
            out.append("uncounted op types: none\n");
        } else {
            out.append("uncounted op types (not included in the totals): ").append(p.uncountedOpTypes().entrySet()
                    .stream().sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", "))).append('\n');
        }
        p.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
        if (!published.isEmpty()) {
            TextTable figures = new TextTable("published", ">value", "source", ">measured", "comparison");
            List<String> notes = new ArrayList<>();
            for (PublishedFigure f : published) {
                long m = measured(f, p);
                figures.add(f.quantity().label(), num(f.value()), f.source(), num(m), difference(f, m));
                if (!f.note().isEmpty()) {
                    notes.add("  " + f.quantity().label() + ": " + f.note() + "\n");
                }
            }
            out.append(figures.render());
            notes.forEach(out::append);
        }
        if (!quoted.isEmpty()) {
            out.append(quotedTable(quoted));
        }
        if (peakGflops != null) {
            out.append(String.format(Locale.ROOT, "predicted time at %s GFLOPS: %.2f ms (FLOPs / peak FLOPS)%n",
                    trim(peakGflops), FlopsPredictor.predictMillis(p.totalFlops(), peakGflops)));
        }
        return out.toString();
    }

    /** Per quoted layer: the quote, edgeperf's count, and the rule that gives the quote, worked on the model. */
    private static String quotedTable(List<QuotedLayers.Row> rows) {
        TextTable table = new TextTable("quoted layer", "op", ">quoted FLOPs", ">edgeperf", ">by the quote's rule",
                "the quote's rule");
        long quotedTotal = 0;
        long edgeperfTotal = 0;
        long ruleTotal = 0;
        List<String> why = new ArrayList<>();
        for (QuotedLayers.Row r : rows) {
            table.add(r.quoted().node(), r.opType(), num(r.quoted().value()), num(r.edgeperf()), num(r.byRule()),
                    r.working() + (r.reproduced() ? "" : " (does not reproduce the quote)"));
            quotedTotal += r.quoted().value();
            edgeperfTotal += r.edgeperf();
            ruleTotal += r.byRule();
            if (!r.quoted().explanation().isEmpty()) {
                why.add("  " + r.quoted().node() + ": " + r.quoted().explanation() + "\n");
            }
        }
        table.add("total", "", num(quotedTotal), num(edgeperfTotal), num(ruleTotal), "");
        StringBuilder out = new StringBuilder(table.render());
        why.forEach(out::append);
        return out.toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private String json(ModelProfile p, List<PublishedFigure> published, List<QuotedLayers.Row> quoted) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("source", p.source());
        root.put("batch", p.batch());
        root.put("convention", p.convention().name().toLowerCase(Locale.ROOT));
        root.put("nodes", p.nodes());
        root.put("totalParams", p.totalParams());
        root.put("trainableParams", p.trainableParams());
        root.put("nonTrainableParams", p.totalParams() - p.trainableParams());
        root.put("totalMacs", p.totalMacs());
        root.put("totalFlops", p.totalFlops());
        root.put("weightBytes", p.weightBytes());
        root.put("peakActivationBytes", p.peakActivationBytes());
        root.put("fileSizeBytes", p.fileSizeBytes());
        root.put("uncountedOpTypes", p.uncountedOpTypes());
        root.put("notes", p.notes());
        List<Map<String, Object>> figures = new ArrayList<>();
        for (PublishedFigure f : published) {
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("quantity", f.quantity().label());
            figure.put("value", f.value());
            figure.put("tolerance", f.tolerance());
            figure.put("source", f.source());
            figure.put("note", f.note());
            figure.put("measured", measured(f, p));
            figure.put("agrees", f.agreesWith(measured(f, p)));
            figures.add(figure);
        }
        root.put("published", figures);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (QuotedLayers.Row r : quoted) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("node", r.quoted().node());
            layer.put("opType", r.opType());
            layer.put("quotedFlops", r.quoted().value());
            layer.put("edgeperfFlops", r.edgeperf());
            layer.put("rule", r.quoted().rule().label());
            layer.put("ruleFlops", r.byRule());
            layer.put("working", r.working());
            layer.put("reproduced", r.reproduced());
            layer.put("explanation", r.quoted().explanation());
            layers.add(layer);
        }
        root.put("quotedLayers", layers);
        if (peakGflops != null) {
            root.put("peakGflops", peakGflops);
            root.put("predictedMs", FlopsPredictor.predictMillis(p.totalFlops(), peakGflops));
        }
        return CampaignReport.write(root);
    }

    private static String num(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
