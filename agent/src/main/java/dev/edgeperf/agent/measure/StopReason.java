package dev.edgeperf.agent.measure;

/** Why the timed loop ended; {@link #wireName()} is what results carry. */
public enum StopReason {
    /** Both the minimum iterations and the minimum duration were reached. */
    MIN_ITERATIONS_AND_MIN_DURATION_MET("min-iterations-and-min-duration-met"),
    /** The maximum duration passed first. */
    MAX_DURATION("max-duration");

    private final String wireName;

    StopReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
