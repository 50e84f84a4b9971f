package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.AgentLink;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.analysis.LearnedCells;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.predict.Predictor;
import dev.edgeperf.core.predict.Predictors;
import dev.edgeperf.proto.JobResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases queued jobs to idle connected agents whose traits match, one job per agent at a time and,
 * unless {@link SchedulerSettings#shareHosts()}, one per physical host ({@link ConnectedAgent#host()}),
 * and turns what agents report back into store updates; what each agent is told goes through its
 * {@link AgentLink} (the wire protocol lives in the grpc package). The prediction recorded with each
 * lease comes from the injected {@link Predictor}. An agent that stays silent longer than the lease
 * timeout loses its stream and its lease ({@link #expireSilentAgents()}); its job is queued again
 * with attempt+1, up to {@link SchedulerSettings#maxAttempts()}. Called from the gRPC stream
 * handlers of all agents concurrently; one lock guards the queue and who-runs-what.
 */
public final class JobScheduler {
    /** Attempts a job gets by default when its agent keeps disappearing; ORT failures fail at once. */
    public static final int MAX_ATTEMPTS = SchedulerSettings.DEFAULT_MAX_ATTEMPTS;

    private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);

    private final Store store;
    private final FleetRegistry fleet;
    private final SchedulerSettings settings;
    private final LongSupplier nanoClock;
    private final LeasePredictions predictions;
    private final JobQueue queue = new JobQueue();
    private final HostLocks hosts;
    /** agent id -> the job it is running. */
    private final Map<String, LeasedJob> busy = new HashMap<>();
    /** agent id -> why its leases must go back to the queue, for releases the store could not write. */
    private final Map<String, String> pendingReleases = new HashMap<>();
    /** agent id -> why its device profile is stale against its hardware and engine; absent = current. */
    private final Map<String, String> staleProfiles = new java.util.concurrent.ConcurrentHashMap<>();
    /** agent id -> when its device profile was calibrated or refreshed (ms since the epoch); absent = unknown. */
    private final Map<String, Long> profileMeasured = new java.util.concurrent.ConcurrentHashMap<>();
    /** agent id -> System.nanoTime() of the last message. */
    private final Map<String, Long> lastHeard = new HashMap<>();

    public JobScheduler(Store store, FleetRegistry fleet, Predictor predictor) {
        this(store, fleet, SchedulerSettings.DEFAULTS, System::nanoTime, predictor);
    }

    /**
     * @param nanoClock monotonic nanoseconds (injectable for lease tests)
     * @param predictor predicts each job's latency on the agent it is leased to
     */
    public JobScheduler(Store store, FleetRegistry fleet, SchedulerSettings settings, LongSupplier nanoClock,
                        Predictor predictor) {
        this(store, fleet, settings, nanoClock, predictor, VariantProfiles.NONE);
    }

    /**
     * @param profiles the variants' per-node profiles, for every registered predictor's prediction
     *                 stored with each lease ({@link Predictors#all()})
     */
    public JobScheduler(Store store, FleetRegistry fleet, SchedulerSettings settings, LongSupplier nanoClock,
                        Predictor predictor, VariantProfiles profiles) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock is null");
        this.predictions = new LeasePredictions(Objects.requireNonNull(predictor, "predictor is null"),
                Predictors.all(), profiles, agentName -> LearnedCells.measured(store.deviceResults(agentName)));
        this.hosts = new HostLocks(settings.shareHosts());
        synchronized (this) {
            store.queuedJobs().forEach(queue::add);
        }
    }

    public SchedulerSettings settings() {
        return settings;
    }

    /**
     * Registers a newly connected agent, welcomes it and hands it work.
     *
     * @throws dev.edgeperf.coordinator.fleet.AgentNameTakenException for a duplicate live name
     */
    public ConnectedAgent connect(JoiningAgent joining, AgentLink link) {
        String name = joining.name();
        // registered under the fleet's lock: a refused duplicate leaves the store as it was
        ConnectedAgent agent = fleet.connect(name, () -> new ConnectedAgent(store.registerAgent(joining.hello()), name,
                joining.host(), joining.traits(), joining.peaks(), joining.executionProvider(), link));
        boolean calibrated = agent.peaks().calibrated();
        LOG.info("agent '{}' connected (id {}, peak {} GFLOP/s {})", name, agent.id(),
                calibrated ? agent.calibratedPeakGflops() : agent.peakGflops(),
                calibrated ? "calibrated" : "theoretical");
        predictions.connected(agent, joining.hello());
        String stale = ProfileStaleness.of(joining.hello());
        if (stale.isEmpty()) {
            staleProfiles.remove(agent.id());
        } else {
            staleProfiles.put(agent.id(), stale);
            LOG.warn("agent '{}' has a stale device profile ({}): its predictions are marked stale; run"
                    + " `scripts/agent calibrate` on it again", name, stale);
        }
        long measured = joining.hello().getCalibration().getMeasuredUnixMs();
        profileMeasured.put(agent.id(), measured);
        String old = ProfileStaleness.age(measured, System.currentTimeMillis(), settings.profileMaxAge());
        if (!old.isEmpty()) {
            LOG.warn("agent '{}' has an old device profile ({}): its predictions are marked stale", name, old);
        }
        List<String> peers;
        synchronized (this) {
            lastHeard.put(agent.id(), nanoClock.getAsLong());
            // a disconnect may have run between fleet.connect and here; it must not leave a stale member
            if (fleet.isConnected(agent)) {
                hosts.join(agent);
            }
            peers = hosts.peerNames(agent);
        }
        if (!peers.isEmpty()) {
            LOG.info("agent '{}' shares host {} with {}: they measure one at a time (serve --share-hosts lifts this)",
                    name, agent.host(), String.join(", ", peers));
        }
        link.welcome(agent.id(), settings.heartbeatIntervalMs());
        dispatchTo(agent);
        return agent;
    }

    public void heartbeat(ConnectedAgent agent) {
        if (heard(agent)) {
            try {
                store.touchAgent(agent.id());
            } catch (EdgeperfException e) {
                rethrowUnlessStoreFailing(e); // last-seen times are best effort; the store's health says why
            }
        }
    }

    private static void rethrowUnlessStoreFailing(EdgeperfException e) {
        if (e.category() == ErrorCategory.INTERNAL || e.category() == ErrorCategory.USER_ERROR) {
            throw e;
        }
    }

    /**
     * Commits a result and only then acknowledges it, saying whether it is stored (see
     * {@link CommitOutcome}). When the store cannot write, the ack says "retry later": the agent keeps
     * the result spooled and the lease stays with it.
     */
    public void result(ConnectedAgent agent, JobResult result) {
        heard(agent);
        if (result.getJobId().isEmpty() || result.getAttempt() < 1) {
            LOG.warn("agent '{}' sent a result without job id/attempt; ignored", agent.name());
            return;
        }
        CommitOutcome outcome;
        try {
            outcome = store.commitResult(agent.id(), result);
        } catch (EdgeperfException e) {
            rethrowUnlessStoreFailing(e);
            // The agent keeps the result spooled and the lease stays with it: nothing is released
            // or re-queued while the store cannot write, and the result lands once it can.
            LOG.warn("cannot store the result of job {} attempt {} from '{}' now; the agent keeps it: {}",
                    result.getJobId(), result.getAttempt(), agent.name(), e.getMessage());
            agent.link().acknowledge(result.getJobId(), result.getAttempt(), CommitOutcome.STORE_FAILING,
                    e.getMessage());
            return;
        }
        String message = outcome.describe(result.getJobId(), result.getAttempt(), agent.name());
        if (outcome.code() == io.grpc.Status.Code.OK) {
            LOG.info("job {} attempt {} on '{}': result {}", result.getJobId(), result.getAttempt(), agent.name(),
                    message);
        } else {
            LOG.warn("rejected a result from '{}' ({}): {}", agent.name(), outcome.code(), message);
        }
        agent.link().acknowledge(result.getJobId(), result.getAttempt(), outcome, message);
        finished(agent, result.getJobId(), result.getAttempt());
    }

    /** A failure the agent reports (model load, ORT error, bad artifact) fails the job at once. */
    public void failure(ConnectedAgent agent, String jobId, int attempt, String reason) {
        heard(agent);
        String why = reason == null || reason.isBlank() ? "agent reported a failure without a reason" : reason;
        boolean failed = store.failJob(jobId, attempt, agent.id(), "agent '" + agent.name() + "': " + why);
        LOG.warn("job {} attempt {} failed on '{}': {}{}", jobId, attempt, agent.name(), why,
                failed ? "" : " (the agent does not hold it; ignored)");
        finished(agent, jobId, attempt);
    }

    /** The agent's stream ended: its leased job goes back to the queue with attempt+1 (bounded). */
    public void disconnect(ConnectedAgent agent) {
        release(agent, "agent '" + agent.name() + "' disconnected while running the job");
    }

    /**
     * Ends the streams of agents silent for longer than the lease timeout and re-queues their jobs.
     * Called periodically (every {@link SchedulerSettings#reapInterval()}).
     *
     * @return names of the agents whose leases expired
     */
    public List<String> expireSilentAgents() {
        retryPendingReleases();
        long now = nanoClock.getAsLong();
        long limit = settings.leaseTimeout().toNanos();
        List<ConnectedAgent> silent = new ArrayList<>();
        synchronized (this) {
            for (ConnectedAgent agent : fleet.connected()) {
                Long last = lastHeard.get(agent.id());
                if (last != null && now - last > limit) {
                    silent.add(agent);
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (ConnectedAgent agent : silent) {
            String reason = "lease expired: agent '" + agent.name() + "' sent nothing for more than "
                    + settings.leaseTimeout().toMillis() + " ms";
            LOG.warn("{}; closing its stream", reason);
            agent.link().close(reason);
            if (release(agent, reason)) {
                names.add(agent.name());
            }
        }
        return names;
    }

    private boolean release(ConnectedAgent agent, String reason) {
        List<String> requeued;
        boolean heldHost;
        // Under the scheduler lock (same order as dispatch: scheduler, then fleet): a dispatch that saw
        // this agent has finished leasing, so its lease is released here rather than stranded. The agent
        // leaves the fleet last, so a reconnect under its name cannot be overwritten as disconnected.
        synchronized (this) {
            if (!fleet.isConnected(agent)) {
                return false;
            }
            busy.remove(agent.id());
            heldHost = hosts.vacate(agent);
            hosts.leave(agent);
            lastHeard.remove(agent.id());
            requeued = releaseInStore(agent.id(), reason);
            fleet.disconnect(agent);
        }
        LOG.info("agent '{}' disconnected{}", agent.name(),
                requeued.isEmpty() ? "" : "; re-queued job(s) " + String.join(", ", requeued));
        if (!requeued.isEmpty()) {
            dispatch();
        } else if (heldHost) {
            offerHost(agent, false);
        }
        return true;
    }

    /**
     * Gives the agent's leases back to the queue in the store. While the store cannot write, the
     * release is remembered and retried by {@link #expireSilentAgents} until it can, so no job stays
     * leased to an agent that is gone.
     */
    private List<String> releaseInStore(String agentId, String reason) {
        try {
            List<String> requeued = store.releaseLeases(agentId, settings.maxAttempts(), reason);
            for (String id : requeued) {
                store.queuedJob(id).ifPresent(queue::add);
            }
            store.setConnected(agentId, false);
            pendingReleases.remove(agentId);
            return requeued;
        } catch (EdgeperfException e) {
            rethrowUnlessStoreFailing(e);
            LOG.warn("cannot release the leases of agent {} now (retried until the store works): {}", agentId,
                    e.getMessage());
            pendingReleases.put(agentId, reason);
            return List.of();
        }
    }

    private void retryPendingReleases() {
        List<String> requeued = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, String> e : List.copyOf(pendingReleases.entrySet())) {
                requeued.addAll(releaseInStore(e.getKey(), e.getValue()));
            }
        }
        if (!requeued.isEmpty()) {
            dispatch();
        }
    }

    /** Adds newly inserted jobs to the queue and hands them to idle agents. */
    public void enqueue(List<LeasedJob> jobs) {
        synchronized (this) {
            jobs.forEach(queue::add);
        }
        dispatch();
    }

    /** Drops cancelled jobs from the queue (leased ones finish on their agents and are refused). */
    public synchronized void dropQueued(List<String> jobIds) {
        jobIds.forEach(queue::remove);
    }

    /** The job an agent is running, if any. */
    public synchronized Optional<LeasedJob> runningOn(String agentId) {
        return Optional.ofNullable(busy.get(agentId));
    }

    /** Jobs waiting in the in-memory queue. */
    public synchronized int queuedCount() {
        return queue.size();
    }

    private synchronized boolean heard(ConnectedAgent agent) {
        if (!lastHeard.containsKey(agent.id()) || !fleet.isConnected(agent)) {
            return false;
        }
        lastHeard.put(agent.id(), nanoClock.getAsLong());
        return true;
    }

    /** Frees the agent when it reports on the very (job, attempt) it runs; a late result of an older attempt does not. */
    private void finished(ConnectedAgent agent, String jobId, int attempt) {
        synchronized (this) {
            LeasedJob running = busy.get(agent.id());
            if (running == null || !running.jobId().equals(jobId) || running.attempt() != attempt) {
                return;
            }
            busy.remove(agent.id());
            hosts.vacate(agent);
        }
        offerHost(agent, false);
    }

    /**
     * Offers {@code agent}'s freed host to the agents on it in turn (the others after it, then itself
     * unless {@code othersOnly}) until one takes a job.
     *
     * @return true when one did
     */
    private boolean offerHost(ConnectedAgent agent, boolean othersOnly) {
        List<ConnectedAgent> turn;
        synchronized (this) {
            turn = hosts.turnAfter(agent);
        }
        for (ConnectedAgent next : turn) {
            if ((next != agent || !othersOnly) && dispatchTo(next)) {
                return true;
            }
        }
        return false;
    }

    /** Leases one job to every idle connected agent that has matching queued work. */
    public void dispatch() {
        List<ConnectedAgent> agents;
        synchronized (this) {
            if (queue.size() == 0) {
                return;
            }
            agents = fleet.connected();
        }
        for (ConnectedAgent agent : agents) {
            dispatchTo(agent);
        }
    }

    /** Why predictions for the agent are stale now: its profile's hardware or engine, or its age; "" = current. */
    private String staleReason(ConnectedAgent agent) {
        return ProfileStaleness.both(staleProfiles.getOrDefault(agent.id(), ""), ProfileStaleness.age(
                profileMeasured.getOrDefault(agent.id(), 0L), System.currentTimeMillis(), settings.profileMaxAge()));
    }

    /**
     * Picks the agent's next job under the lock, but writes the lease outside it: with a thousand
     * agents the database write, not the in-memory pick, is what takes time, and holding the lock
     * across it made every other agent's dispatch wait in line.
     *
     * @return true when a job was sent to the agent (or, after a lease that fell through, to another
     *         agent on its host)
     */
    private boolean dispatchTo(ConnectedAgent agent) {
        boolean gaveHostBack = false;
        while (true) {
            LeasedJob job;
            synchronized (this) {
                if (busy.containsKey(agent.id()) || !fleet.isConnected(agent) || !hosts.mayRun(agent)) {
                    break;
                }
                Optional<LeasedJob> next = queue.poll(agent);
                if (next.isEmpty()) {
                    break;
                }
                job = next.get();
                busy.put(agent.id(), job); // reserves the agent (and its host) while the lease is written
                hosts.occupy(agent);
            }
            boolean leased;
            try {
                leased = store.lease(job, agent.id(), predictions.predict(agent, job, staleReason(agent)));
            } catch (EdgeperfException e) {
                rethrowUnlessStoreFailing(e);
                // nothing is leased while the store cannot write: the job waits in the queue
                synchronized (this) {
                    if (busy.get(agent.id()) == job) {
                        busy.remove(agent.id());
                        hosts.vacate(agent);
                    }
                    queue.add(job);
                }
                LOG.warn("cannot lease job {} now: {}", job.jobId(), e.getMessage());
                return false;
            }
            List<String> requeued = List.of();
            boolean lost;
            synchronized (this) {
                boolean stillOurs = busy.get(agent.id()) == job && fleet.isConnected(agent);
                if (!leased) {
                    if (stillOurs) {
                        busy.remove(agent.id());
                        gaveHostBack |= hosts.vacate(agent);
                    }
                    continue; // cancelled or completed by a late result meanwhile
                }
                lost = !stillOurs;
                if (lost) {
                    // the agent left while the lease was written: give the job back as release() would have
                    requeued = store.releaseLeases(agent.id(), settings.maxAttempts(),
                            "agent '" + agent.name() + "' disconnected as the job was leased");
                    requeued.forEach(id -> store.queuedJob(id).ifPresent(queue::add));
                }
            }
            if (lost) {
                if (!requeued.isEmpty()) {
                    dispatch(); // to another agent
                }
                return false;
            }
            LOG.debug("job {} attempt {} ({} batch {}) leased to '{}'", job.jobId(), job.attempt(), job.modelName(),
                    job.batchSize(), agent.name());
            agent.link().assign(job);
            return true;
        }
        // the host was reserved here and given back unused: peers turned away meanwhile get their turn
        return gaveHostBack && offerHost(agent, true);
    }

    /** The injected predictor's figure for {@code agent}, as the store records it with the lease. */
    Prediction predict(ConnectedAgent agent, long flops, int batch, int threads) {
        return predictions.predict(agent, flops, batch, threads);
    }
}
