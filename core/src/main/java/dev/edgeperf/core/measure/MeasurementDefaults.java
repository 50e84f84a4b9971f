package dev.edgeperf.core.measure;

/**
 * Every measurement default and bound in one place (as JMH's {@code Defaults}). A setting that is
 * not given (a missing spec key, an unset CLI flag, an absent or empty wire message) takes the
 * default here; a given value is checked against the range here.
 */
public final class MeasurementDefaults {
    /** Untimed runs after the first inference (with warm-up until stable: the minimum). */
    public static final int WARMUP_ITERATIONS = 10;
    /** The timed loop runs at least this many iterations ... */
    public static final int MIN_ITERATIONS = 50;
    /** ... and at least this long, milliseconds ... */
    public static final long MIN_DURATION_MS = 1_000;
    /** ... unless this much time has passed, milliseconds. */
    public static final long MAX_DURATION_MS = 10_000;
    /** Target relative half-width of the median's 95 % confidence interval (0.01 = +-1 %). */
    public static final double TARGET_CI_HALF_WIDTH = 0.01;
    /** Warm-up until stable is off unless asked for. */
    public static final boolean WARMUP_UNTIL_STABLE = false;
    /** Single-stream latency mode. */
    public static final int CONCURRENCY = 1;
    /** Forked worker per job unless asked otherwise. */
    public static final boolean IN_PROCESS = false;

    /** Largest warm-up count accepted. */
    public static final int MAX_WARMUP_ITERATIONS = 1_000_000;
    /** Largest minimum iteration count accepted. */
    public static final int MAX_MIN_ITERATIONS = 1_000_000_000;
    /** Longest duration accepted, milliseconds (one day). */
    public static final long MAX_DURATION_LIMIT_MS = 86_400_000L;
    /**
     * Smallest non-zero target: latencies are recorded at 3 significant digits (0.1 %), so a
     * narrower interval cannot be told apart from a single histogram bucket.
     */
    public static final double MIN_TARGET_CI_HALF_WIDTH = 0.001;
    /** Targets must be below this (a half-width of 100 % of the median says nothing). */
    public static final double MAX_TARGET_CI_HALF_WIDTH = 1.0;
    /** Most concurrent in-flight requests accepted in throughput mode. */
    public static final int MAX_CONCURRENCY = 1024;

    /** Warm-up until stable never runs more than this many times {@code warmupIterations}. */
    public static final int WARMUP_UNTIL_STABLE_FACTOR = 10;
    /** Warm-up is stable when two consecutive windows' medians differ by less than this, relative. */
    public static final double WARMUP_STABLE_TOLERANCE = 0.05;
    /**
     * The stop rule's confidence interval is recomputed when the iteration count has grown by this
     * fraction since the last check (and by at least {@link #CI_CHECK_MIN_STEP}), so checks cost
     * O(log n) histogram scans over a run rather than one per iteration.
     */
    public static final double CI_CHECK_GROWTH = 0.05;
    /** Smallest number of iterations between two confidence-interval checks. */
    public static final int CI_CHECK_MIN_STEP = 32;
    /**
     * The end-to-end phase (after the compute phase) lasts this fraction of the compute phase's
     * duration, and at least {@code minIterations} runs.
     */
    public static final double END_TO_END_SHARE = 0.25;

    private MeasurementDefaults() {
    }
}
