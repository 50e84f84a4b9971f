package dev.edgeperf.coordinator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.JobResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The coordinator's store: agents here, jobs and results in {@link JobQueries}. Thread-safe: every
 * method runs in its own transaction on a connection from the data source.
 */
public final class Store implements StoreReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final Clock clock;
    private final JobQueries jobs;
    private final ResultQueries results;
    private final CampaignQueries campaigns;
    private final PreparationQueries preparations;

    /** @param dataSource an already migrated database (see {@link Database#migrate}) */
    public Store(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.jobs = new JobQueries(dataSource, clock);
        this.results = new ResultQueries(dataSource, clock);
        this.campaigns = new CampaignQueries(dataSource);
        this.preparations = new PreparationQueries(dataSource, clock);
    }

    /** Opens {@code jdbcUrl}, migrates it and returns a store over it. */
    public static Store open(String jdbcUrl, Clock clock) {
        DataSource dataSource = Database.open(jdbcUrl);
        Database.migrate(dataSource);
        return new Store(dataSource, clock);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the last transaction succeeded; see {@link StoreHealth}. */
    @Override
    public StoreHealth health() {
        return Database.health(dataSource);
    }

    /**
     * After a failure, tries a transaction (reopening an embedded database the engine closed), so
     * the store turns healthy again once the cause is gone even while no agent or user calls in.
     */
    public void probeHealthIfFailed() {
        if (!health().healthy()) {
            try {
                update("check the store", "UPDATE agents SET last_seen_ms = last_seen_ms WHERE id = ?", "");
            } catch (EdgeperfException e) {
                // still failing; health keeps the reason
            }
        }
    }

    // ---------------------------------------------------------------------------------- agents

    /**
     * Records a connecting agent: the same name keeps its id across reconnects, its hardware and
     * versions are refreshed, and it is marked connected.
     *
     * @return the agent id
     */
    public String registerAgent(AgentHello hello) {
        Hardware hw = hello.getHardware();
        String labels = toJson(hello.getLabelsMap());
        long now = clock.millis();
        return Jdbc.inTransaction(dataSource, "register agent '" + hello.getName() + "'", connection -> {
            String id = null;
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM agents WHERE name = ?")) {
                select.setString(1, hello.getName());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getString(1);
                    }
                }
            }
            boolean insert = id == null;
            String sql = insert
                    ? "INSERT INTO agents (hostname, cpu_model, physical_cores, logical_cores, max_freq_hz, memory_bytes,"
                    + " os, arch, isa_features, peak_gflops, peak_basis, board, fingerprint, jvm, agent_version, engine,"
                    + " engine_version, execution_providers, labels_json, connected, last_seen_ms, name, id, first_seen_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?, ?)"
                    : "UPDATE agents SET hostname = ?, cpu_model = ?, physical_cores = ?, logical_cores = ?,"
                    + " max_freq_hz = ?, memory_bytes = ?, os = ?, arch = ?, isa_features = ?, peak_gflops = ?,"
                    + " peak_basis = ?, board = ?, fingerprint = ?, jvm = ?, agent_version = ?, engine = ?,"
                    + " engine_version = ?, execution_providers = ?, labels_json = ?, connected = TRUE,"
                    + " last_seen_ms = ?, name = ? WHERE id = ?";
            if (insert) {
                id = UUID.randomUUID().toString();
            }
            try (PreparedStatement st = connection.prepareStatement(sql)) {
                int i = 1;
                st.setString(i++, hw.getHostname());
                st.setString(i++, hw.getCpuModel());
                st.setInt(i++, hw.getPhysicalCores());
                st.setInt(i++, hw.getLogicalCores());
                st.setLong(i++, hw.getMaxFreqHz());
                st.setLong(i++, hw.getMemoryBytes());
                st.setString(i++, hw.getOs());
                st.setString(i++, hw.getArch());
                st.setString(i++, String.join(",", hw.getIsaFeaturesList()));
                st.setDouble(i++, hw.getPeakGflopsFp32());
                st.setString(i++, hw.getPeakBasis());
                st.setString(i++, hw.getBoard());
                st.setString(i++, hw.getFingerprint());
                st.setString(i++, hw.getJvm());
                st.setString(i++, hello.getAgentVersion());
                st.setString(i++, hello.getEngine());
                st.setString(i++, hello.getEngineVersion());
                st.setString(i++, String.join(",", hello.getExecutionProvidersList()));
                st.setString(i++, labels);
                st.setLong(i++, now);
                st.setString(i++, hello.getName());
                st.setString(i++, id);
                if (insert) {
                    st.setLong(i, now);
                }
                st.executeUpdate();
            }
            try (PreparedStatement st = connection.prepareStatement("UPDATE agents SET calib_matmul_gflops = ?,"
                    + " calib_conv_gflops = ?, calib_memory_gb_per_s = ?, calib_call_overhead_us = ?, calib_threads = ?,"
                    + " calib_measured_ms = ?, calib_hardware_fingerprint = ?, calib_engine_version = ?,"
                    + " calib_node_overhead_us = ? WHERE id = ?")) {
                Calibration c = hello.hasCalibration() ? hello.getCalibration() : null;
                Jdbc.setNullableDouble(st, 1, c == null ? null : c.getMatmulGflops());
                Jdbc.setNullableDouble(st, 2, c == null ? null : c.getConvGflops());
                Jdbc.setNullableDouble(st, 3, c == null ? null : c.getMemoryGbPerS());
                Jdbc.setNullableDouble(st, 4, c == null ? null : c.getCallOverheadUs());
                if (c == null) {
                    st.setNull(5, java.sql.Types.INTEGER);
                } else {
                    st.setInt(5, c.getThreads());
                }
                Jdbc.setNullableLong(st, 6, c == null ? null : c.getMeasuredUnixMs());
                st.setString(7, c == null ? "" : cut(c.getHardwareFingerprint(), 128));
                st.setString(8, c == null ? "" : cut(c.getEngineVersion(), 64));
                Jdbc.setNullableDouble(st, 9, c == null ? null : c.getNodeOverheadUs());
                st.setString(10, id);
                st.executeUpdate();
            }
            return id;
        });
    }

    /** Marks an agent (dis)connected and refreshes its last-seen time. */
    public void setConnected(String agentId, boolean connected) {
        update("mark agent " + agentId + (connected ? " connected" : " disconnected"),
                "UPDATE agents SET connected = ?, last_seen_ms = ? WHERE id = ?", connected, clock.millis(), agentId);
    }

    /** Refreshes an agent's last-seen time (heartbeats). */
    public void touchAgent(String agentId) {
        update("refresh agent " + agentId, "UPDATE agents SET last_seen_ms = ? WHERE id = ?", clock.millis(), agentId);
    }

    /**
     * Called once at start-up: no agent can be connected to a coordinator that just started, and
     * jobs leased by a previous run go back to the queue with their attempt raised.
     */
    public void resetAfterRestart(int maxAttempts) {
        update("reset agent connections", "UPDATE agents SET connected = FALSE");
        jobs.releaseAllLeases(maxAttempts);
    }

    private void update(String what, String sql, Object... params) {
        Jdbc.inTransaction(dataSource, what, connection -> {
            try (PreparedStatement st = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    st.setObject(i + 1, params[i]);
                }
                return st.executeUpdate();
            }
        });
    }

    // ------------------------------------------------------------------------ jobs and results

    /**
     * Stores a campaign and queues its jobs, atomically.
     *
     * @return the campaign's creation time, coordinator clock (its place in the queue order)
     */
    public long insertCampaign(String id, String name, String specJson, String specSource, List<NewJob> newJobs) {
        return jobs.insertCampaign(id, name, specJson, specSource, newJobs);
    }

    /** Every queued job, in queue order (older campaigns first, then submission order). */
    public List<LeasedJob> queuedJobs() {
        return jobs.queued();
    }

    /** One job if it is queued. */
    public Optional<LeasedJob> queuedJob(String jobId) {
        return jobs.queuedJob(jobId);
    }

    /**
     * Leases a queued (job, attempt) to an agent and records the prediction made for that agent;
     * false when the job is no longer queued at that attempt (e.g. cancelled meanwhile).
     */
    public boolean lease(LeasedJob job, String agentId, Prediction prediction) {
        return lease(job, agentId, LeasePrediction.of(prediction));
    }

    /** As {@link #lease(LeasedJob, String, Prediction)}, storing every predictor's figure with the attempt. */
    public boolean lease(LeasedJob job, String agentId, LeasePrediction prediction) {
        return jobs.lease(job, agentId, prediction);
    }

    /**
     * Commits a measurement and marks its job done, in one transaction, following the rules in
     * {@link ResultQueries}. Callers acknowledge to the agent only after this returns.
     */
    public CommitOutcome commitResult(String agentId, JobResult result) {
        return results.commit(agentId, result);
    }

    /** Marks the (job, attempt) the agent holds failed with a reason; false when it does not hold it. */
    public boolean failJob(String jobId, int attempt, String agentId, String reason) {
        return jobs.fail(jobId, attempt, agentId, reason);
    }

    /**
     * Puts the jobs leased to {@code agentId} back in the queue with attempt+1, or fails those that
     * already had {@code maxAttempts} attempts.
     *
     * @return ids of the jobs put back in the queue
     */
    public List<String> releaseLeases(String agentId, int maxAttempts, String reason) {
        return jobs.releaseLeases(agentId, maxAttempts, reason);
    }

    /**
     * Fails every open job of the campaign as cancelled and marks the campaign cancelled.
     *
     * @return the ids of the jobs that were open
     */
    public List<String> cancelCampaign(String campaignId) {
        return jobs.cancel(campaignId);
    }

    /** A campaign with its ended rows. */
    public Optional<CampaignSummary> campaignSummary(String campaignId) {
        return campaigns.summary(campaignId, true);
    }

    /** Every campaign, newest first, without rows. */
    public List<CampaignSummary> campaignSummaries() {
        return campaigns.summaries();
    }

    // ---------------------------------------------------------------------------------- readers

    @Override
    public List<AgentRecord> agents() {
        return Jdbc.inTransaction(dataSource, "list agents", connection -> {
            List<AgentRecord> agents = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT * FROM agents ORDER BY name");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String isa = rs.getString("isa_features");
                    AgentRecord.Hardware hardware = new AgentRecord.Hardware(rs.getString("cpu_model"),
                            rs.getInt("physical_cores"), rs.getInt("logical_cores"), rs.getLong("max_freq_hz"),
                            rs.getLong("memory_bytes"), rs.getString("os"), rs.getString("arch"),
                            isa.isEmpty() ? List.of() : Arrays.asList(isa.split(",")), rs.getDouble("peak_gflops"),
                            rs.getString("peak_basis"), rs.getString("board"), rs.getString("fingerprint"));
                    agents.add(new AgentRecord(rs.getString("id"), rs.getString("name"), rs.getBoolean("connected"),
                            rs.getLong("last_seen_ms"), hardware, rs.getString("engine_version"),
                            fromJson(rs.getString("labels_json")), calibration(rs)));
                }
            }
            return agents;
        });
    }

    @Override
    public List<CampaignSummary> campaigns() {
        return campaignSummaries();
    }

    @Override
    public List<ResultRecord> results(Optional<String> campaignId) {
        return campaigns.results(campaignId);
    }

    @Override
    public List<ResultRecord> deviceResults(String agentName) {
        return campaigns.deviceResults(agentName);
    }

    @Override
    public Optional<StoredHistogram> latencyHistogram(String jobId) {
        return campaigns.histogram(jobId);
    }

    @Override
    public Optional<StoredLayers> layers(String jobId) {
        return campaigns.layers(jobId);
    }

    @Override
    public List<OpTypeShare> opTypeShares(String campaignId) {
        return campaigns.opTypeShares(campaignId);
    }

    private static String toJson(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot serialize agent labels: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("agent labels in the store are not a JSON object: " + json, e);
        }
    }

    // ------------------------------------------------------------------ campaign preparation

    /**
     * Stores a campaign with no jobs yet, whose {@code prepTotal} variants are about to be prepared.
     *
     * @return the campaign's creation time, coordinator clock (its place in the queue order)
     */
    public long createPreparingCampaign(String id, String name, String specJson, String specSource, int prepTotal) {
        return createPreparingCampaign(id, name, specJson, specSource, prepTotal, List.of());
    }

    /** As above, with submit's one-line notes (a rebatched model) as its first preparation message. */
    public long createPreparingCampaign(String id, String name, String specJson, String specSource, int prepTotal,
                                        List<String> notes) {
        return preparations.create(id, name, specJson, specSource, prepTotal, notes);
    }

    /**
     * Records that {@code done} variants are prepared and what the preparation does now.
     *
     * @return false when the campaign is no longer being prepared (cancelled or failed): stop
     */
    public boolean preparationProgress(String campaignId, int done, String message) {
        return preparations.progress(campaignId, done, message);
    }

    /**
     * Ends a preparation: queues the campaign's jobs, atomically.
     *
     * @return false, queuing nothing, when the campaign was cancelled or failed meanwhile
     */
    public boolean finishPreparation(String campaignId, List<NewJob> newJobs) {
        return preparations.finish(campaignId, newJobs);
    }

    /** As {@link #finishPreparation(String, List)}, keeping the preparation's one-line warnings in its message. */
    public boolean finishPreparation(String campaignId, List<NewJob> newJobs, List<String> warnings) {
        return preparations.finish(campaignId, newJobs, warnings);
    }

    /** Fails an unfinished preparation with a one-line reason; false when none was under way. */
    public boolean failPreparation(String campaignId, String reason) {
        return preparations.fail(campaignId, reason);
    }

    /** Fails every unfinished preparation (called at start-up: no preparation survives a restart). */
    public int failInterruptedPreparations(String reason) {
        return preparations.failUnfinished(reason);
    }

    private static Optional<AgentRecord.Calibration> calibration(ResultSet rs) throws SQLException {
        double matmul = rs.getDouble("calib_matmul_gflops");
        if (rs.wasNull()) {
            return Optional.empty();
        }
        return Optional.of(new AgentRecord.Calibration(matmul, rs.getDouble("calib_conv_gflops"),
                rs.getDouble("calib_memory_gb_per_s"), rs.getDouble("calib_call_overhead_us"),
                rs.getDouble("calib_node_overhead_us"), rs.getInt("calib_threads"), rs.getLong("calib_measured_ms"),
                rs.getString("calib_hardware_fingerprint"), rs.getString("calib_engine_version")));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
