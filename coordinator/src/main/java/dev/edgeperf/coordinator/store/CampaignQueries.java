package dev.edgeperf.coordinator.store;

import dev.edgeperf.coordinator.http.DashboardData.CampaignView;
import dev.edgeperf.coordinator.http.DashboardData.ResultView;
import dev.edgeperf.coordinator.http.DashboardData.StoredHistogram;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Read-side SQL: campaign summaries, campaign lists and result rows. */
final class CampaignQueries {
    /** The agent of a row: who produced the result, else who holds/held the job, else its bound target. */
    private static final String OUTCOME_SELECT = "SELECT j.id, j.campaign_id, a.name AS agent_name, j.model_name,"
            + " j.variant_recipe, j.batch_size, j.threads, j.flops, j.peak_gflops, j.predicted_ms, j.state,"
            + " j.failure_reason, j.finished_ms, j.attempt AS job_attempt, j.selector, j.concurrency,"
            + " j.peak_basis AS job_peak_basis, r.attempt, r.p50_ms, r.p90_ms, r.p99_ms, r.mean_ms,"
            + " r.throughput_samples_per_s, r.peak_basis, r.queue_wait_ms, r.measurement_ms, r.p999_ms, r.e2e_p50_ms,"
            + " r.predicted_ms AS result_predicted_ms, r.peak_gflops AS result_peak_gflops,"
            + " r.threads AS used_threads, r.stop_reason"
            + " FROM jobs j JOIN campaigns c ON c.id = j.campaign_id"
            + " LEFT JOIN results r ON r.job_id = j.id"
            + " AND r.attempt = (SELECT MAX(r2.attempt) FROM results r2 WHERE r2.job_id = j.id)"
            + " LEFT JOIN agents a ON a.id = COALESCE(r.agent_id, j.leased_to, j.target_agent_id)";
    private static final String OUTCOME_ORDER = " ORDER BY a.name, j.model_name, j.batch_size, j.variant_recipe,"
            + " j.threads, j.concurrency, j.seq";

    private final DataSource dataSource;

    CampaignQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<CampaignSummary> summary(String campaignId, boolean withRows) {
        return Jdbc.inTransaction(dataSource, "read campaign " + campaignId, connection -> {
            String name;
            long created;
            long cancelled;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT name, created_ms, cancelled_ms FROM campaigns WHERE id = ?")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<CampaignSummary>empty();
                    }
                    name = rs.getString(1);
                    created = rs.getLong(2);
                    Long c = Jdbc.nullableLong(rs, "cancelled_ms");
                    cancelled = c == null ? 0 : c;
                }
            }
            int[] counts = new int[4];
            int cancelledJobs = 0;
            try (PreparedStatement st = connection.prepareStatement("SELECT state, COUNT(*),"
                    + " SUM(CASE WHEN failure_reason = ? THEN 1 ELSE 0 END) FROM jobs WHERE campaign_id = ?"
                    + " GROUP BY state")) {
                st.setString(1, JobQueries.CANCELLED_REASON);
                st.setString(2, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        counts[List.of("queued", "leased", "done", "failed").indexOf(rs.getString(1))] = rs.getInt(2);
                        cancelledJobs += rs.getInt(3);
                    }
                }
            }
            List<JobOutcome> rows = new ArrayList<>();
            if (withRows) {
                try (PreparedStatement st = connection.prepareStatement(OUTCOME_SELECT
                        + " WHERE j.campaign_id = ? AND j.state IN ('done', 'failed')" + OUTCOME_ORDER)) {
                    st.setString(1, campaignId);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            rows.add(outcome(rs));
                        }
                    }
                }
            }
            List<String> selectors = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT selector, MIN(seq) AS first FROM jobs"
                    + " WHERE campaign_id = ? AND state = 'queued' GROUP BY selector ORDER BY first")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        selectors.add(rs.getString(1));
                    }
                }
            }
            int total = counts[0] + counts[1] + counts[2] + counts[3];
            return Optional.of(new CampaignSummary(campaignId, name, created, total, counts[0], counts[1], counts[2],
                    counts[3], cancelledJobs, cancelled, rows, selectors));
        });
    }

    /** Campaign ids, newest first. */
    List<String> campaignIds() {
        return Jdbc.inTransaction(dataSource, "list campaigns", connection -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT id FROM campaigns ORDER BY created_ms DESC, id");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    List<CampaignView> campaigns() {
        return Jdbc.inTransaction(dataSource, "list campaigns", connection -> {
            List<CampaignView> views = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT c.id, c.name, c.created_ms,"
                    + " c.cancelled_ms, COUNT(j.id) AS total,"
                    + " SUM(CASE WHEN j.state = 'done' THEN 1 ELSE 0 END) AS done,"
                    + " SUM(CASE WHEN j.state = 'failed' THEN 1 ELSE 0 END) AS failed"
                    + " FROM campaigns c LEFT JOIN jobs j ON j.campaign_id = c.id"
                    + " GROUP BY c.id, c.name, c.created_ms, c.cancelled_ms ORDER BY c.created_ms DESC, c.id");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int total = rs.getInt("total");
                    int done = rs.getInt("done");
                    int failed = rs.getInt("failed");
                    boolean cancelled = Jdbc.nullableLong(rs, "cancelled_ms") != null;
                    String state = done + failed < total ? "running" : cancelled ? "cancelled"
                            : failed > 0 ? "failed" : "done";
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
                                o.variantRecipe(), o.batchSize(), o.usedThreads(), o.requestedThreads(), o.flops(),
                                o.peakGflops(), o.peakBasis(), o.predictedMs(), o.p50Ms(), o.p90Ms(), o.p99Ms(),
                                Jdbc.nullableDouble(rs, "p999_ms"), o.meanMs(), Jdbc.nullableDouble(rs, "e2e_p50_ms"),
                                o.throughputSamplesPerS(), o.attempt(), o.queueWaitMs(), o.measurementMs(),
                                o.stopReason(), o.finishedUnixMs()));
                    }
                }
            }
            return views;
        });
    }

    Optional<StoredHistogram> histogram(String jobId) {
        return Jdbc.inTransaction(dataSource, "read the latency histogram of job " + jobId, connection -> {
            try (PreparedStatement st = connection.prepareStatement("SELECT attempt, latency_histogram FROM results"
                    + " WHERE job_id = ? ORDER BY attempt DESC")) {
                st.setString(1, jobId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<StoredHistogram>empty();
                    }
                    return Optional.of(new StoredHistogram(jobId, rs.getInt(1), rs.getBytes(2)));
                }
            }
        });
    }

    private static JobOutcome outcome(ResultSet rs) throws SQLException {
        Long finished = Jdbc.nullableLong(rs, "finished_ms");
        boolean hasResult = Jdbc.nullableLong(rs, "attempt") != null;
        String basis = hasResult ? rs.getString("peak_basis") : rs.getString("job_peak_basis");
        return new JobOutcome(rs.getString("id"), rs.getString("campaign_id"), rs.getString("agent_name"),
                rs.getString("model_name"), rs.getString("variant_recipe"), rs.getInt("batch_size"),
                rs.getInt("threads"), rs.getLong("flops"),
                hasResult ? rs.getDouble("result_peak_gflops") : rs.getDouble("peak_gflops"),
                hasResult ? rs.getDouble("result_predicted_ms") : rs.getDouble("predicted_ms"),
                rs.getDouble("p50_ms"), rs.getDouble("p90_ms"), rs.getDouble("p99_ms"), rs.getDouble("mean_ms"),
                rs.getDouble("throughput_samples_per_s"), finished == null ? 0 : finished, rs.getString("state"),
                rs.getString("failure_reason"), hasResult ? rs.getInt("attempt") : rs.getInt("job_attempt"), basis,
                rs.getLong("queue_wait_ms"), rs.getLong("measurement_ms"), rs.getString("selector"),
                rs.getInt("concurrency"), rs.getDouble("p999_ms"), rs.getDouble("e2e_p50_ms"),
                hasResult ? rs.getInt("used_threads") : 0, rs.getString("stop_reason"));
    }
}
