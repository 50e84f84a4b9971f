package dev.edgeperf.agent.measure;

/**
 * How long and how hard to measure. The timed loop stops once {@code minIterations} AND
 * {@code minDurationMs} are both reached AND (when {@code targetCiHalfWidth > 0}) the 95 %
 * confidence interval of the median is at most {@code targetCiHalfWidth} x median wide on each side;
 * or when {@code maxDurationMs} has passed.
 *
 * @param warmupIterations  untimed runs after the first inference, >= 0; with
 *                          {@code warmupUntilStable} the minimum, and x{@value MeasurementDefaults#WARMUP_UNTIL_STABLE_FACTOR} the bound
 * @param minIterations     >= 1
 * @param minDurationMs     milliseconds, >= 0
 * @param maxDurationMs     milliseconds, >= minDurationMs and > 0
 * @param targetCiHalfWidth relative half-width of the median's 95 % CI, 0 = no target, else in [0.001, 1)
 * @param warmupUntilStable warm up until the median of consecutive windows stops moving
 */
public record MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs,
                                  double targetCiHalfWidth, boolean warmupUntilStable) {
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
        if (!(targetCiHalfWidth == 0
                || (targetCiHalfWidth >= MeasurementDefaults.MIN_TARGET_CI_HALF_WIDTH && targetCiHalfWidth < 1))) {
            throw new IllegalArgumentException("targetCiHalfWidth must be 0 (no target) or in ["
                    + MeasurementDefaults.MIN_TARGET_CI_HALF_WIDTH + ", 1) (e.g. 0.01 for 1 %), got " + targetCiHalfWidth);
        }
    }

    /** Settings without a confidence target or warm-up until stable. */
    public MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs) {
        this(warmupIterations, minIterations, minDurationMs, maxDurationMs, 0, false);
    }

    /** True when the run must also reach a confidence target. */
    public boolean hasCiTarget() {
        return targetCiHalfWidth > 0;
    }

    /** Upper bound of warm-up runs when warming up until stable. */
    public int maxWarmupIterations() {
        return Math.max(warmupIterations, 1) * MeasurementDefaults.WARMUP_UNTIL_STABLE_FACTOR;
    }

    /** All defaults from {@link MeasurementDefaults}, including the command line's CI target. */
    public static MeasurementSettings defaults() {
        return new MeasurementSettings(MeasurementDefaults.WARMUP_ITERATIONS, MeasurementDefaults.MIN_ITERATIONS,
                MeasurementDefaults.MIN_DURATION_MS, MeasurementDefaults.MAX_DURATION_MS,
                MeasurementDefaults.TARGET_CI_HALF_WIDTH, MeasurementDefaults.WARMUP_UNTIL_STABLE);
    }

    /**
     * Settings from the wire: every zero (or negative) count or duration takes the default; a zero
     * target means no target, as the contract says.
     */
    public static MeasurementSettings withDefaults(int warmupIterations, int minIterations, long minDurationMs,
                                                   long maxDurationMs, double targetCiHalfWidth,
                                                   boolean warmupUntilStable) {
        return of(warmupIterations > 0 ? warmupIterations : null, minIterations > 0 ? minIterations : null,
                minDurationMs > 0 ? minDurationMs : null, maxDurationMs > 0 ? maxDurationMs : null,
                Math.max(0, targetCiHalfWidth), warmupUntilStable);
    }

    /** As {@link #withDefaults(int, int, long, long, double, boolean)} without a target. */
    public static MeasurementSettings withDefaults(int warmupIterations, int minIterations, long minDurationMs,
                                                   long maxDurationMs) {
        return withDefaults(warmupIterations, minIterations, minDurationMs, maxDurationMs, 0, false);
    }

    /** As {@link #of(Integer, Integer, Long, Long, Double, Boolean)} without a target. */
    public static MeasurementSettings of(Integer warmupIterations, Integer minIterations, Long minDurationMs,
                                         Long maxDurationMs) {
        return of(warmupIterations, minIterations, minDurationMs, maxDurationMs, 0.0, false);
    }

    /**
     * Settings where every null field takes the default. A missing maximum becomes the default or the
     * minimum duration, whichever is larger, and a missing minimum never exceeds a given maximum, so
     * giving just one of the two durations is never rejected.
     *
     * @throws IllegalArgumentException when the given values are invalid together
     */
    public static MeasurementSettings of(Integer warmupIterations, Integer minIterations, Long minDurationMs,
                                         Long maxDurationMs, Double targetCiHalfWidth, Boolean warmupUntilStable) {
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
        double target = targetCiHalfWidth != null ? targetCiHalfWidth : MeasurementDefaults.TARGET_CI_HALF_WIDTH;
        boolean stable = warmupUntilStable != null ? warmupUntilStable : MeasurementDefaults.WARMUP_UNTIL_STABLE;
        return new MeasurementSettings(warmup, minIter, minDur, maxDur, target, stable);
    }
}
