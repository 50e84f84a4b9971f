package dev.edgeperf.coordinator.store;

import dev.edgeperf.proto.DeviceState;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
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
            String failure;
            try (PreparedStatement st = connection.prepareStatement(
                    "SELECT state, failure_reason FROM jobs WHERE id = ? FOR UPDATE")) {
                st.setString(1, result.getJobId());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return CommitOutcome.UNKNOWN_JOB;
                    }
                    state = rs.getString(1);
                    failure = rs.getString(2);
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
            if (state.equals("done")) {
                return CommitOutcome.ALREADY_DONE;
            }
            if (state.equals("failed") && JobQueries.CANCELLED_REASON.equals(failure)) {
                return CommitOutcome.CANCELLED;
            }
            insert(connection, agentId, result, new Prediction(peak, basis, predicted), leasedMs - queuedMs,
                    now - leasedMs, now);
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

    private static void insert(Connection connection, String agentId, JobResult r, Prediction p, long queueWaitMs,
                               long measurementMs, long now) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("INSERT INTO results (job_id, attempt, agent_id,"
                + " batch_size, threads, latency_kind, sample_count, mean_ms, stdev_ms, min_ms, p50_ms, p90_ms, p95_ms,"
                + " p99_ms, max_ms, throughput_samples_per_s, session_create_ms, first_inference_ms, warmup_iterations,"
                + " stop_reason, engine, engine_version, execution_provider, jvm, agent_version, hardware_fingerprint,"
                + " cpu_temp_before_c, cpu_freq_before_hz, cpu_temp_after_c, cpu_freq_after_hz, throttled,"
                + " predicted_ms, peak_gflops, finished_ms, received_ms, latency_histogram, e2e_count, e2e_mean_ms,"
                + " e2e_stdev_ms, e2e_min_ms, e2e_p50_ms, e2e_p90_ms, e2e_p95_ms, e2e_p99_ms, e2e_max_ms, p999_ms,"
                + " p50_ci95_low_ms, p50_ci95_high_ms, concurrency, worker_peak_rss_bytes, session_footprint_bytes,"
                + " cpu_governor, load_average_1m, execution_providers_available, throttle_evidence, in_process,"
                + " peak_basis, queue_wait_ms, measurement_ms) VALUES (?, ?, ?, ?, ?, 'compute'"
                + ", ?".repeat(53) + ")")) {
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
            st.setDouble(i++, p.predictedMs());
            st.setDouble(i++, p.peakGflops());
            st.setLong(i++, r.getFinishedUnixMs());
            st.setLong(i++, now);
            if (r.getLatencyHistogram().isEmpty()) {
                st.setNull(i++, Types.VARBINARY);
            } else {
                st.setBytes(i++, r.getLatencyHistogram().toByteArray());
            }
            LatencyStats e2e = r.hasEndToEndLatency() ? r.getEndToEndLatency() : null;
            Jdbc.setNullableLong(st, i++, e2e == null ? null : e2e.getCount());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getMeanMs());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getStdevMs());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getMinMs());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getP50Ms());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getP90Ms());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getP95Ms());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getP99Ms());
            Jdbc.setNullableDouble(st, i++, e2e == null ? null : e2e.getMaxMs());
            Jdbc.setNullableDouble(st, i++, positive(r.getP999Ms()));
            Jdbc.setNullableDouble(st, i++, positive(r.getP50Ci95LowMs()));
            Jdbc.setNullableDouble(st, i++, positive(r.getP50Ci95HighMs()));
            st.setInt(i++, r.getConcurrency());
            Jdbc.setNullableLong(st, i++, r.getWorkerPeakRssBytes() > 0 ? r.getWorkerPeakRssBytes() : null);
            Jdbc.setNullableLong(st, i++, r.getSessionFootprintBytes() > 0 ? r.getSessionFootprintBytes() : null);
            st.setString(i++, r.getCpuGovernor().isEmpty() ? null : cut(r.getCpuGovernor(), 64));
            Jdbc.setNullableDouble(st, i++, r.hasLoadAverage1M() ? r.getLoadAverage1M() : null);
            st.setString(i++, cut(String.join(",", r.getExecutionProvidersAvailableList()), 500));
            st.setString(i++, cut(r.getThrottleEvidence(), 500));
            st.setBoolean(i++, r.getInProcess());
            st.setString(i++, p.basis());
            st.setLong(i++, Math.max(0, queueWaitMs));
            st.setLong(i, Math.max(0, measurementMs));
            st.executeUpdate();
        }
    }

    private static Double positive(double value) {
        return value > 0 ? value : null;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static int setDeviceState(PreparedStatement st, int index, DeviceState state) throws SQLException {
        Jdbc.setNullableDouble(st, index, state != null && state.hasCpuTempC() ? state.getCpuTempC() : null);
        Jdbc.setNullableLong(st, index + 1, state != null && state.hasCpuFreqHz() ? state.getCpuFreqHz() : null);
        return index + 2;
    }
}
