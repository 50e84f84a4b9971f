package dev.edgeperf.agent.measure;

/** Why the timed loop ended; {@link #wireName()} is what results carry. */
public enum StopReason {
    /** Minimum iterations and duration were reached, and so was the confidence target. */
    TARGET_CI_REACHED("target-ci-reached"),
    /** Both the minimum iterations and the minimum duration were reached (no confidence target). */
    MIN_ITERATIONS_AND_MIN_DURATION_MET("min-iterations-and-min-duration-met"),
    /** The maximum duration passed before the minimums (no confidence target). */
    MAX_DURATION("max-duration"),
    /** The maximum duration passed before the confidence target was reached. */
    MAX_DURATION_BEFORE_TARGET_CI("max-duration-before-target-ci");

    private final String wireName;

    StopReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The reason named by {@code wireName}. */
    public static StopReason fromWireName(String wireName) {
        for (StopReason r : values()) {
            if (r.wireName.equals(wireName)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown stop reason '" + wireName + "'");
    }
}
