package dev.edgeperf.coordinator.store;

import io.grpc.Status;

/**
 * What {@link Store#commitResult} did; every outcome is acknowledged to the agent, which drops its
 * spooled copy unless the outcome is {@link #STORE_FAILING} (see {@link #retryable()}).
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
    CANCELLED(Status.Code.CANCELLED),
    /**
     * The store could not write (a full disk, a closed database); nothing is wrong with the result,
     * so the agent keeps it spooled and sends it again later. Never returned by the store itself:
     * the scheduler answers with it when the commit throws.
     */
    STORE_FAILING(Status.Code.UNAVAILABLE);

    private final Status.Code code;

    CommitOutcome(Status.Code code) {
        this.code = code;
    }

    /** True when the same result may be stored later: the agent must keep it. */
    public boolean retryable() {
        return this == STORE_FAILING;
    }

    /** The one line the ack and the log carry about this outcome. */
    public String describe(String jobId, int attempt, String agentName) {
        return switch (this) {
            case STORED -> "stored";
            case DUPLICATE -> "already stored";
            case UNKNOWN_JOB -> "job " + jobId + " is unknown to this coordinator; result not stored";
            case NOT_HELD -> "agent '" + agentName + "' does not hold job " + jobId + " attempt " + attempt
                    + "; result not stored";
            case ALREADY_DONE -> "job " + jobId + " already has a result from another attempt; attempt " + attempt
                    + " not stored";
            case CANCELLED -> "job " + jobId + " belongs to a cancelled campaign; result not stored";
            case STORE_FAILING -> "the store cannot write now; keep the result and send it again";
        };
    }

    /** The status code sent in the ack: OK when the result is stored (now or before). */
    public Status.Code code() {
        return code;
    }
}
