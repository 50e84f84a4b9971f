package dev.edgeperf.coordinator.store;

/**
 * How long and how hard an agent measures one job; 0 in any field = the agent's default.
 *
 * @param minDurationMs milliseconds of timed runs at least
 * @param maxDurationMs milliseconds of timed runs at most
 */
public record Measurement(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs) {
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
    }
}
