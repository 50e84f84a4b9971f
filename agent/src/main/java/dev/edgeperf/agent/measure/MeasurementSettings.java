package dev.edgeperf.agent.measure;

/**
 * How long and how hard to measure. The timed loop stops once {@code minIterations} AND
 * {@code minDurationMs} are both reached, or when {@code maxDurationMs} has passed.
 *
 * @param warmupIterations untimed runs after the first inference, >= 0
 * @param minIterations    >= 1
 * @param minDurationMs    milliseconds, >= 0
 * @param maxDurationMs    milliseconds, >= minDurationMs and > 0
 */
public record MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs) {
    public MeasurementSettings {
        if (warmupIterations < 0) {
            throw new IllegalArgumentException("warmupIterations must be >= 0, got " + warmupIterations);
        }
        if (minIterations < 1) {
            throw new IllegalArgumentException("minIterations must be >= 1, got " + minIterations);
        }
        if (minDurationMs < 0) {
            throw new IllegalArgumentException("minDurationMs must be >= 0, got " + minDurationMs);
        }
        if (maxDurationMs <= 0 || maxDurationMs < minDurationMs) {
            throw new IllegalArgumentException("maxDurationMs must be > 0 and >= minDurationMs (" + minDurationMs
                    + "), got " + maxDurationMs);
        }
    }

    /** All defaults from {@link MeasurementDefaults}. */
    public static MeasurementSettings defaults() {
        return new MeasurementSettings(MeasurementDefaults.WARMUP_ITERATIONS, MeasurementDefaults.MIN_ITERATIONS,
                MeasurementDefaults.MIN_DURATION_MS, MeasurementDefaults.MAX_DURATION_MS);
    }

    /**
     * Settings where every zero (or negative) field takes the default, as the wire contract says.
     */
    public static MeasurementSettings withDefaults(int warmupIterations, int minIterations, long minDurationMs,
                                                   long maxDurationMs) {
        return of(warmupIterations > 0 ? warmupIterations : null, minIterations > 0 ? minIterations : null,
                minDurationMs > 0 ? minDurationMs : null, maxDurationMs > 0 ? maxDurationMs : null);
    }

    /**
     * Settings where every null field takes the default. A missing maximum becomes the default or the
     * minimum duration, whichever is larger, and a missing minimum never exceeds a given maximum, so
     * giving just one of the two durations is never rejected.
     *
     * @throws IllegalArgumentException when the given values are invalid together
     */
    public static MeasurementSettings of(Integer warmupIterations, Integer minIterations, Long minDurationMs,
                                         Long maxDurationMs) {
        int warmup = warmupIterations != null ? warmupIterations : MeasurementDefaults.WARMUP_ITERATIONS;
        int minIter = minIterations != null ? minIterations : MeasurementDefaults.MIN_ITERATIONS;
        long minDur;
        long maxDur;
        if (maxDurationMs == null) {
            minDur = minDurationMs != null ? minDurationMs : MeasurementDefaults.MIN_DURATION_MS;
            maxDur = Math.max(MeasurementDefaults.MAX_DURATION_MS, minDur);
        } else {
            maxDur = maxDurationMs;
            minDur = minDurationMs != null ? minDurationMs : Math.min(MeasurementDefaults.MIN_DURATION_MS, maxDur);
        }
        return new MeasurementSettings(warmup, minIter, minDur, maxDur);
    }
}
