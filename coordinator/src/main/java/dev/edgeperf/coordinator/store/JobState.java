package dev.edgeperf.coordinator.store;

import java.util.Locale;

/** Where a job is; stored as the lower-case name in {@code jobs.state}. */
public enum JobState {
    QUEUED, LEASED, DONE, FAILED, CANCELLED;

    /** The value in the {@code jobs.state} column, e.g. {@code "queued"}. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True once the job can change no more. */
    public boolean ended() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    static JobState fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return sql();
    }
}
