package dev.edgeperf.coordinator.store;

/** What {@link Store#commitResult} did; every outcome may be acknowledged to the agent. */
public enum CommitOutcome {
    /** The result is now committed. */
    STORED,
    /** A result for the same (job, attempt) was already committed; nothing was written. */
    DUPLICATE,
    /** No such job (e.g. the database was reset); nothing was written. */
    UNKNOWN_JOB
}
