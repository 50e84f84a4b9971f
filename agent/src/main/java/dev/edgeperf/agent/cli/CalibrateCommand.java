package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.calibrate.CalibrationFigures;
import dev.edgeperf.agent.calibrate.CalibrationStore;
import dev.edgeperf.agent.calibrate.Calibrator;
import dev.edgeperf.agent.calibrate.KernelCalibrator;
import dev.edgeperf.agent.calibrate.MicroModels;
import dev.edgeperf.agent.calibrate.ProfileRefresh;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code calibrate}: measure this machine's achievable GFLOPS, memory bandwidth, call and per-node overhead. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Run generated micro-models (MatMul, Conv, elementwise Add, a tiny op) and store the figures "
                + "in <work-dir>/calibration.json; then, within --budget, single-kernel models (conv, depthwise, "
                + "pointwise, conv+add, gemm, pooling, elementwise, softmax, layer-norm, concat; their int8-static and "
                + "int8-dynamic forms) whose samples the "
                + "kernel predictor fits; `run` sends them to the coordinator.",
        footer = {"", "Examples:", "  scripts/agent calibrate --threads=4 --work-dir=/var/lib/edgeperf-agent",
                "  scripts/agent calibrate --budget 5m --kernel-threads 1,2 --out pi5.json",
                "  scripts/agent calibrate --refresh --out pi5.json"})
final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Intra-op threads, 0 = engine default (default: ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Mixin
    WorkDirOption work;

    @Option(names = "--quick", description = "Small problem sizes (cache-bound figures; for tests and quick looks).")
    boolean quick;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the figures (the device profile) to FILE, e.g. for `coordinator models predict --device-profile FILE`.")
    Path outFile;

    @Option(names = "--budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wall time for the kernel samples, all thread counts together; 0 = no kernel samples "
                    + "(default: 6m, with --quick 5s; one sample per kernel type is always taken).")
    Duration budget;

    @Option(names = "--kernel-threads", paramLabel = "N,...", split = ",",
            description = "Intra-op thread counts the kernel samples are measured at (default: 1 and the physical "
                    + "core count).")
    List<Integer> kernelThreads;

    @Option(names = "--refresh",
            description = "Keep the stored profile's kernel samples and re-time its first ones within --budget "
                    + "(default: 30s): each kernel type's drift since calibration (how much slower or faster it runs "
                    + "now) is stored and scales its predictions; the peak probes and call overhead are measured "
                    + "again. For a profile calibrated days ago or under other conditions (cooling, power mode, load).")
    boolean refresh;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Kernel budget: with the peak probes, under 10 minutes on a 2-core x86 (measured: see README). */
    static final Duration DEFAULT_BUDGET = Duration.ofMinutes(6);
    static final Duration QUICK_BUDGET = Duration.ofSeconds(5);
    /** Refresh budget: about 20 rounds of every kernel kind at each of two thread counts on a 2-core x86. */
    static final Duration REFRESH_BUDGET = Duration.ofSeconds(30);

    /** The --kernel-threads list, checked; 1 and the core count by default. */
    private List<Integer> kernelThreads(int cores) {
        if (kernelThreads == null || kernelThreads.isEmpty()) {
            return cores > 1 ? List.of(1, cores) : List.of(1);
        }
        for (int t : kernelThreads) {
            if (t < 1) {
                throw EdgeperfException.userError("--kernel-threads " + t + " is invalid; expected thread counts >= 1,"
                        + " e.g. 1,2");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(kernelThreads));
    }

    /** A refresh re-times what the stored profile has: thread counts and a zero budget do not apply. */
    private void checkRefreshOptions() {
        if (kernelThreads != null && !kernelThreads.isEmpty()) {
            throw EdgeperfException.userError("--kernel-threads does not go with --refresh: a refresh re-times the"
                    + " thread counts the stored profile has");
        }
        if (budget != null && budget.isZero()) {
            throw EdgeperfException.userError("--budget 0 with --refresh re-times nothing; expected a duration such as"
                    + " 30s");
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw EdgeperfException.userError("--threads " + threads + " is invalid; expected >= 0 (0 = engine default)");
        }
        Path workDir = work.prepare();
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        CalibrationStore store = CalibrationStore.inWorkDir(workDir);
        CalibrationStore.MeasuredOn measuredOn = new CalibrationStore.MeasuredOn(hw.fingerprint(),
                InferenceRunner.engineVersion());
        InferenceRunner runner = new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN), hw.physicalCores());
        MicroModels.Sizes sizes = quick ? MicroModels.Sizes.QUICK : MicroModels.Sizes.FULL;
        Consumer<String> progress = line -> System.err.println("calibrate: " + line);
        CalibrationFigures f;
        Optional<KernelCalibration> kernels = Optional.empty();
        if (refresh) {
            checkRefreshOptions();
            ProfileRefresh.Refreshed r = ProfileRefresh.of(workDir, measuredOn).run(runner, workDir.resolve("work"),
                    sizes, threads, budget != null ? budget : REFRESH_BUDGET, progress);
            f = r.figures();
            kernels = Optional.of(r.kernels());
        } else {
            List<Integer> kernelAt = kernelThreads(hw.physicalCores());
            f = new Calibrator(runner, workDir.resolve("work"), System::currentTimeMillis).calibrate(sizes, threads,
                    progress);
            Duration kernelBudget = budget != null ? budget : quick ? QUICK_BUDGET : DEFAULT_BUDGET;
            if (!kernelBudget.isZero()) {
                kernels = Optional.of(new KernelCalibrator(workDir.resolve("work"), System::nanoTime).calibrate(kernelAt,
                        kernelBudget, progress));
            }
            store.write(f, measuredOn, kernels);
        }
        if (outFile != null) {
            CalibrationStore.atFile(outFile).write(f, measuredOn, kernels);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // the figures and what they were measured on: the kernel samples are in the stored file
            out.println(CalibrationStore.json(f, measuredOn));
        } else {
            out.printf(Locale.ROOT, "%-16s %.1f GFLOPS (theoretical peak %.1f)%n", "matmul", f.matmulGflops(),
                    hw.peakGflopsFp32());
            out.printf(Locale.ROOT, "%-16s %.1f GFLOPS%n", "conv", f.convGflops());
            out.printf(Locale.ROOT, "%-16s %.2f GB/s%n", "memory (add)", f.memoryGbPerS());
            out.printf(Locale.ROOT, "%-16s %.1f µs%n", "call overhead", f.callOverheadUs());
            out.printf(Locale.ROOT, "%-16s %.2f µs%n", "node overhead", f.nodeOverheadUs());
            out.printf(Locale.ROOT, "%-16s %d%n", "threads", f.threads());
            kernels.ifPresent(k -> out.printf(Locale.ROOT, "%-16s %s samples at threads %s in %.0f s%n", "kernels",
                    k.threads().stream().map(t -> Integer.toString(t.samples().size())).toList(), k.threadCounts(),
                    k.seconds()));
            kernels.ifPresent(k -> k.threads().stream().filter(t -> !t.drift().isEmpty()).forEach(t ->
                    out.printf(Locale.ROOT, "%-16s x%.2f median at %d thread(s) over %d kernel types%n", "drift",
                            t.typicalDrift(), t.threads(), t.drift().size())));
            out.printf(Locale.ROOT, "%-16s %s%n", "stored in", store.file() + (outFile == null ? "" : " and " + outFile));
        }
        out.flush();
        return 0;
    }
}
