package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.calibrate.CalibrationFigures;
import dev.edgeperf.agent.calibrate.CalibrationStore;
import dev.edgeperf.agent.calibrate.Calibrator;
import dev.edgeperf.agent.calibrate.MicroModels;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code calibrate}: measure this machine's achievable GFLOPS, memory bandwidth, call and per-node overhead. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Run generated micro-models (MatMul, Conv, elementwise Add, a tiny op) and store the figures "
                + "in <work-dir>/calibration.json; `run` sends them to the coordinator.",
        footer = {"", "Example:", "  scripts/agent calibrate --threads=4 --work-dir=/var/lib/edgeperf-agent"})
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) {
            throw EdgeperfException.userError("--threads " + threads + " is invalid; expected >= 0 (0 = engine default)");
        }
        Path workDir = work.prepare();
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        InferenceRunner runner = new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN), hw.physicalCores());
        CalibrationStore store = CalibrationStore.inWorkDir(workDir);
        Calibrator calibrator = new Calibrator(runner, workDir.resolve("work"), System::currentTimeMillis);
        CalibrationFigures f = calibrator.calibrate(quick ? MicroModels.Sizes.QUICK : MicroModels.Sizes.FULL, threads,
                step -> System.err.println("calibrate: " + step));
        CalibrationStore.MeasuredOn measuredOn = new CalibrationStore.MeasuredOn(hw.fingerprint(),
                InferenceRunner.engineVersion());
        store.write(f, measuredOn);
        if (outFile != null) {
            CalibrationStore.atFile(outFile).write(f, measuredOn);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(CalibrationStore.json(f, measuredOn));
        } else {
            out.printf(Locale.ROOT, "%-16s %.1f GFLOPS (theoretical peak %.1f)%n", "matmul", f.matmulGflops(),
                    hw.peakGflopsFp32());
            out.printf(Locale.ROOT, "%-16s %.1f GFLOPS%n", "conv", f.convGflops());
            out.printf(Locale.ROOT, "%-16s %.2f GB/s%n", "memory (add)", f.memoryGbPerS());
            out.printf(Locale.ROOT, "%-16s %.1f µs%n", "call overhead", f.callOverheadUs());
            out.printf(Locale.ROOT, "%-16s %.2f µs%n", "node overhead", f.nodeOverheadUs());
            out.printf(Locale.ROOT, "%-16s %d%n", "threads", f.threads());
            out.printf(Locale.ROOT, "%-16s %s%n", "stored in", store.file() + (outFile == null ? "" : " and " + outFile));
        }
        out.flush();
        return 0;
    }
}
