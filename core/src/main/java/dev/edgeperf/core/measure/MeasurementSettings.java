package dev.edgeperf.core.measure;

import static dev.edgeperf.core.measure.MeasurementDefaults.MAX_CONCURRENCY;
import static dev.edgeperf.core.measure.MeasurementDefaults.MAX_DURATION_LIMIT_MS;
import static dev.edgeperf.core.measure.MeasurementDefaults.MAX_MIN_ITERATIONS;
import static dev.edgeperf.core.measure.MeasurementDefaults.MAX_TARGET_CI_HALF_WIDTH;
import static dev.edgeperf.core.measure.MeasurementDefaults.MAX_WARMUP_ITERATIONS;
import static dev.edgeperf.core.measure.MeasurementDefaults.MIN_TARGET_CI_HALF_WIDTH;

import dev.edgeperf.core.EdgeperfException;

/**
 * How long and how hard to measure one configuration, validated once for every place that reads
 * settings (agent CLI, coordinator CLI, campaign spec, wire). The timed loop stops once
 * {@code minIterations} AND {@code minDurationMs} are both reached AND (when
 * {@code targetCiHalfWidth > 0}) the 95 % confidence interval of the median is at most
 * {@code targetCiHalfWidth} x median wide on each side; or when {@code maxDurationMs} has passed.
 *
 * <p>A given value means what it says, 0 included; the meaning of 0 for each field is below. A
 * value that is not given takes {@link MeasurementDefaults} (see {@link Builder}). Names in error
 * messages are the spec and wire names ({@code min_duration_ms}).
 *
 * @param warmupIterations  untimed runs after the first inference, in [0, 1000000]; 0 = no
 *                          warm-up. With {@code warmupUntilStable}: the minimum, and
 *                          x{@value MeasurementDefaults#WARMUP_UNTIL_STABLE_FACTOR} the bound
 * @param minIterations     timed runs at least, in [0, 1000000000]; 0 = no minimum count (one run
 *                          is always timed)
 * @param minDurationMs     timed milliseconds at least, in [0, 86400000]; 0 = no minimum duration
 * @param maxDurationMs     timed milliseconds at most, in [1, 86400000] and >= {@code minDurationMs};
 *                          0 is rejected (a run needs a time limit)
 * @param targetCiHalfWidth relative half-width of the median's 95 % CI to reach, 0 = off (no
 *                          target), else in [0.001, 1), e.g. 0.01 for 1 %
 * @param warmupUntilStable warm up until the median of consecutive windows stops moving
 * @param concurrency       in-flight requests, in [0, 1024]; 0 and 1 = single-stream latency mode
 *                          (0 is stored as 1), more = throughput mode
 * @param inProcess         measure in the agent's own JVM instead of a forked worker (debugging)
 * @param providers         ONNX Runtime execution providers to open the session with, in order, in
 *                          {@link ExecutionProviders} names; empty = the CPU provider alone
 * @throws EdgeperfException USER_ERROR naming the field, the value and the range
 */
