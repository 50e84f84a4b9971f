package dev.edgeperf.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgeperf.agent.measure.ForkedRunner;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.RawOrtLoop;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.stats.LatencySummary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench-harness}: the harness's own cost. In one JVM, on the same model and settings,
 * interleaved blocks of edgeperf's in-process measurement and of a bare {@code session.run} loop
 * ({@link RawOrtLoop}) give both p50s and their ratio; then two consecutive default (forked)
 * {@code bench} measurements give the run-to-run agreement at p50.
 */
@Command(name = "bench-harness", mixinStandardHelpOptions = true, hidden = true,
        description = "Compare edgeperf's p50 with a raw ONNX Runtime loop (interleaved blocks), and two "
                + "consecutive forked bench runs.")
final class HarnessBenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", defaultValue = "mnist-cnn",
            description = "An .onnx file or a zoo model name (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Intra-op threads, 0 = engine default (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "6",
            description = "Interleaved blocks of each (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "2000",
            description = "Timed runs per block (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--skip-forked", description = "Skip the two consecutive forked bench runs.")
    boolean skipForked;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @CommandLine.Mixin
    WorkDirOption work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || threads < 0 || blocks < 1 || iterations < 1) {
            throw EdgeperfException.userError("--batch, --blocks and --iterations must be >= 1 and --threads >= 0");
        }
        Path file = BenchCommand.resolveModel(model);
        work.prepare();
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        InferenceRunner edgeperf = new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN), hw.physicalCores());
        // exactly `iterations` timed runs per block: no duration minimum, no CI target
        MeasurementSettings fixed = new MeasurementSettings(100, iterations, 0, 600_000, 0, false);
        MeasurementRequest request = new MeasurementRequest(file, batch, threads, fixed);

        Histogram pooled = LatencySummary.newHistogram();
        List<long[]> raw = new ArrayList<>();
        List<Double> edgeBlocks = new ArrayList<>();
        List<Double> rawBlocks = new ArrayList<>();
        try (RawOrtLoop loop = new RawOrtLoop(file, batch, threads)) {
            loop.time(100);
            for (int b = 0; b < blocks; b++) {
                // alternate which goes first, so drift over the run favours neither
                if (b % 2 == 1) {
                    rawBlocks.add(rawBlock(loop, raw));
                }
                MeasurementResult m = edgeperf.measure(request);
                pooled.add(LatencyHistograms.decode(m.computeHistogram().toByteArray()));
                edgeBlocks.add(m.computeLatency().p50Ms());
                if (b % 2 == 0) {
                    rawBlocks.add(rawBlock(loop, raw));
                }
                System.err.printf(Locale.ROOT, "block %d/%d: edgeperf p50 %.4f ms, raw p50 %.4f ms%n", b + 1, blocks,
                        edgeBlocks.get(b), rawBlocks.get(b));
            }
        }
        double edgeP50 = LatencySummary.from(pooled, TimeUnit.NANOSECONDS).p50Ms();
        double rawP50 = RawOrtLoop.medianMs(raw.stream().flatMapToLong(java.util.Arrays::stream).toArray());

        double run1 = Double.NaN;
        double run2 = Double.NaN;
        if (!skipForked) {
            Path scratch = Files.createTempDirectory("edgeperf-harness-");
            scratch.toFile().deleteOnExit();
            ForkedRunner forked = new ForkedRunner(scratch, hw.physicalCores());
            MeasurementRequest benchDefault = new MeasurementRequest(file, batch, threads, MeasurementSettings.defaults());
            run1 = forked.measure(benchDefault).computeLatency().p50Ms();
            run2 = forked.measure(benchDefault).computeLatency().p50Ms();
        }
        print(edgeP50, rawP50, run1, run2);
        return 0;
    }

    private double rawBlock(RawOrtLoop loop, List<long[]> all) {
        loop.time(100); // the edgeperf block warms up too
        long[] ns = loop.time(iterations);
        all.add(ns);
        return RawOrtLoop.medianMs(ns);
    }

    private void print(double edgeP50, double rawP50, double run1, double run2) throws Exception {
        double ratio = edgeP50 / rawP50;
        double agreement = Math.abs(run1 - run2) / Math.min(run1, run2);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("model", model);
            o.put("batch", batch);
            o.put("threads", threads);
            o.put("blocks", blocks);
            o.put("iterationsPerBlock", iterations);
            o.put("edgeperfP50Ms", edgeP50);
            o.put("rawP50Ms", rawP50);
            o.put("ratio", ratio);
            if (!skipForked) {
                o.put("run1P50Ms", run1);
                o.put("run2P50Ms", run2);
                o.put("runDifference", agreement);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%s batch %d threads %d, %d interleaved blocks x %d runs%n", model, batch, threads,
                    blocks, iterations);
            out.printf(Locale.ROOT, "edgeperf in-process p50  %.4f ms%n", edgeP50);
            out.printf(Locale.ROOT, "raw session.run loop p50 %.4f ms%n", rawP50);
            out.printf(Locale.ROOT, "ratio                    %.4f (%+.2f %%; target within 2 %%)%n", ratio,
                    (ratio - 1) * 100);
            if (!skipForked) {
                out.printf(Locale.ROOT, "two forked bench runs p50 %.4f ms and %.4f ms: differ by %.2f %% (target 3 %%)%n",
                        run1, run2, agreement * 100);
            }
        }
        out.flush();
    }
}
