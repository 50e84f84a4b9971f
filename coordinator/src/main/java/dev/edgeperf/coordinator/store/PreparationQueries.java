package dev.edgeperf.coordinator.store;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

/**
 * SQL for campaigns whose variants are prepared after submit: stored with no jobs and a
 * preparation count, advanced as variants are built, then given their jobs, or failed with a reason.
 */
public final class PreparationQueries {
    /** Longest stored preparation message or failure, characters (the column's width). */
    static final int MAX_TEXT = 2000;

    private final DataSource dataSource;
    private final Clock clock;

    PreparationQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    long create(String id, String name, String specJson, String specSource, int prepTotal, List<String> notes) {
        if (prepTotal < 1) {
            throw new IllegalArgumentException("a campaign prepares at least one variant, got " + prepTotal);
        }
        long now = clock.millis();
        Jdbc.inTransaction(dataSource, "insert campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO campaigns (id, name, spec_json,"
                    + " created_ms, spec_source, prep_total, prep_done, prep_message) VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
                st.setString(1, id);
                st.setString(2, name);
                st.setString(3, specJson);
                st.setLong(4, now);
                st.setString(5, specSource);
                st.setInt(6, prepTotal);
                st.setString(7, clip("waiting to prepare " + prepTotal + " variant(s)"
                        + notes.stream().map(w -> "; " + w).collect(java.util.stream.Collectors.joining())));
                return st.executeUpdate();
            }
        });
        return now;
    }

    /** @return false when the campaign is no longer being prepared (cancelled, failed or unknown) */
    boolean progress(String id, int done, String message) {
        return Jdbc.inTransaction(dataSource, "record the preparation of campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET prep_done = ?,"
                    + " prep_message = ? WHERE id = ? AND cancelled_ms IS NULL AND prep_failure IS NULL")) {
                st.setInt(1, done);
                st.setString(2, clip(message));
                st.setString(3, id);
                return st.executeUpdate() == 1;
            }
        });
    }

    /**
     * Marks the preparation done and queues the jobs, in one transaction.
     *
     * @return false, inserting nothing, when the campaign was cancelled or failed meanwhile
     */
    boolean finish(String id, List<NewJob> jobs) {
        return finish(id, jobs, List.of());
    }

    /** As {@link #finish(String, List)}, the preparation's warnings (one line each) kept in its message. */
    boolean finish(String id, List<NewJob> jobs, List<String> warnings) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "queue the jobs of campaign " + id, connection -> {
            // the row lock taken here orders this against a cancel of the same campaign
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET prep_done = prep_total,"
                    + " prep_message = ? WHERE id = ? AND cancelled_ms IS NULL AND prep_failure IS NULL")) {
                st.setString(1, clip("variants ready; " + jobs.size() + " job(s) queued" + noops(jobs)
                        + warnings.stream().map(w -> "; " + w).collect(java.util.stream.Collectors.joining())));
                st.setString(2, id);
                if (st.executeUpdate() != 1) {
                    return false;
                }
            }
            JobQueries.insertJobs(connection, id, jobs, now);
            return true;
        });
    }

    /** Fails a preparation that has not finished; false when there was none to fail. */
    boolean fail(String id, String reason) {
        return Jdbc.inTransaction(dataSource, "fail the preparation of campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET prep_failure = ?"
                    + " WHERE id = ? AND prep_failure IS NULL AND prep_done < prep_total")) {
                st.setString(1, clip(reason.isBlank() ? "preparation failed without a reason" : reason));
                st.setString(2, id);
                return st.executeUpdate() == 1;
            }
        });
    }

    /** Fails every preparation left unfinished (a previous coordinator process stopped during it). */
    int failUnfinished(String reason) {
        return Jdbc.inTransaction(dataSource, "fail interrupted preparations", connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET prep_failure = ?"
                    + " WHERE prep_failure IS NULL AND prep_done < prep_total AND cancelled_ms IS NULL")) {
                st.setString(1, clip(reason));
                return st.executeUpdate();
            }
        });
    }

    /**
     * "; no-op: MODEL RECIPE (REASON)" per no-op variant among {@code jobs}, each once: what
     * {@code campaign run} prints when the preparation is over (see {@link #NOOP_PREFIX}).
     */
    private static String noops(List<NewJob> jobs) {
        java.util.Set<String> parts = new java.util.LinkedHashSet<>();
        for (NewJob j : jobs) {
            if (j.variantNoopReason() != null) {
                parts.add(NOOP_PREFIX + j.modelName() + " " + j.variantRecipe() + " (" + j.variantNoopReason() + ")");
            }
        }
        return parts.stream().map(p -> "; " + p).collect(java.util.stream.Collectors.joining());
    }

    /** Starts each no-op variant's part of the message a finished preparation leaves. */
    public static final String NOOP_PREFIX = "no-op: ";
    /** Starts each rebatched input's part of the message (a submit note, kept among the warnings). */
    public static final String REBATCHED_PREFIX = "rebatched: ";

    private static String clip(String text) {
        String s = String.valueOf(text);
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }
}
