package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.measure.ForkedRunner;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.agent.measure.ProgressListener;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.onnx.ShapeArgs;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        description = "Measure an ONNX file or a zoo model on this machine, without a coordinator.",
        footer = {"", "Examples:", "  scripts/agent bench mobilenet-v2 --batch=1,8 --threads=0,2 --target-ci=1%%",
            "  scripts/agent bench det.onnx --input x=1x3x48x192 --batch 1,4",
            "  scripts/agent bench bert.onnx --dim sequence=128",
            "  scripts/agent bench silero-vad.onnx --input input=1x512 --input state=2x1x128 --value sr=16000"})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx file or a zoo model name (e.g. mnist-cnn).")
    String model;

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch sizes; each replaces the leading dimension of every input whose batch is open"
                    + " (default: the leading dimension of the --input shapes, else 1).")
    List<Integer> batches;

    @Option(names = "--input", paramLabel = "NAME=SHAPE",
            description = "Full shape of one input, e.g. x=1x3x48x192; also sets the named dims it covers (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--dim", paramLabel = "NAME=SIZE",
            description = "Size of a named symbolic dimension in every input that has it, e.g. sequence=128 (repeatable).")
    Map<String, String> dims = new LinkedHashMap<>();

    @Option(names = "--value", paramLabel = "NAME=V[,V...]",
            description = "Values of an integer input fed instead of generated data, e.g. sr=16000 (repeatable).")
    List<String> values = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "N", defaultValue = "0",
            description = "Intra-op thread counts, 0 = engine default (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--concurrency", split = ",", paramLabel = "C", defaultValue = "1",
            description = "Concurrent requests on one session; 1 = single-stream latency, more = throughput mode "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--in-process", hidden = true, description = "Measure in this JVM instead of a forked worker (debugging).")
    boolean inProcess;

    @CommandLine.Mixin
    BenchMeasurementOptions measurement;

    @CommandLine.Mixin
    WorkDirOption work;

    @Option(names = "--json", description = "Print a JSON array, one object per configuration.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MeasurementSettings settings = measurement.settings();
        Map<String, long[]> shapes = ShapeArgs.shapes(inputs);
        Map<String, Long> dimValues = ShapeArgs.dims(dims);
        Map<String, long[]> inputValues = ShapeArgs.values(values);
        if (batches == null) {
            batches = List.of(shapes.values().stream().findFirst().map(s -> (int) Math.min(s[0], Integer.MAX_VALUE))
                    .orElse(1));
        }
        check(batches, 1, "--batch", "a batch size; expected >= 1");
        check(threads, 0, "--threads", "invalid; expected >= 0 (0 = engine default)");
        check(concurrency, 1, "--concurrency", "invalid; expected >= 1");
        Path file = resolveModel(model);
        Path workDir = work.prepare();
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        MeasurementRunner runner = inProcess
                ? new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN), hw.physicalCores())
                : new ForkedRunner(scratchDir(workDir), hw.physicalCores());

        List<MeasurementResult> results = new ArrayList<>();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("bench " + model)
                .setInitialMax((long) batches.size() * threads.size() * concurrency.size())
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build()) {
            for (int b : batches) {
                for (int t : threads) {
                    for (int c : concurrency) {
                        String label = "batch " + b + ", threads " + (t == 0 ? "default" : t)
                                + (c > 1 ? ", concurrency " + c : "");
                        bar.setExtraMessage(label);
                        results.add(measure(runner, new MeasurementRequest(file, b, t, settings.withConcurrency(c),
                                        shapes, dimValues, inputValues),
                                (it, ms) -> bar.setExtraMessage(label + ": " + it + " it, " + ms + " ms")));
                        bar.step();
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(BenchOutput.toJson(results));
        } else {
            BenchOutput.printTable(out, file, results);
        }
        out.flush();
        return 0;
    }

    private static Path scratchDir(Path workDir) {
        // ForkedRunner deletes each job's folder after the job.
        return workDir.resolve("work");
    }

    private static void check(List<Integer> values, int min, String flag, String problem) {
        for (int v : values) {
            if (v < min) {
                throw EdgeperfException.userError(flag + " " + v + " is " + problem);
            }
        }
    }

    /** An existing file, or a zoo model written to a temporary file. */
    /** A model the user named that does not load is the user's to fix: one line, exit 2. */
    private MeasurementResult measure(MeasurementRunner runner, MeasurementRequest request, ProgressListener progress) {
        try {
            return runner.measure(request, progress);
        } catch (EdgeperfException e) {
            if (e.getMessage().startsWith(InferenceRunner.MODEL_LOAD_FAILURE)) {
                String reason = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
                throw new EdgeperfException(ErrorCategory.USER_ERROR, "MODEL " + request.model()
                        + " is not an ONNX model ONNX Runtime can load (" + reason
                        + "); expected an .onnx file or a zoo model name", e);
            }
            throw e;
        }
    }

    static Path resolveModel(String model) throws IOException {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        if (ModelZoo.names().contains(model)) {
            Path dir = Files.createTempDirectory("edgeperf-bench-");
            Path f = dir.resolve(model + ".onnx");
            Files.write(f, ModelZoo.build(model));
            // deleteOnExit runs in reverse order: the folder must be registered first to go last
            dir.toFile().deleteOnExit();
            f.toFile().deleteOnExit();
            return f;
        }
        throw EdgeperfException.userError("MODEL '" + model + "' is neither an existing file nor a zoo model (zoo: "
                + String.join(", ", ModelZoo.names()) + ")");
    }
}
