package dev.edgeperf.agent.calibrate;

import ai.onnx.proto.OnnxMl;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.RawOrtLoop;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelRegressor;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Measures single-kernel models ({@link KernelModels}, {@link Int8Kernels}) for the kernel predictor:
 * for each thread count an equal share of the budget, the per-call overhead first (a one-node model),
 * then kernel types in turn, fp32, static int8, dynamic int8 ({@link DynamicInt8Kernels}), one generated
 * shape each, until the share is spent (one sample of every type is always taken, so even a tiny budget
 * gives every type a regressor). Each sample is the median of a few runs after
 * two warm-up runs (about 20 ms of runs, 5 to 40 of them), minus the call overhead and the layout
 * reorders around the lone kernel ({@link LayoutNodes}, profiled after the timed runs), with the kernel's
 * features, FLOPs and bytes taken by {@link KernelDetector} from the generated model as ONNX Runtime
 * optimizes it, the same code that reads a real model's kernels.
 */
public final class KernelCalibrator {
    /** FLOPs cap of one generated kernel at one thread; scaled by the thread count. */
    static final long MAX_FLOPS_PER_THREAD = 300_000_000L;
    private static final double TARGET_RUN_MS = 20;

    private final Path scratch;
    private final LongSupplier nanoClock;

    public KernelCalibrator(Path scratch, LongSupplier nanoClock) {
        this.scratch = Objects.requireNonNull(scratch, "scratch is null");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock is null");
    }

    /**
     * @param threads  intra-op thread counts, each >= 1
     * @param budget   wall time for all of them
     * @param progress hears a line every few seconds
     */
    public KernelCalibration calibrate(List<Integer> threads, Duration budget, Consumer<String> progress) {
        long start = nanoClock.getAsLong();
        long share = budget.toNanos() / Math.max(1, threads.size());
        List<KernelCalibration.ThreadSamples> all = new ArrayList<>();
        try {
            Files.createDirectories(scratch);
            for (int i = 0; i < threads.size(); i++) {
                int t = threads.get(i);
                all.add(atThreads(t, start + share * (i + 1), progress));
            }
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write kernel models to " + scratch + ": " + e.getMessage(), e);
        }
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        return new KernelCalibration(KernelCalibration.FORMAT, "onnxruntime " + InferenceRunner.engineVersion(),
                budget.toMillis() / 1e3, seconds, all);
    }

    /** Where a kind's models come from: fp32, static int8 or dynamic int8 generators. */
    private enum Source { FP32, INT8_STATIC, INT8_DYNAMIC }

    /** One kind of kernel on one element type: what a round of calibration takes a sample of. */
    private record Kind(KernelType type, Source source) {
    }

