package dev.edgeperf.agent.calibrate;

import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.agent.measure.ProgressListener;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.measure.MeasurementSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs the micro-models with the measurement loop and turns their median latencies into figures:
 * GFLOP/s = FLOPs / p50, GB/s = bytes / p50, call overhead = p50 of the tiny op, node overhead = (p50 of a chain of tiny ops -
 * p50 of one) per extra node.
 */
public final class Calibrator {
    /** Settings for the heavy probes: a few runs are enough, each is milliseconds long. */
    static final MeasurementSettings HEAVY = new MeasurementSettings(3, 10, 300, 5_000, 0.02, false);
    /** Settings for the tiny op: many runs of microseconds. */
    static final MeasurementSettings TINY = new MeasurementSettings(200, 1_000, 300, 5_000, 0.02, false);

    private final MeasurementRunner runner;
    private final Path scratch;
    private final LongSupplier wallClockMs;

    /** @param scratch where the micro-model files are written */
    public Calibrator(MeasurementRunner runner, Path scratch, LongSupplier wallClockMs) {
        this.runner = Objects.requireNonNull(runner, "runner is null");
        this.scratch = Objects.requireNonNull(scratch, "scratch is null");
        this.wallClockMs = Objects.requireNonNull(wallClockMs, "wallClockMs is null");
    }

    /**
     * Measures all five probes.
     *
     * @param threads intra-op threads, 0 = engine default
     * @param step    hears the name of each probe as it starts
     */
    public CalibrationFigures calibrate(MicroModels.Sizes sizes, int threads, Consumer<String> step) {
        try {
            Files.createDirectories(scratch);
            step.accept("matmul " + sizes.matmul() + "^3");
            MeasurementResult mm = run("matmul", MicroModels.matmul(sizes.matmul()), sizes.matmul(), threads, HEAVY);
            step.accept("conv " + sizes.convChannels() + "x" + sizes.convSize() + "^2 3x3");
            MeasurementResult conv = run("conv", MicroModels.conv(sizes.convChannels(), sizes.convSize()), 1, threads, HEAVY);
            step.accept("add " + sizes.addElements() + " floats");
            MeasurementResult add = run("add", MicroModels.add(), sizes.addElements(), threads, HEAVY);
            step.accept("tiny op");
            MeasurementResult tiny = run("tiny", MicroModels.tiny(), 1, threads, TINY);
            step.accept("chain of " + (MicroModels.CHAIN_EXTRA_NODES + 1) + " tiny ops");
            MeasurementResult chain = run("chain", MicroModels.chain(), 1, threads, TINY);
            double tinyUs = tiny.computeLatency().p50Ms() * 1e3;
            // noise can make the difference negative on a machine with almost no dispatch cost: 0 = none measured
            double nodeOverheadUs = Math.max(0, (chain.computeLatency().p50Ms() * 1e3 - tinyUs)
                    / MicroModels.CHAIN_EXTRA_NODES);
            return new CalibrationFigures(
                    sizes.matmulFlops() / seconds(mm) / 1e9,
                    sizes.convFlops() / seconds(conv) / 1e9,
                    sizes.addBytes() / seconds(add) / 1e9,
                    tinyUs, nodeOverheadUs, mm.intraOpThreads(), wallClockMs.getAsLong());
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write calibration models to " + scratch + ": " + e.getMessage(), e);
        }
    }

    private MeasurementResult run(String name, byte[] model, int batch, int threads, MeasurementSettings settings)
            throws IOException {
        Path file = scratch.resolve("calibrate-" + name + ".onnx");
        Files.write(file, model);
        try {
            return runner.measure(new MeasurementRequest(file, batch, threads, settings), ProgressListener.NONE);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double seconds(MeasurementResult m) {
        return m.computeLatency().p50Ms() / 1e3;
    }
}
