package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.proto.JobResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Commits results. The rules, in one transaction with the job row locked:
 * <ol>
 *   <li>only the agent that held the (job, attempt) may deliver its result ({@code NOT_HELD});</li>
 *   <li>the same (job, attempt) again is acknowledged without a second row ({@code DUPLICATE});</li>
 *   <li>a late result of an earlier attempt, from the agent that held that attempt, completes the
 *       job if no other attempt did (it is a valid measurement: the lease expired, not the work);</li>
 *   <li>once a job is done, results of its other attempts are refused ({@code ALREADY_DONE}): one
 *       result per job, always.</li>
 * </ol>
 */
final class ResultQueries {
    private final DataSource dataSource;
    private final Clock clock;

    ResultQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    CommitOutcome commit(String agentId, JobResult result) {
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "commit the result of job " + result.getJobId(), connection -> {
            String state;
            String inputShapes;
            String inputValues;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT * FROM jobs WHERE id = ? FOR UPDATE")) {
                st.setString(1, result.getJobId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return CommitOutcome.UNKNOWN_JOB;
                    }
                    state = rs.getString("state");
                    inputShapes = rs.getString("input_shapes");
                    inputValues = ModelInputs.describeValues(JobQueries.inputValues(rs));
                }
            }
            long queuedMs;
            long leasedMs;
            double peak;
            String basis;
            double predicted;
            try (PreparedStatement st = connection.prepareStatement("SELECT agent_id, queued_ms, leased_ms,"
                    + " peak_gflops, peak_basis, predicted_ms FROM job_attempts WHERE job_id = ? AND attempt = ?")) {
                st.setString(1, result.getJobId());
                st.setInt(2, result.getAttempt());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next() || !rs.getString(1).equals(agentId)) {
                        return CommitOutcome.NOT_HELD;
                    }
                    queuedMs = rs.getLong(2);
                    leasedMs = rs.getLong(3);
                    peak = rs.getDouble(4);
                    basis = rs.getString(5);
                    predicted = rs.getDouble(6);
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
            if (state.equals(JobState.DONE.sql())) {
                return CommitOutcome.ALREADY_DONE;
            }
            if (state.equals(JobState.CANCELLED.sql())) {
                return CommitOutcome.CANCELLED;
            }
            ResultCommit commit = new ResultCommit(agentId, result, new Prediction(peak, basis, predicted),
                    leasedMs - queuedMs, now - leasedMs, now, hardware(connection, agentId),
                    ModelInputs.describe(InputShapesColumn.read(inputShapes)), inputValues);
            insert(connection, commit);
            try (PreparedStatement st = connection.prepareStatement("UPDATE jobs SET state = 'done', finished_ms = ?,"
                    + " failure_reason = NULL WHERE id = ?")) {
                st.setLong(1, now);
                st.setString(2, result.getJobId());
                st.executeUpdate();
            }
            JobQueries.endAttempt(connection, result.getJobId(), result.getAttempt(), "result", null, now);
            return CommitOutcome.STORED;
        });
    }

    private static ResultCommit.AgentHardware hardware(Connection connection, String agentId) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT arch, board, cpu_model FROM agents WHERE id = ?")) {
            st.setString(1, agentId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new ResultCommit.AgentHardware(rs.getString(1), rs.getString(2), rs.getString(3))
                        : new ResultCommit.AgentHardware("", "", "");
            }
        }
    }

    /** The stored fields of {@link ResultField}, then the columns no row shows (who, what kind, the histogram). */
    private static void insert(Connection connection, ResultCommit commit) throws SQLException {
        List<ResultField> fields = ResultField.all().stream().filter(ResultField::stored).toList();
        String columns = fields.stream().map(ResultField::column).collect(Collectors.joining(", "));
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO results (" + columns
                + ", agent_id, latency_kind, latency_histogram) VALUES (" + "?, ".repeat(fields.size())
                + "?, 'compute', ?)")) {
            int i = 1;
            for (ResultField f : fields) {
                setValue(st, i++, f, f.valueOf(commit));
            }
            st.setString(i++, commit.agentId());
            if (commit.result().getLatencyHistogram().isEmpty()) {
                st.setNull(i, Types.VARBINARY);
            } else {
                st.setBytes(i, commit.result().getLatencyHistogram().toByteArray());
            }
            st.executeUpdate();
        }
        insertLayers(connection, commit.result());
    }

    private static void insertLayers(Connection connection, JobResult result) throws SQLException {
        if (result.getLayersCount() == 0) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO result_layers (job_id, attempt, seq,"
                + " node, op_type, graph_op_type, in_graph, mean_us, runs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (dev.edgeperf.proto.LayerTime l : result.getLayersList()) {
                if (!(l.getMeanUs() >= 0) || !Double.isFinite(l.getMeanUs())) {
                    continue; // a malformed figure is dropped, not stored as a time
                }
                st.setString(1, result.getJobId());
                st.setInt(2, result.getAttempt());
                st.setInt(3, seq++);
                st.setString(4, cut(l.getNode(), 500));
                st.setString(5, cut(l.getOpType(), 128));
                st.setString(6, cut(l.getGraphOpType(), 128));
                st.setBoolean(7, l.getInGraph());
                st.setDouble(8, l.getMeanUs());
                st.setInt(9, Math.max(0, l.getRuns()));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static void setValue(PreparedStatement st, int index, ResultField field, Object value) throws SQLException {
        if (value == null) {
            st.setNull(index, switch (field.type()) {
                case TEXT -> Types.VARCHAR;
                case INT -> Types.INTEGER;
                case LONG -> Types.BIGINT;
                case DOUBLE -> Types.DOUBLE;
                case BOOL -> Types.BOOLEAN;
            });
            return;
        }
        switch (field.type()) {
            case TEXT -> st.setString(index, (String) value);
            case INT -> st.setInt(index, ((Number) value).intValue());
            case LONG -> st.setLong(index, ((Number) value).longValue());
            case DOUBLE -> st.setDouble(index, ((Number) value).doubleValue());
            case BOOL -> st.setBoolean(index, (Boolean) value);
        }
    }
}
