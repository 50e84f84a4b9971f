package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

    long create(String id, String name, String specJson, String specSource, int prepTotal) {
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
                st.setString(7, "waiting to prepare " + prepTotal + " variant(s)");
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
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "queue the jobs of campaign " + id, connection -> {
            // the row lock taken here orders this against a cancel of the same campaign
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET prep_done = prep_total,"
                    + " prep_message = ? WHERE id = ? AND cancelled_ms IS NULL AND prep_failure IS NULL")) {
                st.setString(1, "variants ready; " + jobs.size() + " job(s) queued");
                st.setString(2, id);
                if (st.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO jobs (id, campaign_id, seq,"
                    + " target_agent_id, selector, model_name, model_digest, model_size_bytes, variant_recipe,"
                    + " batch_size, threads, warmup_iterations, min_iterations, min_duration_ms, max_duration_ms,"
                    + " target_ci_half_width, warmup_until_stable, concurrency, in_process, flops, peak_gflops,"
                    + " predicted_ms, state, attempt, queued_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?, 0, 0, 'queued', 1, ?)")) {
                int seq = 0;
                for (NewJob job : jobs) {
                    MeasurementSettings m = job.measurement();
                    int i = 1;
                    st.setString(i++, job.id());
                    st.setString(i++, id);
                    st.setInt(i++, seq++);
                    st.setString(i++, job.targetAgentId());
                    st.setString(i++, job.selector());
                    st.setString(i++, job.modelName());
                    st.setString(i++, job.modelDigest());
                    st.setLong(i++, job.modelSizeBytes());
                    st.setString(i++, job.variantRecipe());
                    st.setInt(i++, job.batchSize());
                    st.setInt(i++, job.threads());
                    st.setInt(i++, m.warmupIterations());
                    st.setInt(i++, m.minIterations());
                    st.setLong(i++, m.minDurationMs());
                    st.setLong(i++, m.maxDurationMs());
                    st.setDouble(i++, m.targetCiHalfWidth());
                    st.setBoolean(i++, m.warmupUntilStable());
                    st.setInt(i++, m.concurrency());
                    st.setBoolean(i++, m.inProcess());
                    st.setLong(i++, job.flops());
                    st.setLong(i, now);
                    st.addBatch();
                }
                st.executeBatch();
            }
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

    Optional<Preparation> read(String id) {
        return Jdbc.inTransaction(dataSource, "read the preparation of campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT prep_total, prep_done, prep_message, prep_failure FROM campaigns WHERE id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Preparation>empty();
                    }
                    String failure = rs.getString(4);
                    return Optional.of(new Preparation(rs.getInt(1), rs.getInt(2), rs.getString(3),
                            failure == null ? "" : failure));
                }
            }
        });
    }

    private static String clip(String text) {
        String s = String.valueOf(text);
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }
}
