package dev.edgeperf.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** Read-side SQL: campaign summaries, campaign lists and result rows, read through {@link ResultField}. */
final class CampaignQueries {
    /** The agent of a row: who produced the result, else who holds/held the job, else its bound target. */
    private static final String ROW_SELECT = "SELECT "
            + ResultField.all().stream().map(f -> f.select() + " AS " + alias(f)).collect(Collectors.joining(", "))
            + " FROM jobs j JOIN campaigns c ON c.id = j.campaign_id"
            + " LEFT JOIN results r ON r.job_id = j.id"
            + " AND r.attempt = (SELECT MAX(r2.attempt) FROM results r2 WHERE r2.job_id = j.id)"
            + " LEFT JOIN agents a ON a.id = COALESCE(r.agent_id, j.leased_to, j.target_agent_id)";
    private static final String ROW_ORDER = " ORDER BY a.name, j.model_name, j.batch_size, j.variant_recipe,"
            + " j.threads, j.concurrency, j.seq";
    private static final String ENDED = "('done', 'failed', 'cancelled')";

    private final DataSource dataSource;

    CampaignQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Optional<CampaignSummary> summary(String campaignId, boolean withRows) {
        return Jdbc.inTransaction(dataSource, "read campaign " + campaignId, connection -> {
            Optional<CampaignSummary> summary = summaries(connection, " WHERE c.id = ?", campaignId).stream()
                    .findFirst();
            if (summary.isEmpty() || !withRows) {
                return summary;
            }
            List<ResultRecord> rows = rows(connection, " WHERE j.campaign_id = ? AND j.state IN " + ENDED + ROW_ORDER,
                    campaignId);
            return Optional.of(summary.get().withRows(rows));
        });
    }

    /** Every campaign, newest first, without rows. */
    List<CampaignSummary> summaries() {
        return Jdbc.inTransaction(dataSource, "list campaigns", connection -> summaries(connection, "", null));
    }

    /** Ended jobs' rows of one campaign or of all (newest campaign first). */
    List<ResultRecord> results(Optional<String> campaignId) {
        return Jdbc.inTransaction(dataSource, "list results", connection -> rows(connection,
                " WHERE j.state IN " + ENDED + (campaignId.isPresent() ? " AND j.campaign_id = ?" : "")
                        + " ORDER BY c.created_ms DESC, j.campaign_id, a.name, j.model_name, j.batch_size,"
                        + " j.variant_recipe, j.threads, j.seq", campaignId.orElse(null)));
    }

