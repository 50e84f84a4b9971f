package dev.edgeperf.coordinator.store;

import dev.edgeperf.coordinator.http.DashboardData.CampaignView;
import dev.edgeperf.coordinator.http.DashboardData.ResultView;
import dev.edgeperf.proto.DeviceState;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** SQL for campaigns, jobs and results. */
final class JobQueries {
    private static final String OUTCOME_SELECT = "SELECT j.id, j.campaign_id, a.name AS agent_name, j.model_name,"
            + " j.variant_recipe, j.batch_size, j.threads, j.flops, j.peak_gflops, j.predicted_ms, j.state,"
            + " j.failure_reason, j.finished_ms, r.p50_ms, r.p90_ms, r.p99_ms, r.mean_ms, r.throughput_samples_per_s"
            + " FROM jobs j JOIN agents a ON a.id = j.target_agent_id JOIN campaigns c ON c.id = j.campaign_id"
            + " LEFT JOIN results r ON r.job_id = j.id"
            + " AND r.attempt = (SELECT MAX(r2.attempt) FROM results r2 WHERE r2.job_id = j.id)";
    private static final String OUTCOME_ORDER = " ORDER BY a.name, j.model_name, j.batch_size, j.variant_recipe,"
            + " j.threads, j.seq";

    private final DataSource dataSource;
    private final Clock clock;

    JobQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    void insertCampaign(String id, String name, String specJson, List<NewJob> jobs) {
        long now = clock.millis();
        Jdbc.inTransaction(dataSource, "insert campaign " + id, connection -> {
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO campaigns (id, name, spec_json, created_ms) VALUES (?, ?, ?, ?)")) {
                st.setString(1, id);
                st.setString(2, name);
                st.setString(3, specJson);
                st.setLong(4, now);
                st.executeUpdate();
            }
            try (PreparedStatement st = connection.prepareStatement("INSERT INTO jobs (id, campaign_id, seq,"
                    + " target_agent_id, model_name, model_digest, model_size_bytes, variant_recipe, batch_size,"
                    + " threads, warmup_iterations, min_iterations, min_duration_ms, max_duration_ms, flops,"
                    + " peak_gflops, predicted_ms, state, attempt, queued_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 1, ?)")) {
                int seq = 0;
                for (NewJob job : jobs) {
                    int i = 1;
                    st.setString(i++, job.id());
                    st.setString(i++, id);
                    st.setInt(i++, seq++);
                    st.setString(i++, job.targetAgentId());
                    st.setString(i++, job.modelName());
                    st.setString(i++, job.modelDigest());
                    st.setLong(i++, job.modelSizeBytes());
                    st.setString(i++, job.variantRecipe());
                    st.setInt(i++, job.batchSize());
                    st.setInt(i++, job.threads());
                    st.setInt(i++, job.measurement().warmupIterations());
                    st.setInt(i++, job.measurement().minIterations());
                    st.setLong(i++, job.measurement().minDurationMs());
                    st.setLong(i++, job.measurement().maxDurationMs());
                    st.setLong(i++, job.flops());
                    st.setDouble(i++, job.peakGflops());
                    st.setDouble(i++, job.predictedMs());
                    st.setLong(i, now);
                    st.addBatch();
                }
                st.executeBatch();
            }
            return null;
        });
    }

    Optional<LeasedJob> leaseNext(String agentId) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "lease a job to agent " + agentId, connection -> {
            try (PreparedStatement st = connection.prepareStatement("SELECT j.* FROM jobs j"
                    + " JOIN campaigns c ON c.id = j.campaign_id WHERE j.state = 'queued' AND j.target_agent_id = ?"
                    + " ORDER BY c.created_ms, j.campaign_id, j.seq FETCH FIRST 1 ROWS ONLY")) {
                st.setString(1, agentId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<LeasedJob>empty();
                    }
                    LeasedJob job = new LeasedJob(rs.getString("id"), rs.getInt("attempt"), rs.getString("model_name"),
                            rs.getString("model_digest"), rs.getLong("model_size_bytes"),
                            rs.getString("variant_recipe"), rs.getInt("batch_size"), rs.getInt("threads"),
                            new Measurement(rs.getInt("warmup_iterations"), rs.getInt("min_iterations"),
                                    rs.getLong("min_duration_ms"), rs.getLong("max_duration_ms")));
                    try (PreparedStatement lease = connection.prepareStatement("UPDATE jobs SET state = 'leased',"
                            + " leased_to = ?, leased_ms = ? WHERE id = ? AND state = 'queued'")) {
                        lease.setString(1, agentId);
                        lease.setLong(2, now);
                        lease.setString(3, job.jobId());
                        return lease.executeUpdate() == 1 ? Optional.of(job) : Optional.<LeasedJob>empty();
                    }
                }
            }
        });
    }

    CommitOutcome commitResult(String agentId, JobResult result) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "commit the result of job " + result.getJobId(), connection -> {
            double predictedMs;
            double peakGflops;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT predicted_ms, peak_gflops FROM jobs WHERE id = ?")) {
                st.setString(1, result.getJobId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return CommitOutcome.UNKNOWN_JOB;
                    }
                    predictedMs = rs.getDouble(1);
                    peakGflops = rs.getDouble(2);
                }
            }
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT 1 FROM results WHERE job_id = ? AND attempt = ?")) {
                st.setString(1, result.getJobId());
                st.setInt(2, result.getAttempt());
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return CommitOutcome.DUPLICATE;
                    }
                }
            }
            try {
                insertResult(connection, agentId, result, predictedMs, peakGflops, now);
            } catch (SQLException e) {
                if (Jdbc.isConstraintViolation(e)) {
                    return CommitOutcome.DUPLICATE; // a concurrent commit of the same (job, attempt) won
                }
                throw e;
            }
            // A late result of an earlier attempt still completes the job: it is a valid measurement.
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'done', finished_ms = ?,"
                    + " failure_reason = NULL WHERE id = ? AND state <> 'done'")) {
                st.setLong(1, now);
                st.setString(2, result.getJobId());
                st.executeUpdate();
            }
            return CommitOutcome.STORED;
        });
    }

    private static void insertResult(Connection connection, String agentId, JobResult r, double predictedMs,
                                     double peakGflops, long now) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO results (job_id, attempt, agent_id,"
                + " batch_size, threads, latency_kind, sample_count, mean_ms, stdev_ms, min_ms, p50_ms, p90_ms, p95_ms,"
                + " p99_ms, max_ms, throughput_samples_per_s, session_create_ms, first_inference_ms, warmup_iterations,"
                + " stop_reason, engine, engine_version, execution_provider, jvm, agent_version, hardware_fingerprint,"
                + " cpu_temp_before_c, cpu_freq_before_hz, cpu_temp_after_c, cpu_freq_after_hz, throttled,"
                + " predicted_ms, peak_gflops, finished_ms, received_ms) VALUES (?, ?, ?, ?, ?, 'compute', ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            LatencyStats lat = r.getComputeLatency();
            int i = 1;
            st.setString(i++, r.getJobId());
            st.setInt(i++, r.getAttempt());
            st.setString(i++, agentId);
            st.setInt(i++, r.getBatchSize());
            st.setInt(i++, r.getIntraOpThreads());
            st.setLong(i++, lat.getCount());
            st.setDouble(i++, lat.getMeanMs());
            st.setDouble(i++, lat.getStdevMs());
            st.setDouble(i++, lat.getMinMs());
            st.setDouble(i++, lat.getP50Ms());
            st.setDouble(i++, lat.getP90Ms());
            st.setDouble(i++, lat.getP95Ms());
            st.setDouble(i++, lat.getP99Ms());
            st.setDouble(i++, lat.getMaxMs());
            st.setDouble(i++, r.getThroughputSamplesPerS());
            st.setDouble(i++, r.getSessionCreateMs());
            st.setDouble(i++, r.getFirstInferenceMs());
            st.setInt(i++, r.getWarmupIterations());
            st.setString(i++, r.getStopReason());
            st.setString(i++, r.getEngine());
            st.setString(i++, r.getEngineVersion());
            st.setString(i++, r.getExecutionProvider());
            st.setString(i++, r.getJvm());
            st.setString(i++, r.getAgentVersion());
            st.setString(i++, r.getHardwareFingerprint());
            i = setDeviceState(st, i, r.hasBefore() ? r.getBefore() : null);
            i = setDeviceState(st, i, r.hasAfter() ? r.getAfter() : null);
            st.setBoolean(i++, r.getThrottled());
            st.setDouble(i++, predictedMs);
            st.setDouble(i++, peakGflops);
            st.setLong(i++, r.getFinishedUnixMs());
            st.setLong(i, now);
            st.executeUpdate();
        }
    }

    private static int setDeviceState(PreparedStatement st, int index, DeviceState state) throws SQLException {
        Jdbc.setNullableDouble(st, index, state != null && state.hasCpuTempC() ? state.getCpuTempC() : null);
        Jdbc.setNullableLong(st, index + 1, state != null && state.hasCpuFreqHz() ? state.getCpuFreqHz() : null);
        return index + 2;
    }

    boolean fail(String jobId, int attempt, String reason) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "fail job " + jobId, connection -> {
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'failed',"
                    + " failure_reason = ?, finished_ms = ? WHERE id = ? AND attempt = ? AND state IN ('queued', 'leased')")) {
                st.setString(1, truncate(reason));
                st.setLong(2, now);
                st.setString(3, jobId);
                st.setInt(4, attempt);
                return st.executeUpdate() == 1;
            }
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
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id, attempt FROM jobs WHERE state = 'leased' AND " + where)) {
                if (agentId != null) {
                    st.setString(1, agentId);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        (rs.getInt(2) < maxAttempts ? requeued : failed).add(rs.getString(1));
                    }
                }
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

    Optional<CampaignSummary> summary(String campaignId) {
        return Jdbc.inTransaction(dataSource, "read campaign " + campaignId, connection -> {
            String name;
            long created;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT name, created_ms FROM campaigns WHERE id = ?")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<CampaignSummary>empty();
                    }
                    name = rs.getString(1);
                    created = rs.getLong(2);
                }
            }
            int[] counts = new int[4];
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT state, COUNT(*) FROM jobs WHERE campaign_id = ? GROUP BY state")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        counts[List.of("queued", "leased", "done", "failed").indexOf(rs.getString(1))] = rs.getInt(2);
                    }
                }
            }
            List<JobOutcome> rows = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(OUTCOME_SELECT
                    + " WHERE j.campaign_id = ? AND j.state IN ('done', 'failed')" + OUTCOME_ORDER)) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(outcome(rs));
                    }
                }
            }
            List<String> waitingFor = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT DISTINCT a.name FROM jobs j JOIN agents a"
                    + " ON a.id = j.target_agent_id WHERE j.campaign_id = ? AND j.state = 'queued'"
                    + " AND a.connected = FALSE ORDER BY a.name")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        waitingFor.add(rs.getString(1));
                    }
                }
            }
            int total = counts[0] + counts[1] + counts[2] + counts[3];
            return Optional.of(new CampaignSummary(campaignId, name, created, total, counts[0], counts[1], counts[2],
                    counts[3], rows, waitingFor));
        });
    }

    List<CampaignView> campaigns() {
        return Jdbc.inTransaction(dataSource, "list campaigns", connection -> {
            List<CampaignView> views = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT c.id, c.name, c.created_ms,"
                    + " COUNT(j.id) AS total,"
                    + " SUM(CASE WHEN j.state = 'done' THEN 1 ELSE 0 END) AS done,"
                    + " SUM(CASE WHEN j.state = 'failed' THEN 1 ELSE 0 END) AS failed"
                    + " FROM campaigns c LEFT JOIN jobs j ON j.campaign_id = c.id"
                    + " GROUP BY c.id, c.name, c.created_ms ORDER BY c.created_ms DESC, c.id");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int total = rs.getInt("total");
                    int done = rs.getInt("done");
                    int failed = rs.getInt("failed");
                    String state = done + failed < total ? "running" : failed > 0 ? "failed" : "done";
                    views.add(new CampaignView(rs.getString("id"), rs.getString("name"), state,
                            rs.getLong("created_ms"), total, done, failed));
                }
            }
            return views;
        });
    }

    List<ResultView> results(Optional<String> campaignId) {
        return Jdbc.inTransaction(dataSource, "list results", connection -> {
            List<ResultView> views = new ArrayList<>();
            String sql = OUTCOME_SELECT + " WHERE j.state = 'done' AND r.job_id IS NOT NULL"
                    + (campaignId.isPresent() ? " AND j.campaign_id = ?" : "")
                    + " ORDER BY c.created_ms DESC, j.campaign_id, a.name, j.model_name, j.batch_size, j.variant_recipe,"
                    + " j.threads, j.seq";
            try (PreparedStatement st = connection.prepareStatement(sql)) {
                if (campaignId.isPresent()) {
                    st.setString(1, campaignId.get());
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        JobOutcome o = outcome(rs);
                        views.add(new ResultView(o.jobId(), o.campaignId(), o.agentName(), o.modelName(),
                                o.variantRecipe(), o.batchSize(), o.threads(), o.flops(), o.peakGflops(),
                                o.predictedMs(), o.p50Ms(), o.p90Ms(), o.p99Ms(), o.meanMs(),
                                o.throughputSamplesPerS(), o.finishedUnixMs()));
                    }
                }
            }
            return views;
        });
    }

    private static JobOutcome outcome(ResultSet rs) throws SQLException {
        Long finished = Jdbc.nullableLong(rs, "finished_ms");
        return new JobOutcome(rs.getString("id"), rs.getString("campaign_id"), rs.getString("agent_name"),
                rs.getString("model_name"), rs.getString("variant_recipe"), rs.getInt("batch_size"),
                rs.getInt("threads"), rs.getLong("flops"), rs.getDouble("peak_gflops"), rs.getDouble("predicted_ms"),
                rs.getDouble("p50_ms"), rs.getDouble("p90_ms"), rs.getDouble("p99_ms"), rs.getDouble("mean_ms"),
                rs.getDouble("throughput_samples_per_s"), finished == null ? 0 : finished, rs.getString("state"),
                rs.getString("failure_reason"));
    }

    private static String truncate(String reason) {
        String oneLine = reason == null ? "" : reason.replace('\n', ' ');
        return oneLine.length() <= 2000 ? oneLine : oneLine.substring(0, 1997) + "...";
    }
}
