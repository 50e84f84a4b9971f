package dev.edgeperf.core.predict.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One single-kernel model measured by calibration.
 *
 * @param type     the {@link Kernel#regressorKey()} it trains, e.g. "conv-depthwise"
 * @param features the kernel's features as {@link KernelDetector} found them in the generated model
 * @param flops    its FLOPs ({@link Kernel#flops()})
 * @param bytes    its bytes ({@link Kernel#bytes()})
 * @param ms       median latency of the one-kernel model minus the device's per-call overhead at the
 *                 same thread count, ms; may be 0 for a kernel faster than the noise of that overhead
 */
public record KernelSample(String type, Map<String, Long> features, long flops, long bytes, double ms) {
    public KernelSample {
        Objects.requireNonNull(type, "type is null");
        features = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(features, "features is null")));
        if (flops < 0 || bytes < 0) {
            throw new IllegalArgumentException("flops and bytes must be >= 0, got " + flops + ", " + bytes);
        }
        if (!(ms >= 0) || !Double.isFinite(ms)) {
            throw new IllegalArgumentException("ms must be >= 0 and finite, got " + ms);
        }
    }
}
