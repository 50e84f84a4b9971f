package dev.edgeperf.core.predict;

import dev.edgeperf.core.predict.kernel.ImageLoop;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.core.predict.kernel.KernelRegressor;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * nn-Meter's predictor for ONNX Runtime: the sum over the kernels ONNX Runtime runs after fusion
 * ({@link dev.edgeperf.core.predict.kernel.KernelDetector}) of each kernel type's regressor, fitted
 * on single-kernel models measured on the device at the call's thread count (an int8 conv per image,
 * times the batch: {@link ImageLoop}), plus the measured
 * per-call overhead once, plus the device's per-node dispatch cost per kernel (a sample is its run less
 * the call overhead, which leaves the dispatch of its one node out: on lenet5's 10 kernels at 27 us
 * that is 9 %). View kernels (Reshape, Flatten …) cost the dispatch alone. Layout kernels (the
 * reorders and Transposes of ONNX Runtime's ALL level) are predicted where the device's calibration
 * profiled layout nodes of their element type, and cost nothing where it met none.
 * Kernels of a type or element type with no regressor (int8 and fp16 kernels, op types calibration
 * does not generate) are named in the basis with the share of kernels and FLOPs they hold; the
 * prediction then covers only the rest. A refreshed profile's regressors come scaled by each type's
 * drift since calibration ({@link KernelCalibration.ThreadSamples#drift()}), and the basis says so.
 */
public final class KernelPredictor implements Predictor {
    public static final String NAME = "kernel";
    /** Starts the part of the basis that names what was not predicted. */
    static final String NOT_PREDICTED = "; not predicted: ";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PredictedLatency predict(PredictionInput input) {
        if (input.kernels().isEmpty()) {
            return PredictedLatency.none(NAME, "needs the model's ONNX Runtime kernels and a device profile with"
                    + " kernel samples (agent calibrate)");
        }
        KernelInputs k = input.kernels().get();
        KernelCalibration calibration = k.calibration();
        int threads = input.threads() > 0 ? input.threads() : input.device().calibrationThreads();
        Optional<KernelCalibration.ThreadSamples> at = calibration.at(threads);
        if (at.isEmpty()) {
            return PredictedLatency.none(NAME, "the device profile has kernel samples at threads "
                    + calibration.threadCounts() + ", not at " + (threads == 0 ? "the default" : threads));
        }
        Map<String, KernelRegressor> regressors = k.fitted().regressors(threads).orElseThrow();
        Map<String, Long> profileFlops = new HashMap<>();
        input.profile().ifPresent(p -> p.nodes().forEach(n -> profileFlops.merge(n.name(), n.flops(), Long::sum)));
        double nodeOverheadMs = input.device().nodeOverheadUs() / 1e3;
        List<NodePrediction> nodes = new ArrayList<>();
        Map<String, Integer> missing = new TreeMap<>();
        long flopsAll = 0;
        long flopsMissing = 0;
        int learned = 0;
        int layoutNotRun = 0;
        double total = at.get().callOverheadUs() / 1e3;
        for (Kernel kernel : k.kernels()) {
            long flops = kernel.flops() > 0 ? kernel.flops() : profileFlops.getOrDefault(kernel.node(), 0L);
            flopsAll += flops;
            if (kernel.type().isPresent() && kernel.type().get() == KernelType.VIEW) {
                nodes.add(new NodePrediction(kernel.node(), kernel.opType(), nodeOverheadMs,
                        NodePrediction.Bound.OVERHEAD));
                total += nodeOverheadMs;
                continue;
            }
            KernelRegressor r = kernel.regressorKey().map(regressors::get).orElse(null);
            if (r == null && kernel.type().isPresent() && kernel.type().get() == KernelType.LAYOUT) {
                // the coordinator's ALL graph has it, but the device's calibration met no layout node of
                // that kind: its CPU has no such layout (an ARM board has no NCHWc reorders)
                layoutNotRun++;
                continue;
            }
            if (r == null) {
                String name = kernel.opType() + (kernel.dtype().equals("float") || kernel.dtype().equals("?") ? ""
                        : " (" + kernel.dtype() + ")");
                missing.merge(name, 1, Integer::sum);
                flopsMissing += flops;
                continue;
            }
            // a sample is its run less the call overhead, so its node's dispatch is not in it: each kernel adds one
            double ms = Math.max(0, ImageLoop.predictMs(r, kernel)) + nodeOverheadMs;
            NodePrediction.Bound bound = switch (r.dominantTerm(kernel.flops(), kernel.bytes())) {
                case FIXED -> NodePrediction.Bound.OVERHEAD;
                case COMPUTE -> NodePrediction.Bound.COMPUTE;
                case MEMORY -> NodePrediction.Bound.MEMORY;
            };
            nodes.add(new NodePrediction(kernel.node(), kernel.opType(), ms, bound));
            total += ms;
            learned++;
        }
        int missingCount = missing.values().stream().mapToInt(Integer::intValue).sum();
        int run = k.kernels().size() - layoutNotRun;
        if (learned == 0) {
            return PredictedLatency.none(NAME, "no kernel of the model has a regressor" + describe(missing,
                    missingCount, run, flopsMissing, flopsAll));
        }
        String basis = String.format(Locale.ROOT, "sum of %d kernels' regressors fitted on %d samples at %d"
                        + " thread(s) (%s) + %.1f us per call", run - missingCount,
                at.get().samples().size(), threads, calibration.engine(), at.get().callOverheadUs())
                + refreshed(at.get())
                + (missing.isEmpty() ? "" : describe(missing, missingCount, run, flopsMissing, flopsAll));
        return new PredictedLatency(NAME, total, 0, true, basis, nodes);
    }

    /** What a refresh changed: the regressors are scaled by how much slower the device now runs each type. */
    private static String refreshed(KernelCalibration.ThreadSamples at) {
        if (at.drift().isEmpty()) {
            return "";
        }
        double[] f = at.drift().values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "; refreshed: each type scaled by its drift since calibration,"
                + " median x%.2f (x%.2f to x%.2f over %d types)", at.typicalDrift(), f[0], f[f.length - 1], f.length);
    }

    /** True when a kernel prediction covered every kernel of the model. */
    public static boolean complete(PredictedLatency p) {
        return p.predictor().equals(NAME) && p.known() && !p.basis().contains(NOT_PREDICTED);
    }

    private static String describe(Map<String, Integer> missing, int count, int kernels, long flopsMissing,
                                   long flopsAll) {
        String names = missing.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
        return NOT_PREDICTED + names + String.format(Locale.ROOT, " (%d of %d kernels, %.1f%% of FLOPs)", count,
                kernels, flopsAll > 0 ? 100.0 * flopsMissing / flopsAll : 0);
    }
}
