package dev.edgeperf.core.predict.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The kernel section of a device profile: the measured single-kernel samples per thread count, from
 * which the regressors are refitted when the profile is read (a fit takes milliseconds, and samples
 * stay valid when the regressor changes, which a serialized model would not).
 *
 * <p>JSON form, under the profile's {@code "kernels"} key (format {@value #FORMAT}):
 * <pre>
 * {"format": 1, "engine": "onnxruntime 1.28.0", "budgetS": 300, "seconds": 291.4,
 *  "threads": [{"threads": 1, "callOverheadUs": 38.2,
 *               "samples": [{"type": "conv", "features": {"n": 1, "cin": 16, …}, "flops": 1179648,
 *                            "bytes": 74304, "ms": 0.0412}, …],
 *               "drift": {"conv": 1.14, …}}, …]}
 * </pre>
 * ({@code drift} only in a refreshed profile).
 *
 * @param format  {@value #FORMAT}; a reader rejects any other
 * @param engine  the engine and version that ran the samples
 * @param budgetS the calibration budget, seconds
 * @param seconds how long the kernel calibration took, seconds
 * @param threads samples per intra-op thread count
 */
public record KernelCalibration(int format, String engine, double budgetS, double seconds,
                                List<ThreadSamples> threads) {
    /** The format this build writes and reads. */
    public static final int FORMAT = 1;

    public KernelCalibration {
        if (format != FORMAT) {
            throw new IllegalArgumentException("kernel profile format " + format + " is not supported; expected "
                    + FORMAT);
        }
        Objects.requireNonNull(engine, "engine is null");
        threads = List.copyOf(threads);
    }

    /**
     * Samples at one thread count.
     *
     * @param threads        intra-op threads, >= 1
     * @param callOverheadUs median of a one-node model at these threads, microseconds (subtracted from
     *                       every sample, added once per predicted call)
     * @param drift          per regressor key, how much slower (> 1) or faster the device ran that type's
     *                       reference samples when {@code agent calibrate --refresh} re-timed them than when
     *                       they were sampled; empty when never refreshed (and in files from before refreshes)
     */
    public record ThreadSamples(int threads, double callOverheadUs, List<KernelSample> samples,
                                Map<String, Double> drift) {
        public ThreadSamples {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (!(callOverheadUs >= 0) || !Double.isFinite(callOverheadUs)) {
                throw new IllegalArgumentException("callOverheadUs must be >= 0, got " + callOverheadUs);
            }
            samples = List.copyOf(samples);
            drift = drift == null ? Map.of() : Map.copyOf(new TreeMap<>(drift));
            drift.forEach((type, factor) -> {
                if (!(factor > 0) || !Double.isFinite(factor)) {
                    throw new IllegalArgumentException("drift of " + type + " must be > 0, got " + factor);
                }
            });
        }

        /** Samples as calibration took them, never refreshed. */
        public ThreadSamples(int threads, double callOverheadUs, List<KernelSample> samples) {
            this(threads, callOverheadUs, samples, Map.of());
        }

        /**
         * One regressor per kernel type that has samples, by {@link Kernel#regressorKey()}, scaled by that
         * type's drift; a type the refresh did not re-time takes the median drift of those it did.
         */
        public Map<String, KernelRegressor> regressors() {
            Map<String, List<KernelSample>> byType = new TreeMap<>();
            for (KernelSample s : samples) {
                byType.computeIfAbsent(s.type(), k -> new ArrayList<>()).add(s);
            }
            double typical = typicalDrift();
            Map<String, KernelRegressor> out = new LinkedHashMap<>();
            byType.forEach((type, list) -> out.put(type,
                    KernelRegressor.fit(list).scaled(drift.getOrDefault(type, typical))));
            return out;
        }

        /** The median of the drift factors; 1 when never refreshed. */
        public double typicalDrift() {
            return KernelDrift.typical(drift);
        }
    }

    /** The samples at {@code threads}. */
    public Optional<ThreadSamples> at(int threads) {
        return this.threads.stream().filter(t -> t.threads() == threads).findFirst();
    }

    /** The thread counts calibrated, in file order. */
    public List<Integer> threadCounts() {
        return threads.stream().map(ThreadSamples::threads).toList();
    }
}
