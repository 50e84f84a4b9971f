package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobFailure;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.ResultAck;
import dev.edgeperf.proto.Welcome;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases queued jobs to connected agents, one job per agent at a time, and turns what agents send
 * back into store updates. Called from the gRPC stream handlers of all agents concurrently.
 */
public final class JobScheduler {
    /** Attempts a job gets when its agent keeps disconnecting (transport failures); ORT failures fail at once. */
    public static final int MAX_ATTEMPTS = 3;
    /** How often agents are asked to send a heartbeat, ms. */
    public static final int HEARTBEAT_INTERVAL_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    private final Store store;
    private final FleetRegistry fleet;
    /** agent id -> the job it is running. */
    private final Map<String, LeasedJob> busy = new ConcurrentHashMap<>();

    public JobScheduler(Store store, FleetRegistry fleet) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
    }

    /**
     * Registers a newly connected agent, welcomes it and hands it work.
     *
     * @throws dev.edgeperf.coordinator.fleet.AgentNameTakenException for a duplicate live name
     * @throws EdgeperfException USER_ERROR for a hello without a name
     */
    public ConnectedAgent connect(AgentHello hello, AgentLink link) {
        String name = hello.getName().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw EdgeperfException.userError("agent hello must carry a name of 1 to 200 characters, got '"
                    + hello.getName() + "'");
        }
        AgentHello normalized = hello.toBuilder().setName(name).build();
        ConnectedAgent agent = fleet.connect(name, () -> new ConnectedAgent(store.registerAgent(normalized), name,
                hello.getHardware().getPeakGflopsFp32(), link));
        LOG.info("agent '{}' connected (id {}, peak {} GFLOP/s)", name, agent.id(), agent.peakGflops());
        link.send(CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder().setAgentId(agent.id())
                .setHeartbeatIntervalMs(HEARTBEAT_INTERVAL_MS)).build());
        dispatch();
        return agent;
    }

    public void heartbeat(ConnectedAgent agent) {
        store.touchAgent(agent.id());
    }

    /**
     * Commits a result and only then acknowledges it; a duplicate is acknowledged without a second
     * row. When the commit fails nothing is acknowledged, so the agent keeps the result spooled.
     */
    public void result(ConnectedAgent agent, JobResult result) {
        if (result.getJobId().isEmpty() || result.getAttempt() < 1) {
            LOG.warn("agent '{}' sent a result without job id/attempt; ignored", agent.name());
            return;
        }
        CommitOutcome outcome = store.commitResult(agent.id(), result);
        if (outcome == CommitOutcome.UNKNOWN_JOB) {
            LOG.warn("agent '{}' sent a result for unknown job {}; acknowledged and dropped", agent.name(),
                    result.getJobId());
        } else {
            LOG.info("job {} attempt {} on '{}': result {}", result.getJobId(), result.getAttempt(), agent.name(),
                    outcome == CommitOutcome.STORED ? "stored" : "already stored");
        }
        agent.link().send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId(result.getJobId())
                .setAttempt(result.getAttempt())).build());
        finished(agent, result.getJobId());
    }

    /** A failure the agent reports (model load, ORT error, bad artifact) fails the job at once. */
    public void failure(ConnectedAgent agent, JobFailure failure) {
        String reason = failure.getReason().isBlank() ? "agent reported a failure without a reason" : failure.getReason();
        boolean failed = store.failJob(failure.getJobId(), failure.getAttempt(), reason);
        LOG.warn("job {} attempt {} failed on '{}': {}{}", failure.getJobId(), failure.getAttempt(), agent.name(),
                reason, failed ? "" : " (job was no longer open)");
        finished(agent, failure.getJobId());
    }

    /** The agent's stream ended: its leased job goes back to the queue with attempt+1 (bounded). */
    public void disconnect(ConnectedAgent agent) {
        List<String> requeued;
        // Under the dispatch lock (same lock order as dispatch: scheduler, then fleet): a dispatch that
        // saw this agent has finished leasing, so its lease is released here rather than stranded. The
        // agent leaves the fleet last, so a reconnect under its name cannot be overwritten as disconnected.
        synchronized (this) {
            if (!fleet.isConnected(agent)) {
                return;
            }
            busy.remove(agent.id());
            requeued = store.releaseLeases(agent.id(), MAX_ATTEMPTS,
                    "agent '" + agent.name() + "' disconnected while running the job");
            store.setConnected(agent.id(), false);
            fleet.disconnect(agent);
        }
        LOG.info("agent '{}' disconnected{}", agent.name(),
                requeued.isEmpty() ? "" : "; re-queued job(s) " + String.join(", ", requeued));
    }

    /** The job an agent is running, if any. */
    public Optional<LeasedJob> runningOn(String agentId) {
        return Optional.ofNullable(busy.get(agentId));
    }

    private void finished(ConnectedAgent agent, String jobId) {
        busy.computeIfPresent(agent.id(), (id, job) -> job.jobId().equals(jobId) ? null : job);
        dispatch();
    }

    /** Leases one job to every idle connected agent that has queued work. */
    public synchronized void dispatch() {
        for (ConnectedAgent agent : fleet.connected()) {
            if (busy.containsKey(agent.id())) {
                continue;
            }
            Optional<LeasedJob> leased = store.leaseNextJob(agent.id());
            if (leased.isEmpty()) {
                continue;
            }
            LeasedJob job = leased.get();
            busy.put(agent.id(), job);
            LOG.info("job {} attempt {} ({} batch {}) leased to '{}'", job.jobId(), job.attempt(), job.modelName(),
                    job.batchSize(), agent.name());
            agent.link().send(CoordinatorMessage.newBuilder().setJob(assignment(job)).build());
        }
    }

    private static JobAssignment assignment(LeasedJob job) {
        return JobAssignment.newBuilder().setJobId(job.jobId()).setAttempt(job.attempt())
                .setModelName(job.modelName()).setModelDigest(job.modelDigest())
                .setModelSizeBytes(job.modelSizeBytes()).setVariantRecipe(job.variantRecipe())
                .setBatchSize(job.batchSize()).setIntraOpThreads(job.threads())
                .setSettings(MeasurementSettings.newBuilder()
                        .setWarmupIterations(job.measurement().warmupIterations())
                        .setMinIterations(job.measurement().minIterations())
                        .setMinDurationMs(job.measurement().minDurationMs())
                        .setMaxDurationMs(job.measurement().maxDurationMs()))
                .build();
    }
}
