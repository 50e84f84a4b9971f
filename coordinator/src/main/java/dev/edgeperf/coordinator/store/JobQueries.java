package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** SQL for queuing, leasing, releasing, failing and cancelling jobs. */
final class JobQueries {
    /** failure_reason of cancelled jobs, shown beside their state. */
    static final String CANCELLED_REASON = "cancelled by the user";

    private static final String PENDING_SELECT = "SELECT j.*, c.created_ms AS campaign_created_ms FROM jobs j"
            + " JOIN campaigns c ON c.id = j.campaign_id";

    private final DataSource dataSource;
    private final Clock clock;

    JobQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    long insertCampaign(String id, String name, String specJson, String specSource, List<NewJob> jobs) {
        long now = clock.millis();
        Jdbc.inTransaction(dataSource, "insert campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO campaigns (id, name, spec_json, created_ms, spec_source) VALUES (?, ?, ?, ?, ?)")) {
                st.setString(1, id);
                st.setString(2, name);
                st.setString(3, specJson);
                st.setLong(4, now);
                st.setString(5, specSource);
                st.executeUpdate();
            }
            insertJobs(connection, id, jobs, now);
            return null;
        });
        return now;
    }

    /** Queues a campaign's jobs in submission order ({@code seq}), attempt 1, inside the caller's transaction. */
    static void insertJobs(Connection connection, String id, List<NewJob> jobs, long now) throws SQLException {
        // V7's no-op columns are written only when a job is a no-op (their defaults say "not one" otherwise),
        // so a store still at an older schema, as the V5 migration check builds one, takes ordinary jobs.
        boolean noops = jobs.stream().anyMatch(j -> j.variantNoopReason() != null);
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO jobs (id, campaign_id, seq,"
                + " target_agent_id, selector, model_name, model_digest, model_size_bytes, variant_recipe,"
                + " batch_size, threads, warmup_iterations, min_iterations, min_duration_ms, max_duration_ms,"
                + " target_ci_half_width, warmup_until_stable, concurrency, in_process, flops, peak_gflops,"
                + " predicted_ms, state, attempt, queued_ms, input_shapes"
                + (noops ? ", variant_noop, variant_noop_reason" : "")
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 'queued', 1, ?, ?"
                + (noops ? ", ?, ?" : "") + ")")) {
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
                st.setLong(i++, now);
                st.setString(i++, InputShapesColumn.write(job.inputShapes()));
                if (noops) {
                    String why = job.variantNoopReason() == null ? "" : job.variantNoopReason();
                    st.setBoolean(i++, job.variantNoopReason() != null);
                    st.setString(i, why.length() <= 500 ? why : why.substring(0, 500));
                }
                st.addBatch();
            }
            st.executeBatch();
        }
        insertCalibration(connection, jobs);
        insertEvaluation(connection, jobs);
        insertValues(connection, jobs);
        insertProviders(connection, jobs);
    }

    /** The execution providers of jobs that request some (V11 column, comma-separated, as requested). */
    private static void insertProviders(Connection connection, List<NewJob> jobs) throws SQLException {
        List<NewJob> chosen = jobs.stream().filter(j -> !j.measurement().providers().isEmpty()).toList();
        if (chosen.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET providers = ? WHERE id = ?")) {
            for (NewJob job : chosen) {
                st.setString(1, String.join(",", job.measurement().providers()));
                st.setString(2, job.id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** A job's requested execution providers; none in a store still at a schema before V11. */
    static List<String> providers(ResultSet rs) throws SQLException {
        try {
            rs.findColumn("providers");
        } catch (SQLException e) {
            return List.of();
        }
        String text = rs.getString("providers");
        return text == null || text.isBlank() ? List.of() : List.of(text.split(","));
    }

    /** The accuracy of evaluated jobs (V10 columns), written apart as the calibration is. */
    private static void insertEvaluation(Connection connection, List<NewJob> jobs) throws SQLException {
        List<NewJob> evaluated = jobs.stream().filter(j -> j.evaluation() != null).toList();
        if (evaluated.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET evaluation = ?, eval_samples = ?,"
                + " accuracy_top1 = ?, accuracy_top5 = ?, eval_cosine = ?, eval_sqnr_db = ?, eval_top1_agreement = ?"
                + " WHERE id = ?")) {
            for (NewJob job : evaluated) {
                VariantEvaluation e = job.evaluation();
                st.setString(1, e.source().length() <= 500 ? e.source() : e.source().substring(0, 500));
                st.setInt(2, e.samples());
                st.setDouble(3, e.top1());
                setDouble(st, 4, e.top5());
                setDouble(st, 5, e.cosine());
                setDouble(st, 6, e.sqnrDb() == null || !Double.isFinite(e.sqnrDb()) ? null : e.sqnrDb());
                setDouble(st, 7, e.agreement());
                st.setString(8, job.id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** The input values of jobs given some (V12 column), written apart as {@link #insertCalibration} is. */
    private static void insertValues(Connection connection, List<NewJob> jobs) throws SQLException {
        List<NewJob> valued = jobs.stream().filter(j -> !j.inputValues().isEmpty()).toList();
        if (valued.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET input_values = ? WHERE id = ?")) {
            for (NewJob job : valued) {
                st.setString(1, InputShapesColumn.write(job.inputValues()));
                st.setString(2, job.id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /**
     * The calibration and fidelity of calibrated jobs (V8 columns), written apart so that uncalibrated jobs
     * are stored with the columns every schema version has.
     */
    private static void insertCalibration(Connection connection, List<NewJob> jobs) throws SQLException {
        List<NewJob> calibrated = jobs.stream().filter(j -> !j.calibration().isEmpty() || j.cosine() != null).toList();
        if (calibrated.isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET calibration = ?, fidelity_cosine = ?,"
                + " fidelity_sqnr_db = ?, fidelity_top1 = ? WHERE id = ?")) {
            for (NewJob job : calibrated) {
                st.setString(1, job.calibration().length() <= 500 ? job.calibration() : job.calibration().substring(0, 500));
                setDouble(st, 2, job.cosine());
                setDouble(st, 3, job.sqnrDb());
                setDouble(st, 4, job.top1());
                st.setString(5, job.id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** Every queued job, oldest campaign first, then in submission order. */
    List<LeasedJob> queued() {
        return pending(" WHERE j.state = 'queued' ORDER BY c.created_ms, j.campaign_id, j.seq", null);
    }

    Optional<LeasedJob> queuedJob(String jobId) {
        return pending(" WHERE j.state = 'queued' AND j.id = ?", jobId).stream().findFirst();
    }

    private List<LeasedJob> pending(String where, String param) {
        return Jdbc.inTransaction(dataSource, "read queued jobs", connection -> {
            List<LeasedJob> jobs = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(PENDING_SELECT + where)) {
                if (param != null) {
                    st.setString(1, param);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(new LeasedJob(rs.getString("id"), rs.getInt("attempt"), rs.getString("campaign_id"),
                                rs.getLong("campaign_created_ms"), rs.getInt("seq"), rs.getString("target_agent_id"),
                                rs.getString("selector"), rs.getString("model_name"), rs.getString("model_digest"),
                                rs.getLong("model_size_bytes"), rs.getString("variant_recipe"),
                                rs.getInt("batch_size"), rs.getInt("threads"),
                                settings(rs),
                                rs.getLong("flops"), rs.getLong("queued_ms"),
                                InputShapesColumn.read(rs.getString("input_shapes")), inputValues(rs)));
                    }
                }
            }
            return jobs;
        });
    }

    /**
     * The settings stored with a job. Jobs stored before settings were validated in one place
     * (max_duration_ms 0) stored 0 for "the agent's default"; they get today's defaults.
     */
    /** A job's input values; none in a store still at a schema before V12. */
    static java.util.Map<String, long[]> inputValues(ResultSet rs) throws SQLException {
        try {
            rs.findColumn("input_values");
        } catch (SQLException e) {
            return java.util.Map.of();
        }
        return InputShapesColumn.read(rs.getString("input_values"));
    }

    private static MeasurementSettings settings(ResultSet rs) throws SQLException {
        if (rs.getLong("max_duration_ms") == 0) {
            return MeasurementSettings.builder()
                    .warmupIterations(positive(rs.getInt("warmup_iterations")))
                    .minIterations(positive(rs.getInt("min_iterations")))
                    .minDurationMs(rs.getLong("min_duration_ms") > 0 ? rs.getLong("min_duration_ms") : null)
                    .targetCiHalfWidth(rs.getDouble("target_ci_half_width") > 0 ? rs.getDouble("target_ci_half_width") : null)
                    .warmupUntilStable(rs.getBoolean("warmup_until_stable")).concurrency(rs.getInt("concurrency"))
                    .inProcess(rs.getBoolean("in_process")).providers(providers(rs)).build();
        }
        return new MeasurementSettings(rs.getInt("warmup_iterations"), rs.getInt("min_iterations"),
                rs.getLong("min_duration_ms"), rs.getLong("max_duration_ms"), rs.getDouble("target_ci_half_width"),
                rs.getBoolean("warmup_until_stable"), rs.getInt("concurrency"), rs.getBoolean("in_process"),
                providers(rs));
    }

    private static void setDouble(PreparedStatement st, int index, Double value) throws SQLException {
        if (value == null) {
            st.setNull(index, java.sql.Types.DOUBLE);
        } else {
            st.setDouble(index, value);
        }
    }

    private static Integer positive(int value) {
        return value > 0 ? value : null;
    }

    /**
     * Leases one queued (job, attempt) to an agent and records the lease with the prediction made
     * from that agent's peak; false when the job is no longer queued at that attempt (cancelled).
     */
    boolean lease(LeasedJob job, String agentId, LeasePrediction all) {
        Prediction prediction = all.injected();
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "lease job " + job.jobId() + " to agent " + agentId, connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'leased', leased_to = ?,"
                    + " leased_ms = ?, peak_gflops = ?, predicted_ms = ?, peak_basis = ?"
                    + " WHERE id = ? AND attempt = ? AND state = 'queued'")) {
                st.setString(1, agentId);
                st.setLong(2, now);
                st.setDouble(3, prediction.peakGflops());
                st.setDouble(4, prediction.predictedMs());
                st.setString(5, prediction.basis());
                st.setString(6, job.jobId());
                st.setInt(7, job.attempt());
                if (st.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO job_attempts (job_id, attempt,"
                    + " agent_id, queued_ms, leased_ms, peak_gflops, peak_basis, predicted_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setString(1, job.jobId());
                st.setInt(2, job.attempt());
                st.setString(3, agentId);
                st.setLong(4, job.queuedMs());
                st.setLong(5, now);
                st.setDouble(6, prediction.peakGflops());
                st.setString(7, prediction.basis());
                st.setDouble(8, prediction.predictedMs());
                st.executeUpdate();
            }
            storePredictions(connection, job, all);
            return true;
        });
    }

    private static void storePredictions(Connection connection, LeasedJob job, LeasePrediction all)
            throws SQLException {
        if (all.figures().isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET recommended_predictor = ?,"
                + " prediction_stale = ?, prediction_stale_reason = ? WHERE id = ?")) {
            st.setString(1, all.recommended());
            st.setBoolean(2, all.stale());
            st.setString(3, cut(all.staleReason(), 500));
            st.setString(4, job.jobId());
            st.executeUpdate();
        }
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO job_predictions (job_id, attempt,"
                + " predictor, predicted_ms, basis) VALUES (?, ?, ?, ?, ?)")) {
            for (LeasePrediction.Figure f : all.figures()) {
                st.setString(1, job.jobId());
                st.setInt(2, job.attempt());
                st.setString(3, cut(f.predictor(), 64));
                st.setDouble(4, f.millis());
                st.setString(5, cut(f.basis(), 500));
                st.addBatch();
            }
            st.executeBatch();
        }
        storeNodes(connection, job, all);
        if (all.flopsByOpType().isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO job_op_flops (job_id, attempt, op_type,"
                + " flops) VALUES (?, ?, ?, ?)")) {
            for (var e : new java.util.TreeMap<>(all.flopsByOpType()).entrySet()) {
                st.setString(1, job.jobId());
                st.setInt(2, job.attempt());
                st.setString(3, cut(e.getKey(), 128));
                st.setLong(4, e.getValue());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** The per-node MACs and predicted times of the lease, and the job's total MACs (V15). */
    private static void storeNodes(Connection connection, LeasedJob job, LeasePrediction all) throws SQLException {
        if (all.nodes().isEmpty()) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET macs = ? WHERE id = ?")) {
            st.setLong(1, all.totalMacs());
            st.setString(2, job.jobId());
            st.executeUpdate();
        }
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO job_node_predictions (job_id, attempt,"
                + " node, op_type, macs, predicted_ms, predictor) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (LeasePrediction.NodeEstimate n : all.nodes()) {
                if (!seen.add(cut(n.node(), 500))) {
                    continue; // two names that differ only past the column's width: the first one is kept
                }
                st.setString(1, job.jobId());
                st.setInt(2, job.attempt());
                st.setString(3, cut(n.node(), 500));
                st.setString(4, cut(n.opType(), 128));
                st.setObject(5, n.macs(), java.sql.Types.BIGINT);
                st.setObject(6, n.predictedMs(), java.sql.Types.DOUBLE);
                st.setString(7, cut(n.predictor(), 64));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Fails the (job, attempt) the agent holds; false when it does not hold it (any more). */
    boolean fail(String jobId, int attempt, String agentId, String reason) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "fail job " + jobId, connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'failed',"
                    + " failure_reason = ?, finished_ms = ? WHERE id = ? AND attempt = ? AND state = 'leased'"
                    + " AND leased_to = ?")) {
                st.setString(1, truncate(reason));
                st.setLong(2, now);
                st.setString(3, jobId);
                st.setInt(4, attempt);
                st.setString(5, agentId);
                if (st.executeUpdate() != 1) {
                    return false;
                }
            }
            endAttempt(connection, jobId, attempt, "failed", reason, now);
            return true;
        });
    }

    List<String> releaseLeases(String agentId, int maxAttempts, String reason) {
        return release("leased_to = ?", agentId, maxAttempts, reason);
    }

    void releaseAllLeases(int maxAttempts) {
        release("1 = 1", null, maxAttempts, "the coordinator restarted while the job ran");
    }

    private List<String> release(String where, String agentId, int maxAttempts, String reason) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "release leased jobs", connection -> {
            List<String> requeued = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            List<int[]> attempts = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, attempt FROM jobs WHERE state = 'leased' AND " + where)) {
                if (agentId != null) {
                    st.setString(1, agentId);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        (rs.getInt(2) < maxAttempts ? requeued : failed).add(rs.getString(1));
                        ids.add(rs.getString(1));
                        attempts.add(new int[] {rs.getInt(2)});
                    }
                }
            }
            for (int k = 0; k < ids.size(); k++) {
                endAttempt(connection, ids.get(k), attempts.get(k)[0], "released", reason, now);
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'queued',"
                    + " attempt = attempt + 1, leased_to = NULL, leased_ms = NULL, queued_ms = ? WHERE id = ?")) {
                for (String id : requeued) {
                    st.setLong(1, now);
                    st.setString(2, id);
                    st.executeUpdate();
                }
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'failed',"
                    + " failure_reason = ?, finished_ms = ? WHERE id = ?")) {
                for (String id : failed) {
                    st.setString(1, truncate(reason + " (after " + maxAttempts + " attempts)"));
                    st.setLong(2, now);
                    st.setString(3, id);
                    st.executeUpdate();
                }
            }
            return requeued;
        });
    }

    /**
     * Cancels every open job of a campaign and marks the campaign cancelled (also while it is still
     * preparing its variants); an ended campaign is left as it is.
     *
     * @return ids of the jobs cancelled; empty when the campaign has no open job
     */
    List<String> cancel(String campaignId) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "cancel campaign " + campaignId, connection -> {
            // a campaign still preparing its variants is cancelled too: its preparation then queues nothing
            try (PreparedStatement st = connection.prepareStatement("UPDATE campaigns SET cancelled_ms = ?"
                    + " WHERE id = ? AND cancelled_ms IS NULL AND ((prep_done < prep_total AND prep_failure IS NULL)"
                    + " OR EXISTS (SELECT 1 FROM jobs WHERE campaign_id = ? AND state IN ('queued', 'leased')))")) {
                st.setLong(1, now);
                st.setString(2, campaignId);
                st.setString(3, campaignId);
                st.executeUpdate();
            }
            List<String> open = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id FROM jobs WHERE campaign_id = ? AND state IN ('queued', 'leased')")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        open.add(rs.getString(1));
                    }
                }
            }
            if (open.isEmpty()) {
                return open;
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'cancelled',"
                    + " failure_reason = ?, finished_ms = ? WHERE campaign_id = ? AND state IN ('queued', 'leased')")) {
                st.setString(1, CANCELLED_REASON);
                st.setLong(2, now);
                st.setString(3, campaignId);
                st.executeUpdate();
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE job_attempts SET ended_ms = ?,"
                    + " outcome = 'released', reason = ? WHERE ended_ms IS NULL AND job_id IN"
                    + " (SELECT id FROM jobs WHERE campaign_id = ?)")) {
                st.setLong(1, now);
                st.setString(2, CANCELLED_REASON);
                st.setString(3, campaignId);
                st.executeUpdate();
            }
            return open;
        });
    }

    static void endAttempt(Connection connection, String jobId, int attempt, String outcome, String reason, long now)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("UPDATE job_attempts SET ended_ms = ?, outcome = ?,"
                + " reason = ? WHERE job_id = ? AND attempt = ? AND ended_ms IS NULL")) {
            st.setLong(1, now);
            st.setString(2, outcome);
            st.setString(3, reason == null ? null : truncate(reason));
            st.setString(4, jobId);
            st.setInt(5, attempt);
            st.executeUpdate();
        }
    }

    static String truncate(String reason) {
        String oneLine = reason == null ? "" : reason.replace('\n', ' ');
        return oneLine.length() <= 2000 ? oneLine : oneLine.substring(0, 1997) + "...";
    }
}
