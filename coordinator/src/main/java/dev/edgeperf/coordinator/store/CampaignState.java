package dev.edgeperf.coordinator.store;

import java.util.Locale;

/** Where a campaign is, derived from its jobs, its preparation and whether it was cancelled. */
public enum CampaignState {
    /** Variants are being built, stored and profiled; the campaign has no job yet. */
    PREPARING,
    /** Jobs are queued or leased. */
    RUNNING,
    /** Every job has a result. */
    DONE,
    /** Every job ended and at least one failed, or the preparation failed. */
    FAILED,
    /** Cancelled before every job ended. */
    CANCELLED;

    /**
     * The one rule for a campaign's state.
     *
     * @param preparing  variants still being prepared
     * @param prepFailed preparation failed (no jobs will come)
     * @param open       jobs queued or leased
     * @param failed     failed jobs (cancelled ones not included)
     * @param cancelled  the campaign was cancelled while it had open jobs
     */
    public static CampaignState of(boolean preparing, boolean prepFailed, int open, int failed, boolean cancelled) {
        if (prepFailed) {
            return FAILED;
        }
        if (cancelled) {
            return CANCELLED;
        }
        if (preparing) {
            return PREPARING;
        }
        if (open > 0) {
            return RUNNING;
        }
        return failed > 0 ? FAILED : DONE;
    }

    public boolean ended() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
