package dev.edgeperf.agent.calibrate;

import ai.onnx.proto.OnnxMl;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.RawOrtLoop;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelDrift;
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
 * gives every type a regressor). Each sample is the median of about 20 ms of runs (5 to 40 of them)
 * after about 2 ms of warm-up runs (2 to 202), minus the call overhead and the layout
 * reorders around the lone kernel ({@link LayoutNodes}, profiled after the timed runs), with the kernel's
 * features, FLOPs and bytes taken by {@link KernelDetector} from the generated model as ONNX Runtime
 * optimizes it, the same code that reads a real model's kernels.
 */
public final class KernelCalibrator {
    /**
     * FLOPs cap of most generated kernels at one thread ({@link KernelModels} draws some larger); scaled
     * by the thread count.
     */
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

    /**
     * The stored calibration with each kernel type's drift since it was taken ({@link KernelDrift}): at
     * each of its thread counts, an equal share of {@code budget} re-runs calibration's first rounds, which
     * the fixed seeds make the same shapes in the same order, and compares them with the stored samples.
     * The stored samples are kept as they were; the call overhead is the one measured now, since it is
     * added to every prediction as it is now.
     *
     * @param stored a calibration this engine took (the caller checks the engine and hardware)
     */
    public KernelCalibration refresh(KernelCalibration stored, Duration budget, Consumer<String> progress) {
        long start = nanoClock.getAsLong();
        long share = budget.toNanos() / Math.max(1, stored.threads().size());
        List<KernelCalibration.ThreadSamples> refreshed = new ArrayList<>();
        try {
            Files.createDirectories(scratch);
            for (int i = 0; i < stored.threads().size(); i++) {
                KernelCalibration.ThreadSamples then = stored.threads().get(i);
                KernelCalibration.ThreadSamples now = atThreads(then.threads(), start + share * (i + 1), progress);
                Map<String, Double> drift = KernelDrift.between(then.samples(), now.samples());
                KernelCalibration.ThreadSamples out = new KernelCalibration.ThreadSamples(then.threads(),
                        now.callOverheadUs(), then.samples(), drift);
                progress.accept(String.format(Locale.ROOT, "refresh at %d thread(s): %d types re-timed, median drift"
                        + " x%.2f, call overhead %.1f -> %.1f us", then.threads(), drift.size(), out.typicalDrift(),
                        then.callOverheadUs(), now.callOverheadUs()));
                refreshed.add(out);
            }
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write kernel models to " + scratch + ": " + e.getMessage(), e);
        }
        return new KernelCalibration(stored.format(), stored.engine(), stored.budgetS(), stored.seconds(), refreshed);
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
                .filter(t -> t != KernelType.QUANTIZE && t != KernelType.DEQUANTIZE && t != KernelType.DYNAMIC_QUANTIZE
                        && t != KernelType.LAYOUT)
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
        List<MeasuredKernel> measured = new ArrayList<>();
        // samples as the profiler's part is known so far: the others' predictions of later samples use them
        List<KernelSample> provisional = new ArrayList<>();
        ProfilerInflation inflation = new ProfilerInflation();
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
                measure(kind.type(), model, threads, overheadMs, provisional).ifPresent(m -> {
                    measured.add(m);
                    inflation.add(m);
                    provisional.addAll(m.samples(inflation.ms()));
                });
                if (nanoClock.getAsLong() - lastReport > 5_000_000_000L) {
                    lastReport = nanoClock.getAsLong();
                    progress.accept(String.format(Locale.ROOT, "kernels at %d thread(s): %d samples, %.0f s left",
                            threads, provisional.size(), Math.max(0, deadline - lastReport) / 1e9));
                }
            }
        }
        double inflationMs = inflation.ms();
        List<KernelSample> samples = new ArrayList<>();
        measured.forEach(m -> samples.addAll(m.samples(inflationMs)));
        Map<String, Long> perType = new java.util.TreeMap<>();
        samples.forEach(s -> perType.merge(s.type(), 1L, Long::sum));
        progress.accept(String.format(Locale.ROOT, "kernels at %d thread(s): %d samples, call overhead %.1f us,"
                + " profiler %.1f us per node; per type %s", threads, samples.size(), overheadMs * 1e3,
                inflationMs * 1e3, perType));
        return new KernelCalibration.ThreadSamples(threads, overheadMs * 1e3, samples);
    }

    /**
     * The model's kernel of type {@code type} measured: its run, the others' time and its profiled nodes.
     * A quantized model also runs other kernels (the QuantizeLinear and DequantizeLinear at its int8
     * region's edges, a side conv): their time, predicted from the samples of their types taken so far (for a
     * uint8 conv, profiled: {@link MeasuredKernel}), is subtracted, and so is the profiled time of the layout
     * nodes ONNX Runtime puts around a lone kernel ({@link LayoutNodes}); with no samples of the others yet
     * nothing is measured.
     */
    private java.util.Optional<MeasuredKernel> measure(KernelType type, byte[] bytes, int threads, double overheadMs,
                                                 List<KernelSample> taken) throws IOException {
        OnnxMl.ModelProto model = OnnxModels.parse(bytes, "kernel-" + type.key());
        List<Kernel> kernels = KernelDetector.detectFused(model, "kernel-" + type.key(), 1, Map.of(), Map.of())
                .stream().filter(k -> k.type().map(KernelType::learned).orElse(true)).toList();
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
        // every input of a generated model has the same leading dim; the loop takes it as the batch
        int batch = (int) model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue();
        Path file = scratch.resolve("kernel-sample.onnx");
        Files.write(file, bytes);
        try {
            double runMs = medianMs(file, batch, threads) - overheadMs;
            return java.util.Optional.of(new MeasuredKernel(target.get(0), runMs, othersMs,
                    LayoutNodes.of(file, batch, threads, scratch)));
        } finally {
            Files.deleteIfExists(file);
        }
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
            loop.time(warmUpRuns(oneMs));
            int runs = (int) Math.max(5, Math.min(MAX_RUNS, Math.ceil(TARGET_RUN_MS / oneMs)));
            return RawOrtLoop.medianMs(loop.time(runs));
        }
    }

    /**
     * Most timed runs of one sample. Short kernels get fewer than {@link #TARGET_RUN_MS} of runs: more
     * runs of them moved no sample's median, and 1000 runs cost 44 % of the budget's samples.
     */
    static final int MAX_RUNS = 40;
    /** Warm-up wall time of a sample's session beyond its first two runs, ms. */
    static final double WARM_UP_MS = 2;

    /**
     * Uncounted runs after the first two for a model whose run takes {@code oneMs}: {@link #WARM_UP_MS} of
     * them, at most 200. A new session's first few dozen runs of a microsecond kernel are slow (fresh
     * buffers, cold caches): a lone 10-element Softmax sampled at 1.7 us over the call overhead after two
     * warm-up runs, and at 0.3 us after 200.
     */
    static int warmUpRuns(double oneMs) {
        return (int) Math.min(200, Math.ceil(WARM_UP_MS / Math.max(1e-3, oneMs)));
    }
}