public record MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs,
                                  double targetCiHalfWidth, boolean warmupUntilStable, int concurrency,
                                  boolean inProcess, java.util.List<String> providers) {
    public MeasurementSettings {
        providers = ExecutionProviders.canonical(java.util.Objects.requireNonNull(providers, "providers is null"));
        check("warmup_iterations", warmupIterations, 0, MAX_WARMUP_ITERATIONS, "0 = no warm-up");
        check("min_iterations", minIterations, 0, MAX_MIN_ITERATIONS, "0 = no minimum count");
        check("min_duration_ms", minDurationMs, 0, MAX_DURATION_LIMIT_MS, "0 = no minimum duration");
        check("max_duration_ms", maxDurationMs, 1, MAX_DURATION_LIMIT_MS, "a run needs a time limit");
        if (maxDurationMs < minDurationMs) {
            throw EdgeperfException.userError("measurement setting max_duration_ms=" + maxDurationMs
                    + " is below min_duration_ms=" + minDurationMs + "; expected max_duration_ms >= min_duration_ms");
        }
        if (!(targetCiHalfWidth == 0
                || (targetCiHalfWidth >= MIN_TARGET_CI_HALF_WIDTH && targetCiHalfWidth < MAX_TARGET_CI_HALF_WIDTH))) {
            throw EdgeperfException.userError("measurement setting target_ci_half_width=" + targetCiHalfWidth
                    + " is out of range; expected 0 (off) or [" + MIN_TARGET_CI_HALF_WIDTH + ", "
                    + MAX_TARGET_CI_HALF_WIDTH + "), e.g. 0.01 for 1%");
        }
        check("concurrency", concurrency, 0, MAX_CONCURRENCY, "0 or 1 = single-stream latency mode");
        concurrency = Math.max(1, concurrency);
    }

    /** Settings on the CPU provider alone. */
    public MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs,
                               double targetCiHalfWidth, boolean warmupUntilStable, int concurrency,
                               boolean inProcess) {
        this(warmupIterations, minIterations, minDurationMs, maxDurationMs, targetCiHalfWidth, warmupUntilStable,
                concurrency, inProcess, java.util.List.of());
    }

    /** Single-stream settings without a confidence target, warm-up until stable or in-process. */
    public MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs) {
        this(warmupIterations, minIterations, minDurationMs, maxDurationMs, 0, false);
    }

    /** Single-stream settings in a forked worker. */
    public MeasurementSettings(int warmupIterations, int minIterations, long minDurationMs, long maxDurationMs,
                               double targetCiHalfWidth, boolean warmupUntilStable) {
        this(warmupIterations, minIterations, minDurationMs, maxDurationMs, targetCiHalfWidth, warmupUntilStable,
                MeasurementDefaults.CONCURRENCY, MeasurementDefaults.IN_PROCESS);
    }

    /** Every field from {@link MeasurementDefaults}. */
    public static MeasurementSettings defaults() {
        return builder().build();
    }

    /** A builder where every field not set takes its default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings a wire message carries. Every field is read as given (0 means what the field's
     * documentation says) except that an absent or empty message (every field 0/false) is "not
     * given" and yields {@link #defaults()}: proto3 cannot tell the two apart, and an all-zero
     * message would be invalid anyway (max_duration_ms 0).
     *
     * @param message the message, or null when the carrier has none
     * @throws EdgeperfException USER_ERROR when a field is out of range
     */
    public static MeasurementSettings fromProto(dev.edgeperf.proto.MeasurementSettings message) {
        if (message == null || message.equals(dev.edgeperf.proto.MeasurementSettings.getDefaultInstance())) {
            return defaults();
        }
        return new MeasurementSettings(message.getWarmupIterations(), message.getMinIterations(),
                message.getMinDurationMs(), message.getMaxDurationMs(), message.getTargetCiHalfWidth(),
                message.getWarmupUntilStable(), message.getConcurrency(), message.getInProcess(),
                message.getProvidersList());
    }

    /** The wire message with every field set, so the receiver needs no defaults of its own. */
    public dev.edgeperf.proto.MeasurementSettings toProto() {
        return dev.edgeperf.proto.MeasurementSettings.newBuilder()
                .setWarmupIterations(warmupIterations)
                .setMinIterations(minIterations)
                .setMinDurationMs(minDurationMs)
                .setMaxDurationMs(maxDurationMs)
                .setTargetCiHalfWidth(targetCiHalfWidth)
                .setWarmupUntilStable(warmupUntilStable)
                .setConcurrency(concurrency)
                .setInProcess(inProcess)
                .addAllProviders(providers)
                .build();
    }

    /** True when the run must also reach a confidence target. */
    public boolean hasCiTarget() {
        return targetCiHalfWidth > 0;
    }

    /** True when more than one request is in flight at once. */
    public boolean throughputMode() {
        return concurrency > 1;
    }

    /** Upper bound of warm-up runs when warming up until stable. */
    public int maxWarmupIterations() {
        return Math.max(warmupIterations, 1) * MeasurementDefaults.WARMUP_UNTIL_STABLE_FACTOR;
    }

    /** The same settings with {@code c} concurrent requests (validated as the field). */
    public MeasurementSettings withConcurrency(int c) {
        return new MeasurementSettings(warmupIterations, minIterations, minDurationMs, maxDurationMs,
                targetCiHalfWidth, warmupUntilStable, c, inProcess, providers);
    }

    /** The same settings measured in the agent's JVM ({@code true}) or a forked worker. */
    public MeasurementSettings withInProcess(boolean value) {
        return new MeasurementSettings(warmupIterations, minIterations, minDurationMs, maxDurationMs,
                targetCiHalfWidth, warmupUntilStable, concurrency, value, providers);
    }

    /** The same settings on {@code list} execution providers (validated as the field). */
    public MeasurementSettings withProviders(java.util.List<String> list) {
        return new MeasurementSettings(warmupIterations, minIterations, minDurationMs, maxDurationMs,
                targetCiHalfWidth, warmupUntilStable, concurrency, inProcess, list);
    }

    private static void check(String field, long value, long min, long max, String zero) {
        if (value < min || value > max) {
            throw EdgeperfException.userError("measurement setting " + field + "=" + value + " is out of range; expected ["
                    + min + ", " + max + "] (" + zero + ")");
        }
    }

    /**
     * Settings from the values a person gave; every field not set takes its default. A missing
     * maximum duration becomes the default or the minimum duration, whichever is larger, and a
     * missing minimum duration never exceeds a given maximum, so giving just one of the two is never
     * rejected. Setters taking a boxed value accept null as "not given", so optional CLI flags and
     * spec keys pass straight through.
     */
    public static final class Builder {
        private Integer warmupIterations;
        private Integer minIterations;
        private Long minDurationMs;
        private Long maxDurationMs;
        private Double targetCiHalfWidth;
        private Boolean warmupUntilStable;
        private Integer concurrency;
        private Boolean inProcess;
        private java.util.List<String> providers;

        private Builder() {
        }

        public Builder warmupIterations(Integer v) {
            warmupIterations = v;
            return this;
        }

        public Builder minIterations(Integer v) {
            minIterations = v;
            return this;
        }

        public Builder minDurationMs(Long v) {
            minDurationMs = v;
            return this;
        }

        public Builder maxDurationMs(Long v) {
            maxDurationMs = v;
            return this;
        }

        public Builder targetCiHalfWidth(Double v) {
            targetCiHalfWidth = v;
            return this;
        }

        public Builder warmupUntilStable(Boolean v) {
            warmupUntilStable = v;
            return this;
        }

        public Builder concurrency(Integer v) {
            concurrency = v;
            return this;
        }

        public Builder inProcess(Boolean v) {
            inProcess = v;
            return this;
        }

        /** Execution providers in order; null = not given (the CPU provider alone). */
        public Builder providers(java.util.List<String> v) {
            providers = v;
            return this;
        }

        /**
         * @throws EdgeperfException USER_ERROR naming the first field out of range
         */
        public MeasurementSettings build() {
            long minDur;
            long maxDur;
            if (maxDurationMs == null) {
                minDur = minDurationMs != null ? minDurationMs : MeasurementDefaults.MIN_DURATION_MS;
                maxDur = Math.max(MeasurementDefaults.MAX_DURATION_MS, Math.min(minDur, MAX_DURATION_LIMIT_MS));
            } else {
                maxDur = maxDurationMs;
                minDur = minDurationMs != null ? minDurationMs
                        : Math.max(0, Math.min(MeasurementDefaults.MIN_DURATION_MS, maxDur));
            }
            return new MeasurementSettings(
                    warmupIterations != null ? warmupIterations : MeasurementDefaults.WARMUP_ITERATIONS,
                    minIterations != null ? minIterations : MeasurementDefaults.MIN_ITERATIONS,
                    minDur, maxDur,
                    targetCiHalfWidth != null ? targetCiHalfWidth : MeasurementDefaults.TARGET_CI_HALF_WIDTH,
                    warmupUntilStable != null ? warmupUntilStable : MeasurementDefaults.WARMUP_UNTIL_STABLE,
                    concurrency != null ? concurrency : MeasurementDefaults.CONCURRENCY,
                    inProcess != null ? inProcess : MeasurementDefaults.IN_PROCESS,
                    providers != null ? providers : java.util.List.of());
        }
    }
}
