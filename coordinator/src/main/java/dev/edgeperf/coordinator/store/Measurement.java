package dev.edgeperf.coordinator.store;

/**
 * How long and how hard an agent measures one job; 0/false in any field = the agent's default.
 *
 * @param minDurationMs      milliseconds of timed runs at least
 * @param maxDurationMs      milliseconds of timed runs at most
 * @param targetCiHalfWidth  relative half-width of the 95% CI of the median to reach, e.g. 0.01; 0 = none
 * @param warmupUntilStable  warm up until latency stabilizes instead of a fixed count
 * @param concurrency        in-flight requests in throughput mode; 0 or 1 = latency mode
 * @param inProcess          measure in the agent's JVM instead of a forked worker
 */
public record Measurement(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs,
                          double targetCiHalfWidth, boolean warmupUntilStable, int concurrency, boolean inProcess) {
    public Measurement {
        if (warmupIterations < 0 || minIterations < 0 || minDurationMs < 0 || maxDurationMs < 0) {
            throw new IllegalArgumentException("measurement settings must be >= 0, got warmup=" + warmupIterations
                    + " minIterations=" + minIterations + " minDurationMs=" + minDurationMs
                    + " maxDurationMs=" + maxDurationMs);
        }
        if (maxDurationMs > 0 && minDurationMs > maxDurationMs) {
            throw new IllegalArgumentException("minDurationMs " + minDurationMs + " exceeds maxDurationMs "
                    + maxDurationMs);
        }
        if (!(targetCiHalfWidth >= 0 && targetCiHalfWidth < 1)) {
            throw new IllegalArgumentException("target CI half-width must be in [0, 1), got " + targetCiHalfWidth);
        }
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0, got " + concurrency);
        }
    }

    /** Latency mode with the agent's defaults for everything not given. */
    public Measurement(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs) {
        this(warmupIterations, minIterations, minDurationMs, maxDurationMs, 0, false, 0, false);
    }

    /** The same settings in throughput mode with {@code c} concurrent requests. */
    public Measurement withConcurrency(int c) {
        return new Measurement(warmupIterations, minIterations, minDurationMs, maxDurationMs, targetCiHalfWidth,
                warmupUntilStable, c, inProcess);
    }
}
