package dev.edgeperf.core.predict.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much the device's speed moved since calibration, per kernel type: the median over a type's
 * reference samples of (time re-measured now ÷ time stored). Calibration draws its shapes from fixed
 * seeds, so re-running its first rounds re-times the first samples of the stored profile, shape for
 * shape; a sample is matched to the stored one with the same type, features, FLOPs and bytes, in order.
 *
 * <p>Why per type and not one factor: on this project's shared 2-core box a day's slowdown was 2-19 %
 * depending on the type (concat 2 %, pointwise conv 19 %), and within an hour one conv got slower while
 * a gemm got faster.
 */
public final class KernelDrift {
    /** Fewer matched samples than this and a type's median is one noisy sample: the type gets none. */
    static final int MIN_MATCHES = 3;
    /**
     * Stored samples below this are not compared: a layout node under a microsecond is the profiler's
     * whole-microsecond step less its inflation, so its ratio is noise (0.2 to 2 at 1 thread).
     */
    static final double MIN_MS = 2e-3;

    private KernelDrift() {
    }

    /**
     * The drift of every type with at least {@value #MIN_MATCHES} comparable pairs.
     *
     * @param stored the profile's samples at one thread count, in the order calibration took them
     * @param fresh  the same calibration's first rounds measured now, at the same thread count
     */
    public static Map<String, Double> between(List<KernelSample> stored, List<KernelSample> fresh) {
        Map<List<Object>, Deque<KernelSample>> byShape = new HashMap<>();
        for (KernelSample s : stored) {
            byShape.computeIfAbsent(shape(s), k -> new ArrayDeque<>()).add(s);
        }
        Map<String, List<Double>> ratios = new TreeMap<>();
        for (KernelSample now : fresh) {
            Deque<KernelSample> same = byShape.get(shape(now));
            KernelSample then = same == null ? null : same.poll();
            if (then != null && then.ms() >= MIN_MS && now.ms() > 0) {
                ratios.computeIfAbsent(now.type(), k -> new ArrayList<>()).add(now.ms() / then.ms());
            }
        }
        Map<String, Double> drift = new TreeMap<>();
        ratios.forEach((type, r) -> {
            if (r.size() >= MIN_MATCHES) {
                drift.put(type, median(r));
            }
        });
        return drift;
    }

    private static List<Object> shape(KernelSample s) {
        return List.of(s.type(), new TreeMap<>(s.features()), s.flops(), s.bytes());
    }

    /** The median of a profile's drift factors, what a type the refresh did not re-time takes; 1 for none. */
    static double typical(Map<String, Double> drift) {
        return drift.isEmpty() ? 1 : median(drift.values());
    }

    private static double median(java.util.Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
