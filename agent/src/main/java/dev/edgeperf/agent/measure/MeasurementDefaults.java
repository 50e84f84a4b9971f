package dev.edgeperf.agent.measure;

/** Every measurement default in one place (as JMH's {@code Defaults}). */
public final class MeasurementDefaults {
    /** Untimed runs after the first inference. */
    public static final int WARMUP_ITERATIONS = 10;
    /** The timed loop runs at least this many iterations ... */
    public static final int MIN_ITERATIONS = 50;
    /** ... and at least this long, milliseconds ... */
    public static final long MIN_DURATION_MS = 1_000;
    /** ... unless this much time has passed, milliseconds. */
    public static final long MAX_DURATION_MS = 10_000;

    private MeasurementDefaults() {
    }
}