    /**
     * The fp32 kinds, then the static int8 ones, then the dynamic int8 ones: a round samples each once,
     * so the budget is shared across dtypes (each kind gets about 1/{@code kinds().size()} of the rounds).
     */
    private static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        Arrays.stream(KernelType.values()).filter(KernelType::learned)
                .filter(t -> t != KernelType.QUANTIZE && t != KernelType.DEQUANTIZE && t != KernelType.DYNAMIC_QUANTIZE)
                .forEach(t -> kinds.add(new Kind(t, Source.FP32)));
        Int8Kernels.TYPES.forEach(t -> kinds.add(new Kind(t, Source.INT8_STATIC)));
        DynamicInt8Kernels.TYPES.forEach(t -> kinds.add(new Kind(t, Source.INT8_DYNAMIC)));
        return kinds;
    }

    private KernelCalibration.ThreadSamples atThreads(int threads, long deadline, Consumer<String> progress)
            throws IOException {
        double overheadMs = callOverheadMs(threads);
        KernelModels models = new KernelModels(0xCA11B + threads, MAX_FLOPS_PER_THREAD * threads);
        Int8Kernels int8 = new Int8Kernels(models, 0x1A8 + threads);
        DynamicInt8Kernels dynamic = new DynamicInt8Kernels(models, 0xD1A8 + threads);
        List<Kind> kinds = kinds();
        List<KernelSample> samples = new ArrayList<>();
        long lastReport = nanoClock.getAsLong();
        for (int round = 0; round == 0 || nanoClock.getAsLong() < deadline; round++) {
            for (Kind kind : kinds) {
                if (round > 0 && nanoClock.getAsLong() >= deadline) {
                    break;
                }
                byte[] model = switch (kind.source()) {
                    case FP32 -> models.next(kind.type());
                    case INT8_STATIC -> int8.next(kind.type());
                    case INT8_DYNAMIC -> dynamic.next(kind.type());
                };
                sample(kind.type(), model, threads, overheadMs, samples).ifPresent(samples::add);
                if (nanoClock.getAsLong() - lastReport > 5_000_000_000L) {
                    lastReport = nanoClock.getAsLong();
                    progress.accept(String.format(Locale.ROOT, "kernels at %d thread(s): %d samples, %.0f s left",
                            threads, samples.size(), Math.max(0, deadline - lastReport) / 1e9));
                }
            }
        }
        Map<String, Long> perType = new java.util.TreeMap<>();
        samples.forEach(s -> perType.merge(s.type(), 1L, Long::sum));
        progress.accept(String.format(Locale.ROOT, "kernels at %d thread(s): %d samples, call overhead %.1f us; per"
                + " type %s", threads, samples.size(), overheadMs * 1e3, perType));
        return new KernelCalibration.ThreadSamples(threads, overheadMs * 1e3, samples);
    }

    /**
     * A sample of the model's kernel of type {@code type}. A quantized model also runs other kernels
     * (the QuantizeLinear and DequantizeLinear at its int8 region's edges, a side conv): their time,
     * predicted from the samples of their types taken so far, is subtracted, and so is the profiled
     * time of the layout nodes ONNX Runtime puts around a lone kernel ({@link LayoutNodes}); with no
     * samples of the others yet there is no sample, nor when the others leave too little of the run.
     */
    private java.util.Optional<KernelSample> sample(KernelType type, byte[] bytes, int threads, double overheadMs,
                                                    List<KernelSample> taken) throws IOException {
        OnnxMl.ModelProto model = OnnxModels.parse(bytes, "kernel-" + type.key());
        List<Kernel> kernels = KernelDetector.detect(model, "kernel-" + type.key(), 1, Map.of(), Map.of()).stream()
                .filter(k -> k.type().map(KernelType::learned).orElse(true)).toList();
        List<Kernel> target = kernels.stream().filter(k -> k.type().equals(java.util.Optional.of(type))).toList();
        if (target.size() != 1 || kernels.stream().anyMatch(k -> k.regressorKey().isEmpty())) {
            // ONNX Runtime did not fuse it as expected: a sample of the wrong kernel would mislead the fit
            return java.util.Optional.empty();
        }
        double othersMs = 0;
        for (Kernel other : kernels) {
            if (other == target.get(0)) {
                continue;
            }
            String key = other.regressorKey().orElseThrow();
            List<KernelSample> of = taken.stream().filter(s -> s.type().equals(key)).toList();
            if (of.isEmpty()) {
                return java.util.Optional.empty();
            }
            othersMs += Math.max(0, KernelRegressor.fitRate(of).predictMs(other.flops(), other.bytes()));
        }
        Kernel k = target.get(0);
        // every input of a generated model has the same leading dim; the loop takes it as the batch
        int batch = (int) model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue();
        Path file = scratch.resolve("kernel-sample.onnx");
        Files.write(file, bytes);
        double runMs;
        double layoutMs;
        try {
            runMs = medianMs(file, batch, threads) - overheadMs;
            layoutMs = LayoutNodes.ms(file, batch, threads, scratch);
        } finally {
            Files.deleteIfExists(file);
        }
        java.util.OptionalDouble ms = leftoverMs(runMs, othersMs + layoutMs);
        if (ms.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new KernelSample(k.regressorKey().get(), k.features(), k.flops(), k.bytes(),
                ms.getAsDouble()));
    }

    /** Least share of a run, after the call overhead, that the sampled kernel must keep once the others are taken. */
    static final double MIN_KERNEL_SHARE = 0.2;

    /**
     * The sampled kernel's time: the run's time less the call overhead ({@code runMs}) less the other kernels'
     * predicted time; empty when that leaves under {@link #MIN_KERNEL_SHARE} of the run. The others' predictions
     * carry their own error, of the size of such a remainder: it is their noise, not the kernel (a 3 us sample of a
     * 10-MFLOP pointwise ConvInteger was seen at 2 threads), and the fit, weighting samples by 1/ms^2, would be
     * decided by it (the 2-thread conv-pointwise/dynamic-int8 regressor lost its FLOPs term).
     */
    static java.util.OptionalDouble leftoverMs(double runMs, double othersMs) {
        double ms = Math.max(0, runMs - othersMs);
        if (othersMs > 0 && ms < MIN_KERNEL_SHARE * runMs) {
            return java.util.OptionalDouble.empty();
        }
        return java.util.OptionalDouble.of(ms);
    }

    private double callOverheadMs(int threads) throws IOException {
        Path file = scratch.resolve("kernel-tiny.onnx");
        Files.write(file, MicroModels.tiny());
        try (RawOrtLoop loop = new RawOrtLoop(file, 1, threads)) {
            loop.time(50);
            return RawOrtLoop.medianMs(loop.time(300));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double medianMs(Path file, int batch, int threads) {
        try (RawOrtLoop loop = new RawOrtLoop(file, batch, threads)) {
            long[] warm = loop.time(2);
            double oneMs = Math.max(1e-3, warm[1] / 1e6);
            int runs = (int) Math.max(5, Math.min(40, Math.ceil(TARGET_RUN_MS / oneMs)));
            return RawOrtLoop.medianMs(loop.time(runs));
        }
    }
}