    /** Done jobs' rows whose latest result came from the agent named {@code agentName}, every campaign, oldest first. */
    List<ResultRecord> deviceResults(String agentName) {
        return Jdbc.inTransaction(dataSource, "list the results of agent " + agentName, connection -> rows(connection,
                " WHERE j.state = 'done' AND a.name = ? ORDER BY c.created_ms, j.campaign_id, j.seq", agentName));
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

    /** Per op type over the campaign's done jobs that have per-layer times, by measured time (largest first). */
    List<OpTypeShare> opTypeShares(String campaignId) {
        String latest = " AND j.campaign_id = ? AND j.state = 'done'"
                + " AND %s.attempt = (SELECT MAX(r.attempt) FROM results r WHERE r.job_id = j.id)";
        return Jdbc.inTransaction(dataSource, "read the op type shares of campaign " + campaignId, connection -> {
            java.util.Map<String, double[]> byOp = new java.util.TreeMap<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT CASE WHEN l.in_graph THEN l.graph_op_type"
                    + " ELSE '" + OpTypeShare.INSERTED + "' END AS op, SUM(l.mean_us) FROM result_layers l"
                    + " JOIN jobs j ON j.id = l.job_id WHERE 1 = 1" + String.format(latest, "l") + " GROUP BY op")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        byOp.computeIfAbsent(rs.getString(1), k -> new double[2])[0] = rs.getDouble(2);
                    }
                }
            }
            try (PreparedStatement st = connection.prepareStatement("SELECT f.op_type, SUM(f.flops) FROM job_op_flops f"
                    + " JOIN jobs j ON j.id = f.job_id WHERE EXISTS (SELECT 1 FROM result_layers l"
                    + " WHERE l.job_id = f.job_id AND l.attempt = f.attempt)" + String.format(latest, "f")
                    + " GROUP BY f.op_type")) {
                st.setString(1, campaignId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        byOp.computeIfAbsent(rs.getString(1), k -> new double[2])[1] = rs.getLong(2);
                    }
                }
            }
            List<OpTypeShare> shares = new ArrayList<>();
            byOp.forEach((op, v) -> shares.add(new OpTypeShare(op, v[0], (long) v[1])));
            shares.sort(java.util.Comparator.comparingDouble(OpTypeShare::measuredUs).reversed()
                    .thenComparing(OpTypeShare::opType));
            return shares;
        });
    }

    Optional<StoredLayers> layers(String jobId) {
        return Jdbc.inTransaction(dataSource, "read the layer times of job " + jobId, connection -> {
            int attempt;
            try (PreparedStatement st = connection.prepareStatement("SELECT MAX(attempt) FROM results WHERE job_id = ?")) {
                st.setString(1, jobId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    attempt = rs.getInt(1);
                    if (rs.wasNull()) {
                        return Optional.<StoredLayers>empty();
                    }
                }
            }
            List<StoredLayers.Layer> layers = new ArrayList<>();
            // a kernel's node is the graph node it maps to (LayerTimes), the name the lease stored its estimate under
            try (PreparedStatement st = connection.prepareStatement("SELECT l.node, l.op_type, l.graph_op_type,"
                    + " l.in_graph, l.mean_us, l.runs, p.macs, p.predicted_ms FROM result_layers l"
                    + " LEFT JOIN job_node_predictions p ON p.job_id = l.job_id AND p.attempt = l.attempt"
                    + " AND p.node = l.node AND l.in_graph WHERE l.job_id = ? AND l.attempt = ? ORDER BY l.seq")) {
                st.setString(1, jobId);
                st.setInt(2, attempt);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        layers.add(new StoredLayers.Layer(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBoolean(4), rs.getDouble(5), rs.getInt(6), Jdbc.nullableLong(rs, "macs"),
                                Jdbc.nullableDouble(rs, "predicted_ms")));
                    }
                }
            }
            String predictor = "";
            try (PreparedStatement st = connection.prepareStatement("SELECT MAX(predictor) FROM job_node_predictions"
                    + " WHERE job_id = ? AND attempt = ?")) {
                st.setString(1, jobId);
                st.setInt(2, attempt);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        predictor = rs.getString(1);
                    }
                }
            }
            return Optional.of(new StoredLayers(jobId, attempt, layers, predictor));
        });
    }

    private static List<CampaignSummary> summaries(Connection connection, String where, String param)
            throws SQLException {
        List<CampaignSummary> summaries = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT c.id, c.name, c.created_ms, c.cancelled_ms,"
                + " c.prep_total, c.prep_done, c.prep_message, c.prep_failure,"
                + " SUM(CASE WHEN j.state = 'queued' THEN 1 ELSE 0 END) AS queued,"
                + " SUM(CASE WHEN j.state = 'leased' THEN 1 ELSE 0 END) AS leased,"
                + " SUM(CASE WHEN j.state = 'done' THEN 1 ELSE 0 END) AS done,"
                + " SUM(CASE WHEN j.state = 'failed' THEN 1 ELSE 0 END) AS failed,"
                + " SUM(CASE WHEN j.state = 'cancelled' THEN 1 ELSE 0 END) AS cancelled"
                + " FROM campaigns c LEFT JOIN jobs j ON j.campaign_id = c.id" + where
                + " GROUP BY c.id, c.name, c.created_ms, c.cancelled_ms, c.prep_total, c.prep_done, c.prep_message,"
                + " c.prep_failure ORDER BY c.created_ms DESC, c.id")) {
            if (param != null) {
                st.setString(1, param);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Long cancelled = Jdbc.nullableLong(rs, "cancelled_ms");
                    String failure = rs.getString("prep_failure");
                    Preparation prep = new Preparation(rs.getInt("prep_total"), rs.getInt("prep_done"),
                            rs.getString("prep_message"), failure == null ? "" : failure);
                    summaries.add(new CampaignSummary(rs.getString("id"), rs.getString("name"),
                            rs.getLong("created_ms"), rs.getInt("queued"), rs.getInt("leased"), rs.getInt("done"),
                            rs.getInt("failed"), rs.getInt("cancelled"), cancelled == null ? 0 : cancelled,
                            List.of(), List.of(), prep));
                }
            }
        }
        List<CampaignSummary> withSelectors = new ArrayList<>();
        for (CampaignSummary s : summaries) {
            withSelectors.add(s.queued() == 0 ? s : s.withQueuedSelectors(queuedSelectors(connection, s.id())));
        }
        return withSelectors;
    }

    private static List<String> queuedSelectors(Connection connection, String campaignId) throws SQLException {
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
        return selectors;
    }

    private static List<ResultRecord> rows(Connection connection, String whereAndOrder, String param)
            throws SQLException {
        List<ResultRecord> rows = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(ROW_SELECT + whereAndOrder)) {
            if (param != null) {
                st.setString(1, param);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
        }
        return rows;
    }

    private static ResultRecord row(ResultSet rs) throws SQLException {
        Map<ResultField, Object> values = new EnumMap<>(ResultField.class);
        for (ResultField f : ResultField.values()) {
            String column = alias(f);
            Object value = switch (f.type()) {
                case TEXT -> rs.getString(column);
                case INT, LONG -> Jdbc.nullableLong(rs, column);
                case DOUBLE -> Jdbc.nullableDouble(rs, column);
                case BOOL -> {
                    boolean b = rs.getBoolean(column);
                    yield rs.wasNull() ? null : b;
                }
            };
            values.put(f, value);
        }
        return new ResultRecord(values);
    }

    /** Column alias of a field in the row select: its key in lower case (SQL folds case anyway). */
    private static String alias(ResultField f) {
        return "f_" + f.csvName();
    }
}
