package dev.edgeperf.coordinator.store;

import io.grpc.Status;

/**
 * What {@link Store#commitResult} did; every outcome is acknowledged to the agent (so it drops its
 * spooled copy), with the status code saying whether the result was stored.
 */
public enum CommitOutcome {
    /** The result is now committed and its job done. */
    STORED(Status.Code.OK),
    /** A result for the same (job, attempt) was already committed; nothing was written. */
    DUPLICATE(Status.Code.OK),
    /** No such job (e.g. the database was reset); nothing was written. */
    UNKNOWN_JOB(Status.Code.NOT_FOUND),
    /** The sender never held this (job, attempt); nothing was written. */
    NOT_HELD(Status.Code.PERMISSION_DENIED),
    /** Another attempt's result already completed the job; nothing was written, so the job has one result. */
    ALREADY_DONE(Status.Code.ALREADY_EXISTS),
    /** The job's campaign was cancelled; nothing was written. */
    CANCELLED(Status.Code.CANCELLED);

    private final Status.Code code;

    CommitOutcome(Status.Code code) {
        this.code = code;
    }

    /** The status code sent in the ack: OK when the result is stored (now or before). */
    public Status.Code code() {
        return code;
    }
}
