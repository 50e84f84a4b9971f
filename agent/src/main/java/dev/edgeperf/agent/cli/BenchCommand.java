package dev.edgeperf.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.Measurement;
import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementSettings;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench}: measure a model file or zoo model locally, over batch sizes x thread counts. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure an ONNX file or a zoo model on this machine, without a coordinator.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx file or a zoo model name (e.g. mnist-cnn).")
    String model;

    @Option(names = "--batch", split = ",", paramLabel = "N", defaultValue = "1",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "0",
            description = "Intra-op thread counts, 0 = engine default (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up iterations (default 10).")
    Integer warmup;

    @Option(names = "--min-iterations", paramLabel = "N", description = "Minimum timed iterations (default 50).")
    Integer minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS", description = "Minimum timed duration (default 1000).")
    Long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS", description = "Maximum timed duration (default 10000).")
    Long maxDurationMs;

    @Option(names = "--json", description = "Print a JSON array, one object per configuration.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MeasurementSettings settings;
        try {
            settings = MeasurementSettings.of(warmup, minIterations, minDurationMs, maxDurationMs);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError("invalid measurement options: " + e.getMessage());
        }
        for (int b : batches) {
            if (b < 1) {
                throw EdgeperfException.userError("--batch " + b + " is not a batch size; expected >= 1");
            }
        }
        for (int t : threads) {
            if (t < 0) {
                throw EdgeperfException.userError("--threads " + t + " is invalid; expected >= 0 (0 = engine default)");
            }
        }
        Path file = resolveModel(model);
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        InferenceRunner runner = new InferenceRunner(new DeviceSensors(Path.of("/")), hw.physicalCores());

        List<Measurement> results = new ArrayList<>();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("bench " + model)
                .setInitialMax((long) batches.size() * threads.size())
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build()) {
            for (int b : batches) {
                for (int t : threads) {
                    String label = "batch " + b + ", threads " + (t == 0 ? "default" : t);
                    bar.setExtraMessage(label);
                    results.add(runner.measure(new MeasurementRequest(file, b, t, settings),
                            (it, ms) -> bar.setExtraMessage(label + ": " + it + " it, " + ms + " ms")));
                    bar.step();
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(results));
        } else {
            printTable(out, file, results);
        }
        out.flush();
        return 0;
    }

    /** An existing file, or a zoo model written to a temporary file. */
    static Path resolveModel(String model) throws IOException {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (ModelZoo.names().contains(model)) {
            Path dir = Files.createTempDirectory("edgeperf-bench-");
            Path f = dir.resolve(model + ".onnx");
            Files.write(f, ModelZoo.build(model));
            f.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return f;
        }
        throw EdgeperfException.userError("MODEL '" + model + "' is neither an existing file nor a zoo model (zoo: "
                + String.join(", ", ModelZoo.names()) + ")");
    }

    static String toJson(List<Measurement> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Measurement m : results) {
            LatencySummary l = m.computeLatency();
            ObjectNode o = array.addObject();
            o.put("batch", m.batchSize());
            o.put("threads", m.intraOpThreads());
            o.put("iterations", m.iterations());
            o.put("p50Ms", l.p50Ms());
            o.put("p90Ms", l.p90Ms());
            o.put("p99Ms", l.p99Ms());
            o.put("meanMs", l.meanMs());
            o.put("p50Ci95LowMs", l.medianCi95().lowMs());
            o.put("p50Ci95HighMs", l.medianCi95().highMs());
            o.put("throughput", m.throughputSamplesPerS());
            o.put("sessionCreateMs", m.sessionCreateMs());
            o.put("firstInferenceMs", m.firstInferenceMs());
            o.put("stopReason", m.stopReason().wireName());
            o.put("throttled", m.throttled());
        }
        return mapper.writeValueAsString(array);
    }

    private static void printTable(PrintWriter out, Path file, List<Measurement> results) {
        if (!results.isEmpty()) {
            Measurement first = results.get(0);
            out.printf(Locale.ROOT, "%s: %s %s, %s, compute latency per batch%n", file.getFileName(), first.engine(),
                    first.engineVersion(), first.executionProvider());
        }
        out.printf(Locale.ROOT, "%5s %7s %10s %10s %21s %10s %10s %10s %12s  %s%n", "batch", "threads", "iterations",
                "p50 ms", "p50 95% CI ms", "p90 ms", "p99 ms", "mean ms", "samples/s", "stop");
        for (Measurement m : results) {
            LatencySummary l = m.computeLatency();
            out.printf(Locale.ROOT, "%5d %7d %10d %10.4f %21s %10.4f %10.4f %10.4f %12.1f  %s%s%n", m.batchSize(),
                    m.intraOpThreads(), m.iterations(), l.p50Ms(),
                    String.format(Locale.ROOT, "[%.4f, %.4f]", l.medianCi95().lowMs(), l.medianCi95().highMs()),
                    l.p90Ms(), l.p99Ms(), l.meanMs(), m.throughputSamplesPerS(), m.stopReason().wireName(),
                    m.throttled() ? " (throttled)" : "");
        }
    }
}
