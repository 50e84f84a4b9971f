package dev.edgeperf.agent.net;

import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.ArtifactServiceGrpc;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.Heartbeat;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobFailure;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.ResultAck;
import dev.edgeperf.proto.Welcome;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one coordinator over the {@code AgentService.Connect} stream: hello, welcome, heartbeats,
 * jobs run one at a time on a single worker thread, results spooled before they are sent and
 * deleted on their ack, spooled results re-sent after every (re)connect, reconnects with backoff.
 *
 * <p>{@link #run()} blocks until {@link #close()} or a fatal error: the first connection failing for
 * longer than the connect timeout, or the coordinator rejecting the join token (at any time).
 * This class takes a {@link Channel}; whoever created the {@code ManagedChannel} shuts it down.
 */
public final class AgentClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentClient.class);
    /** How long a coordinator may take to answer the hello with a welcome. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    static final int DEFAULT_HEARTBEAT_MS = 5_000;
    /** The longest a coordinator's {@code retry_after_ms} may defer a resend. */
    static final long MAX_RETRY_AFTER_MS = 600_000;

    private final AgentConfig config;
    private final Channel channel;
    private final AgentServiceGrpc.AgentServiceStub agentStub;
    private final JobHandler handler;
    private final ResultSpool spool;
    private final Backoff backoff = new Backoff(() -> ThreadLocalRandom.current().nextDouble());
    private final ExecutorService jobWorker = Executors.newSingleThreadExecutor(daemon("edgeperf-job"));
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(daemon("edgeperf-heartbeat"));
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Backoff per result the coordinator asked to send again later, by "jobId#attempt". */
    private final java.util.Map<String, Backoff> retries = new ConcurrentHashMap<>();
    private volatile Connection current;
    private volatile String busyJobId = "";
    /** The device profile the next hello sends: the config's, until a refresh replaces it. */
    private volatile Optional<Calibration> calibration;
    /** Set when this agent ends its stream itself to join again with a refreshed profile. */
    private final AtomicBoolean rejoining = new AtomicBoolean();

    /**
     * @param handlerFactory builds the job handler from the artifact cache this client sets up over
     *                       the authenticated channel
     */
    public AgentClient(Channel channel, AgentConfig config, Function<ArtifactCache, JobHandler> handlerFactory) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.channel = Objects.requireNonNull(channel, "channel is null");
        Channel authed = ClientInterceptors.intercept(channel, new BearerTokenInterceptor(config.token()));
        this.agentStub = AgentServiceGrpc.newStub(authed);
        ArtifactCache cache = new ArtifactCache(config.workDir().resolve("cache"),
                ArtifactServiceGrpc.newBlockingStub(authed), config.fetchTimeout(), config.cacheMaxBytes(),
                Clock.systemUTC());
        this.handler = Objects.requireNonNull(handlerFactory.apply(cache), "handler is null");
        this.spool = new ResultSpool(config.workDir().resolve("spool"));
        this.calibration = config.calibration();
    }

    /**
     * Every {@code period}, between two jobs (on the job thread, so never during a measurement), runs
     * {@code refresh} and, when it gives a profile, ends the stream and joins again with it: the coordinator
     * takes an agent's profile from its hello, and refits its kernel regressors and the profile's age there.
     * A failed refresh is logged and the profile sent before stays. Call before {@link #run()}.
     *
     * @param refresh measures the device again and returns the profile to send; empty = keep the old one
     */
    public void refreshProfileEvery(Duration period, Supplier<Optional<Calibration>> refresh) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("refresh period must be > 0, got " + period);
        }
        Objects.requireNonNull(refresh, "refresh is null");
        heartbeats.scheduleWithFixedDelay(() -> {
            try {
                jobWorker.execute(() -> refreshProfile(refresh));
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refreshProfile(Supplier<Optional<Calibration>> refresh) {
        if (stop.isDone()) {
            return;
        }
        Optional<Calibration> fresh;
        try {
            fresh = refresh.get();
        } catch (RuntimeException e) {
            LOG.warn("refreshing the device profile failed: {}; the coordinator keeps the one sent before",
                    LogText.printable(String.valueOf(e.getMessage())));
            return;
        }
        if (fresh.isEmpty()) {
            return;
        }
        calibration = fresh;
        Connection c = current;
        if (c != null && !stop.isDone()) {
            LOG.info("joining coordinator {} again to send the refreshed device profile", config.target());
            rejoining.set(true);
            c.leave();
        }
    }

    /** A client whose jobs are all measured with {@code runner}. */
    public static AgentClient measuring(Channel channel, AgentConfig config, MeasurementRunner runner) {
        return measuring(channel, config, runner, runner);
    }

    /**
     * A client whose jobs are measured with {@code runner} (forked workers), or with
     * {@code inProcessRunner} when a job's settings ask for in-process.
     */
    public static AgentClient measuring(Channel channel, AgentConfig config, MeasurementRunner runner,
                                        MeasurementRunner inProcessRunner) {
        return new AgentClient(channel, config, cache -> new MeasuringJobHandler(cache, runner, inProcessRunner,
                config.hardware(), config.agentVersion(), System::currentTimeMillis, config.name(),
                InferenceRunner::availableProviders));
    }

    /** The result spool (for tests and diagnostics). */
    public ResultSpool spool() {
        return spool;
    }

    /**
     * Connects and serves until {@link #close()}.
     *
     * @throws EdgeperfException USER_ERROR when the token is rejected or the coordinator refuses this
     *                           agent on first contact; EXTERNAL when the coordinator stays unreachable
     *                           for the connect timeout
     */
    public void run() {
        long startNs = System.nanoTime();
        boolean everConnected = false;
        LOG.info("agent {} connecting to coordinator {}", config.name(), config.target());
        try {
            while (!stop.isDone()) {
                Outcome outcome = connectAndServe();
                if (stop.isDone()) {
                    return;
                }
                if (rejoining.getAndSet(false) && outcome.welcomed()) {
                    // this agent ended the stream to send a refreshed profile: join again at once
                    continue;
                }
                Status s = outcome.status();
                if (s.getCode() == Status.Code.UNAUTHENTICATED) {
                    throw EdgeperfException.userError("coordinator " + config.target()
                            + " rejected the join token from " + config.tokenFile());
                }
                long delayMs;
                if (outcome.welcomed() || everConnected) {
                    if (outcome.welcomed()) {
                        everConnected = true;
                        backoff.reset();
                    }
                    delayMs = backoff.nextDelayMs();
                    LOG.warn("lost connection to coordinator {}: {}; reconnecting in {} ms", config.target(),
                            ConnectFailure.describe(s, config.tlsCa()), delayMs);
                } else {
                    if (s.getCode() == Status.Code.ALREADY_EXISTS || s.getCode() == Status.Code.INVALID_ARGUMENT
                            || s.getCode() == Status.Code.PERMISSION_DENIED) {
                        throw EdgeperfException.userError("coordinator " + config.target() + " refused agent '"
                                + config.name() + "': " + LogText.describe(s));
                    }
                    long leftMs = config.connectTimeout().toMillis() - (System.nanoTime() - startNs) / 1_000_000;
                    if (leftMs <= 0) {
                        throw EdgeperfException.external("cannot reach coordinator " + config.target() + ": "
                                + ConnectFailure.describe(s, config.tlsCa()) + ConnectFailure.hint(s), s.getCause());
                    }
                    delayMs = Math.min(backoff.nextDelayMs(), leftMs);
                    LOG.info("coordinator {} not reachable yet ({}); retrying in {} ms", config.target(),
                            ConnectFailure.describe(s, config.tlsCa()), delayMs);
                }
                sleep(delayMs);
            }
        } finally {
            shutdownExecutors();
        }
    }

    /** Stops serving: ends the stream, lets a running job finish into the spool for up to 5 s. */
    @Override
    public void close() {
        stop.complete(null);
        Connection c = current;
        if (c != null) {
            c.finish();
        }
    }

    private record Outcome(boolean welcomed, Status status) {
    }

    private Outcome connectAndServe() {
        if (channel instanceof ManagedChannel managed) {
            // our own backoff decides when to retry; gRPC's channel backoff would grow to minutes
            managed.resetConnectBackoff();
        }
        Connection c = new Connection();
        c.open();
        Welcome welcome;
        try {
            welcome = CompletableFuture.anyOf(c.welcome, stop)
                    .thenApply(x -> c.welcome.getNow(null))
                    .get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            current = null;
            return new Outcome(false, Status.fromThrowable(e.getCause()));
        } catch (TimeoutException e) {
            current = null;
            c.cancel("no welcome within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
            return new Outcome(false, Status.DEADLINE_EXCEEDED.withDescription("coordinator sent no welcome within "
                    + HANDSHAKE_TIMEOUT.toSeconds() + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return new Outcome(false, Status.CANCELLED);
        }
        if (welcome == null) {
            current = null;
            c.cancel("agent shutting down");
            return new Outcome(false, Status.CANCELLED);
        }
        int heartbeatMs = welcome.getHeartbeatIntervalMs() > 0 ? welcome.getHeartbeatIntervalMs() : DEFAULT_HEARTBEAT_MS;
        LOG.info("connected to coordinator {} as {} (agent id {}, heartbeat every {} ms)", config.target(),
                config.name(), welcome.getAgentId(), heartbeatMs);
        current = c;
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> c.send(AgentMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(System.currentTimeMillis()).setBusyJobId(busyJobId))
                .build()), heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        resendSpooled(c);
        try {
            Status end = c.closed.join();
            return new Outcome(true, end);
        } finally {
            beat.cancel(false);
            if (current == c) {
                current = null;
            }
        }
    }

    private void resendSpooled(Connection c) {
        List<JobResult> pending = spool.pending();
        if (!pending.isEmpty()) {
            LOG.info("re-sending {} spooled result(s)", pending.size());
        }
        for (JobResult r : pending) {
            c.send(AgentMessage.newBuilder().setResult(r).build());
        }
    }

    private void onJob(JobAssignment job) {
        String key = job.getJobId() + "#" + job.getAttempt();
        var spooled = spool.read(job.getJobId(), job.getAttempt());
        if (spooled.isPresent()) {
            send(AgentMessage.newBuilder().setResult(spooled.get()).build());
            return;
        }
        if (!inFlight.add(key)) {
            LOG.debug("job {} attempt {} is already queued", LogText.printable(job.getJobId()), job.getAttempt());
            return;
        }
        jobWorker.execute(() -> {
            try {
                runJob(job);
            } finally {
                inFlight.remove(key);
            }
        });
    }

    private void runJob(JobAssignment job) {
        String id = LogText.printable(job.getJobId());
        busyJobId = job.getJobId();
        LOG.info("job {} attempt {}: {} ({}) batch {} threads {}", id, job.getAttempt(),
                LogText.printable(job.getModelName()), LogText.printable(job.getVariantRecipe()),
                job.getBatchSize(), job.getIntraOpThreads());
        try {
            JobResult r = handler.execute(job);
            spool.write(r);
            LOG.info("job {} attempt {} done: p50 {} ms, p99 {} ms, {} samples/s ({} iterations, {})", id,
                    job.getAttempt(), LogText.fmt(r.getComputeLatency().getP50Ms()),
                    LogText.fmt(r.getComputeLatency().getP99Ms()), LogText.fmt(r.getThroughputSamplesPerS()), r.getComputeLatency().getCount(), r.getStopReason());
            if (!send(AgentMessage.newBuilder().setResult(r).build())) {
                LOG.info("job {} attempt {}: not connected; the result stays spooled until reconnect", id,
                        job.getAttempt());
            }
        } catch (EdgeperfException e) {
            fail(job, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.error("job {} attempt {} hit an internal error", id, job.getAttempt(), e);
            fail(job, "internal error in agent: " + e);
        } finally {
            busyJobId = "";
        }
    }

    private void fail(JobAssignment job, String reason) {
        String line = LogText.printable(reason);
        LOG.warn("job {} attempt {} failed: {}", LogText.printable(job.getJobId()), job.getAttempt(), line);
        send(AgentMessage.newBuilder().setFailure(JobFailure.newBuilder().setJobId(job.getJobId())
                .setAttempt(job.getAttempt()).setReason(line)).build());
    }

    /**
     * Only a definitive answer drops the spooled copy: STORED, or REJECTED (a job this agent no
     * longer holds, another attempt already stored), which would be rejected again on every
     * reconnect. RETRY_LATER (the coordinator's store cannot write now) keeps it and sends it again
     * with backoff, and after every reconnect, until a definitive answer comes.
     */
    private void onAck(ResultAck ack) {
        String id = LogText.printable(ack.getJobId());
        String key = ack.getJobId() + "#" + ack.getAttempt();
        String why = LogText.codeName(ack.getStatusCode())
                + (ack.getStatusMessage().isEmpty() ? "" : ": " + LogText.printable(ack.getStatusMessage()));
        switch (AckAction.of(ack)) {
            case RETRY -> {
                if (!spool.contains(ack.getJobId(), ack.getAttempt())) {
                    LOG.debug("retry-later ack for job {} attempt {} with nothing spooled; ignored", id, ack.getAttempt());
                    return;
                }
                long delayMs = Math.max(Math.min(ack.getRetryAfterMs(), MAX_RETRY_AFTER_MS),
                        retries.computeIfAbsent(key, k -> new Backoff(() -> ThreadLocalRandom.current().nextDouble()))
                                .nextDelayMs());
                LOG.warn("coordinator cannot store the result of job {} attempt {} now ({}); kept in the spool, "
                        + "sending it again in {} ms", id, ack.getAttempt(), why, delayMs);
                try {
                    heartbeats.schedule(() -> resend(ack.getJobId(), ack.getAttempt()), delayMs, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // shutting down: the copy stays spooled for the next start
                }
            }
            case REJECTED -> {
                retries.remove(key);
                spool.delete(ack.getJobId(), ack.getAttempt());
                LOG.warn("coordinator did not store the result of job {} attempt {}: {}; dropped the spooled copy", id,
                        ack.getAttempt(), why);
            }
            case STORED -> {
                retries.remove(key);
                if (spool.delete(ack.getJobId(), ack.getAttempt())) {
                    LOG.info("job {} attempt {} acknowledged", id, ack.getAttempt());
                }
            }
        }
    }

    /** Sends a spooled result again, if it is still spooled and the agent is connected. */
    private void resend(String jobId, int attempt) {
        spool.read(jobId, attempt).ifPresent(r -> {
            if (!send(AgentMessage.newBuilder().setResult(r).build())) {
                LOG.debug("job {} attempt {}: not connected; the result is re-sent after reconnect",
                        LogText.printable(jobId), attempt);
            }
        });
    }

    /** What an ack asks of the spooled copy; see {@code ResultAck.status} in the contract. */
    enum AckAction {
        STORED, REJECTED, RETRY;

        private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE,
                Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED,
                Status.Code.INTERNAL, Status.Code.UNKNOWN);

        static AckAction of(ResultAck ack) {
            return switch (ack.getStatus()) {
                case ACK_STATUS_STORED -> STORED;
                case ACK_STATUS_REJECTED -> REJECTED;
                case ACK_STATUS_RETRY_LATER -> RETRY;
                case ACK_STATUS_UNSPECIFIED -> {
                    if (ack.getStatusCode() == Status.Code.OK.value()) {
                        yield STORED;
                    }
                    Status.Code code = Status.fromCodeValue(ack.getStatusCode()).getCode();
                    // an out-of-range code maps to UNKNOWN: keeping the copy never loses a result
                    yield RETRYABLE.contains(code) ? RETRY : REJECTED;
                }
                // a newer coordinator's value: keep the copy rather than lose a result
                case UNRECOGNIZED -> RETRY;
            };
        }
    }

    private boolean send(AgentMessage m) {
        Connection c = current;
        return c != null && c.send(m);
    }

    /** One Connect stream. */
    private final class Connection implements ClientResponseObserver<AgentMessage, CoordinatorMessage> {
        final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        private ClientCallStreamObserver<AgentMessage> out;

        void open() {
            agentStub.connect(this);
            AgentHello.Builder hello = AgentHello.newBuilder();
            calibration.ifPresent(hello::setCalibration);
            List<String> providers = InferenceRunner.availableProviders();
            send(AgentMessage.newBuilder().setHello(hello
                    .setName(config.name())
                    .setHardware(ProtoMapping.hardware(config.hardware()))
                    .setAgentVersion(config.agentVersion())
                    .setEngine(InferenceRunner.ENGINE)
                    .setEngineVersion(config.engineVersion())
                    .addAllExecutionProviders(providers.isEmpty() ? List.of(InferenceRunner.EXECUTION_PROVIDER) : providers)
                    .putAllLabels(config.labels())).build());
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
            this.out = requestStream;
        }

        synchronized boolean send(AgentMessage m) {
            if (closed.isDone() || out == null) {
                return false;
            }
            try {
                out.onNext(m);
                return true;
            } catch (RuntimeException e) {
                LOG.debug("send failed on a closing stream: {}", e.toString());
                return false;
            }
        }

        synchronized void finish() {
            leave();
            closed.complete(Status.CANCELLED.withDescription("agent shutting down"));
        }

        /**
         * Ends this agent's side of the stream and lets the coordinator end its own, which it does once the
         * agent has left its fleet, so that the next hello under the same name is not refused as a duplicate.
         */
        synchronized void leave() {
            if (!closed.isDone() && out != null) {
                try {
                    out.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("completing a closing stream failed: {}", e.toString());
                }
            }
        }

        synchronized void cancel(String why) {
            if (out != null) {
                out.cancel(why, null);
            }
        }

        @Override
        public void onNext(CoordinatorMessage m) {
            switch (m.getKindCase()) {
                case WELCOME -> {
                    // before anything else can arrive on this stream, so early jobs can answer on it
                    current = this;
                    welcome.complete(m.getWelcome());
                }
                case JOB -> onJob(m.getJob());
                case ACK -> onAck(m.getAck());
                default -> LOG.debug("ignoring coordinator message {}", m.getKindCase());
            }
        }

        @Override
        public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            welcome.completeExceptionally(s.asRuntimeException());
            closed.complete(s);
        }

        @Override
        public void onCompleted() {
            Status s = Status.UNAVAILABLE.withDescription("coordinator closed the stream");
            welcome.completeExceptionally(s.asRuntimeException());
            closed.complete(s);
        }
    }

    private void sleep(long ms) {
        try {
            stop.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // slept the full delay
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.complete(null);
        }
    }

    private void shutdownExecutors() {
        heartbeats.shutdownNow();
        jobWorker.shutdown();
        try {
            if (!jobWorker.awaitTermination(5, TimeUnit.SECONDS)) {
                jobWorker.shutdownNow();
            }
        } catch (InterruptedException e) {
            jobWorker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
