package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.MeasurementResultProto;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AckStatus;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.ResultAck;
import dev.edgeperf.proto.Welcome;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the agent's handling of coordinator messages through a real {@link AgentClient} on one
 * {@link FakeCoordinator} stream: random sequences of jobs (bad, unknown and tampered digests,
 * settings out of range, odd batch sizes and thread counts, garbage ids, duplicates), acks
 * (every status, random codes, duplicates, for results it has and has not spooled), empty and
 * unknown-field messages, stray welcomes and raw bytes that happen to parse. Every job must be
 * answered, within a bound, by a result or a one-line failure that came from a categorized
 * {@link EdgeperfException} (never "internal error in agent"), the stream must stay up, and a
 * spooled result must be dropped exactly when a definitive ack for it arrived. Tries:
 * {@value FuzzTries#DEFAULT_TRIES}; {@code -Dedgeperf.fuzz.tries=10000} for a benchmark-mode run
 * (figures printed at the end).
 */
@AddLifecycleHook(value = FuzzTries.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class CoordinatorMessageFuzzTest {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    private static final String TOKEN = "fuzz-token";
    private static final String INTERNAL = "internal error in agent";
    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL, Status.Code.UNKNOWN);

    private static final AtomicLong TRIES = new AtomicLong();
    private static final AtomicLong MESSAGES = new AtomicLong();
    private static final AtomicLong JOBS = new AtomicLong();
    private static final AtomicLong RESULTS = new AtomicLong();
    private static final AtomicLong FAILURES = new AtomicLong();
    private static final AtomicLong ACKS = new AtomicLong();
    private static final Map<String, Long> FAILURE_KINDS = new java.util.concurrent.ConcurrentHashMap<>();
    private static long startNs;

    private static Path work;
    private static FakeCoordinator coordinator;
    private static ManagedChannel channel;
    private static AgentClient client;
    private static CompletableFuture<Void> running;
    private static String mnistDigest;
    private static String tamperedDigest;
    private static Level savedLevel;

    /** One step of a generated sequence; ids get the try's prefix when sent. */
    record Step(Kind kind, JobAssignment job, ResultAck ack, byte[] bytes) {
    }

    enum Kind { JOB, DUPLICATE_JOB, ACK_SPOOLED, ACK_JOB, EMPTY, WELCOME, BYTES }

    @BeforeContainer
    static void start() throws Exception {
        Logger agentLog = (Logger) LoggerFactory.getLogger("dev.edgeperf.agent");
        savedLevel = agentLog.getLevel();
        // thousands of expected warnings ("job ... failed") would drown the build log
        agentLog.setLevel(Level.ERROR);
        work = Files.createTempDirectory("edgeperf-fuzz-");
        byte[] mnist = ModelZoo.build("mnist-cnn");
        mnistDigest = dev.edgeperf.core.io.Digests.sha256Hex(mnist);
        tamperedDigest = dev.edgeperf.core.io.Digests.sha256Hex("another model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        coordinator = new FakeCoordinator(TOKEN);
        coordinator.artifacts.put(mnistDigest, mnist);
        byte[] tampered = mnist.clone();
        tampered[tampered.length / 2] ^= 1;
        coordinator.artifacts.put(tamperedDigest, tampered);
        channel = coordinator.channel();
        AgentConfig config = new AgentConfig("fuzz-1", "in-process:" + coordinator.name, TOKEN,
                work.resolve("join-token"), work, Map.of(), Duration.ofSeconds(10), Duration.ofSeconds(10),
                AgentClientTest.hardware(), "0.1.0-fuzz", "1.19.2");
        client = new AgentClient(channel, config, cache -> new MeasuringJobHandler(cache, STUB, STUB,
                AgentClientTest.hardware(), "0.1.0-fuzz", () -> 42L));
        running = CompletableFuture.runAsync(client::run);
        coordinator.next(AgentMessage.KindCase.HELLO, ANSWER_WITHIN);
        startNs = System.nanoTime();
    }

    @AfterContainer
    static void stop() throws Exception {
        double seconds = (System.nanoTime() - startNs) / 1e9;
        client.close();
        running.get(10, TimeUnit.SECONDS);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        coordinator.close();
        ((Logger) LoggerFactory.getLogger("dev.edgeperf.agent")).setLevel(savedLevel);
        System.out.printf("CoordinatorMessage fuzz: %d sequences, %d messages, %d jobs answered by %d results and "
                        + "%d one-line categorized failures, %d acks, 0 crashes or hangs, %.1f s%n  failures by kind: %s%n",
                TRIES.get(), MESSAGES.get(), JOBS.get(), RESULTS.get(), FAILURES.get(), ACKS.get(), seconds,
                new java.util.TreeMap<>(FAILURE_KINDS));
    }

    /**
     * Measures nothing: a plausible request (a verified model, batch <= 64) gets a canned result, any
     * other an EXTERNAL failure, as a real runner would give for a model it cannot run.
     */
    private static final MeasurementRunner STUB = (request, progress) -> {
        if (request.batchSize() > 64) {
            throw EdgeperfException.external("stub runner: batch " + request.batchSize() + " is too large", null);
        }
        return cannedResult(request.batchSize(), request.intraOpThreads(), request.concurrency());
    };

    private static MeasurementResult cannedResult(int batch, int threads, int concurrency) {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 20; i++) {
            h.recordValue(1_000_000L + i * 1_000);
        }
        JobResult r = JobResult.newBuilder().setBatchSize(batch).setIntraOpThreads(threads).setConcurrency(concurrency)
                .setLatencyHistogram(ByteString.copyFrom(LatencyHistograms.encode(h))).setThroughputSamplesPerS(900)
                .setStopReason("max-duration").setEngine("onnxruntime").setEngineVersion("1.19.2")
                .setExecutionProvider("CPU").build();
        return MeasurementResultProto.fromProto(r, ByteString.EMPTY);
    }

    @Property
    void everyJobIsAnsweredAndOnlyDefinitiveAcksUnspool(@ForAll("sequences") List<Step> steps) throws Exception {
        long n = TRIES.incrementAndGet();
        String prefix = "f" + n + "-";
        ResultSpool spool = client.spool();
        // results this try spooled itself, as a job the agent ran before would have left them
        List<String> spooledIds = List.of(prefix + "s0", prefix + "s1");
        for (String id : spooledIds) {
            spool.write(JobResult.newBuilder().setJobId(id).setAttempt(1).setBatchSize(1).build());
        }
        Set<String> definitivelyAcked = new HashSet<>();
        Map<String, JobAssignment> expected = new LinkedHashMap<>();
        JobAssignment last = null;
        int i = 0;
        for (Step s : steps) {
            CoordinatorMessage m;
            switch (s.kind()) {
                case JOB -> {
                    last = s.job().toBuilder().setJobId(prefix + (i++) + s.job().getJobId()).build();
                    expected.put(key(last.getJobId(), last.getAttempt()), last);
                    m = CoordinatorMessage.newBuilder().setJob(last).build();
                }
                case DUPLICATE_JOB -> m = last == null ? CoordinatorMessage.getDefaultInstance()
                        : CoordinatorMessage.newBuilder().setJob(last).build();
                case ACK_SPOOLED -> {
                    ResultAck ack = s.ack().toBuilder().setJobId(spooledIds.get(s.ack().getAttempt() % 2))
                            .setAttempt(1).build();
                    if (definitive(ack)) {
                        definitivelyAcked.add(ack.getJobId());
                    }
                    m = CoordinatorMessage.newBuilder().setAck(ack).build();
                }
                case ACK_JOB -> m = CoordinatorMessage.newBuilder().setAck(s.ack().toBuilder()
                        .setJobId(last == null ? prefix + "none" : last.getJobId())).build();
                case EMPTY -> m = CoordinatorMessage.getDefaultInstance();
                case WELCOME -> m = CoordinatorMessage.newBuilder().setWelcome(Welcome.newBuilder()
                        .setAgentId("again").setHeartbeatIntervalMs(-5)).build();
                default -> {
                    try {
                        m = CoordinatorMessage.parseFrom(s.bytes());
                    } catch (InvalidProtocolBufferException e) {
                        continue;
                    }
                    if (m.hasJob() || m.hasAck()) {
                        // a parsed job or ack carries ids of no try; send only its unknown fields' noise
                        m = CoordinatorMessage.newBuilder().setUnknownFields(m.getUnknownFields()).build();
                    }
                }
            }
            if (m.hasAck()) {
                ACKS.incrementAndGet();
            }
            MESSAGES.incrementAndGet();
            coordinator.send(m);
        }
        // a last job, answered only after every message above was handled (one stream, in order)
        JobAssignment barrier = JobAssignment.newBuilder().setJobId(prefix + "barrier").setAttempt(1)
                .setModelDigest("not-a-digest").setBatchSize(1).build();
        expected.put(key(barrier.getJobId(), 1), barrier);
        coordinator.send(CoordinatorMessage.newBuilder().setJob(barrier).build());
        MESSAGES.incrementAndGet();

        List<JobResult> results = awaitAnswers(expected.keySet());
        JOBS.addAndGet(expected.size());

        for (String id : spooledIds) {
            assertThat(spool.contains(id, 1)).as("%s spooled after acks (definitive: %s)", id,
                    definitivelyAcked.contains(id)).isEqualTo(!definitivelyAcked.contains(id));
        }
        assertThat(running).as("agent still serving").isNotDone();
        // clean up: the results of this try are stored, the pre-spooled copies gone
        for (JobResult r : results) {
            coordinator.send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId(r.getJobId())
                    .setAttempt(r.getAttempt()).setStatus(AckStatus.ACK_STATUS_STORED)).build());
        }
        spooledIds.forEach(id -> spool.delete(id, 1));
    }

    /** Waits for one answer per key; checks every failure's form. */
    private static List<JobResult> awaitAnswers(Set<String> keys) throws InterruptedException {
        Set<String> open = new HashSet<>(keys);
        List<JobResult> results = new ArrayList<>();
        long end = System.nanoTime() + ANSWER_WITHIN.toNanos();
        while (!open.isEmpty()) {
            long left = end - System.nanoTime();
            assertThat(left).as("agent answered every job within %s; still open: %s", ANSWER_WITHIN, open)
                    .isPositive();
            AgentMessage m = coordinator.received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                continue;
            }
            if (m.hasFailure()) {
                String reason = m.getFailure().getReason();
                assertThat(reason).as("one line").isNotBlank().doesNotContain("\n").doesNotContain("\r");
                assertThat(reason).as("categorized, not an internal error").doesNotStartWith(INTERNAL);
                if (open.remove(key(m.getFailure().getJobId(), m.getFailure().getAttempt()))) {
                    FAILURES.incrementAndGet();
                    FAILURE_KINDS.merge(kindOf(reason, m.getFailure().getJobId()), 1L, Long::sum);
                }
            } else if (m.hasResult() && open.remove(key(m.getResult().getJobId(), m.getResult().getAttempt()))) {
                RESULTS.incrementAndGet();
                results.add(m.getResult());
            }
        }
        return results;
    }

    /** The failure with the job id, digests and numbers taken out, cut short, to count kinds. */
    private static String kindOf(String reason, String jobId) {
        String r = reason.replace(LogText.printable(jobId), "ID").replace(jobId, "ID")
                .replaceAll("[0-9a-f]{64}", "DIGEST").replaceAll("'[^']*'", "'S'")
                .replaceAll("-?\\d+(\\.\\d+)?(E-?\\d+)?", "N").replaceAll("NaN|-?Infinity", "N");
        int cut = r.indexOf(" is out of range");
        r = cut > 0 ? r.substring(0, cut) : r;
        return r.length() > 48 ? r.substring(0, 48) : r;
    }

    /** Any text a protobuf string can carry (no unpaired surrogates: the wire is UTF-8). */
    private static Arbitrary<String> anyText(int maxLength) {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(maxLength);
    }

    /** The contract's rule (proto ResultAck.status), written out independently of the agent's code. */
    private static boolean definitive(ResultAck ack) {
        return switch (ack.getStatus()) {
            case ACK_STATUS_STORED, ACK_STATUS_REJECTED -> true;
            case ACK_STATUS_RETRY_LATER, UNRECOGNIZED -> false;
            case ACK_STATUS_UNSPECIFIED -> ack.getStatusCode() == 0
                    || !RETRYABLE.contains(Status.fromCodeValue(ack.getStatusCode()).getCode());
        };
    }

    private static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, jobs().map(j -> new Step(Kind.JOB, j, null, null))),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Step(Kind.DUPLICATE_JOB, null, null, null))),
                net.jqwik.api.Tuple.of(4, acks().map(a -> new Step(Kind.ACK_SPOOLED, null, a, null))),
                net.jqwik.api.Tuple.of(2, acks().map(a -> new Step(Kind.ACK_JOB, null, a, null))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Step(Kind.EMPTY, null, null, null))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Step(Kind.WELCOME, null, null, null))),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                        .map(b -> new Step(Kind.BYTES, null, null, b))));
        return step.list().ofMinSize(1).ofMaxSize(10);
    }

    private Arbitrary<JobAssignment> jobs() {
        Arbitrary<String> digest = Arbitraries.oneOf(Arbitraries.just(mnistDigest), Arbitraries.just(mnistDigest),
                Arbitraries.just(tamperedDigest),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF/.\\ \n").ofMaxLength(70),
                anyText(80));
        Arbitrary<String> idSuffix = Arbitraries.oneOf(Arbitraries.strings().alpha().ofMaxLength(8),
                anyText(40), Arbitraries.just("/../../etc/passwd"),
                Arbitraries.just("\n\u0000"));
        Arbitrary<Integer> batch = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, 8)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-3, 80)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE)));
        Arbitrary<Integer> threads = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 8)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-2, 0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE)));
        Arbitrary<Integer> attempt = Arbitraries.oneOf(Arbitraries.integers().between(-1, 3),
                Arbitraries.of(Integer.MAX_VALUE));
        return Combinators.combine(idSuffix, attempt, digest, batch, threads, settings())
                .as((id, a, d, b, t, s) -> {
                    JobAssignment.Builder j = JobAssignment.newBuilder().setJobId(id).setAttempt(a).setModelDigest(d)
                            .setModelName("fuzz").setVariantRecipe("baseline").setBatchSize(b).setIntraOpThreads(t);
                    s.ifPresent(j::setSettings);
                    return j.build();
                });
    }

    /** Empty, in range, and out of range in one or more fields; absent now and then. */
    private Arbitrary<java.util.Optional<MeasurementSettings>> settings() {
        Arbitrary<Integer> count = Arbitraries.oneOf(Arbitraries.integers().between(-2, 60),
                Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 1_000_001, 0));
        Arbitrary<Long> duration = Arbitraries.oneOf(Arbitraries.longs().between(-5, 300),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 86_400_001L, 0L, 50L));
        Arbitrary<Double> target = Arbitraries.oneOf(Arbitraries.doubles().between(-0.1, 1.5),
                Arbitraries.of(0.0, 0.0005, 0.001, 0.5, Double.NaN, Double.POSITIVE_INFINITY, -0.0));
        Arbitrary<Integer> concurrency = Arbitraries.oneOf(Arbitraries.integers().between(-1, 4),
                Arbitraries.of(1025, Integer.MAX_VALUE));
        Arbitrary<MeasurementSettings> s = Combinators.combine(count, count, duration, duration, target,
                Arbitraries.of(true, false), concurrency).as((w, mi, mind, maxd, t, stable, c) ->
                MeasurementSettings.newBuilder().setWarmupIterations(w).setMinIterations(mi).setMinDurationMs(mind)
                        .setMaxDurationMs(maxd).setTargetCiHalfWidth(t).setWarmupUntilStable(stable)
                        .setConcurrency(c).setInProcess(true).build());
        return Arbitraries.oneOf(s.map(java.util.Optional::of),
                Arbitraries.just(java.util.Optional.of(MeasurementSettings.getDefaultInstance())),
                Arbitraries.just(java.util.Optional.empty()));
    }

    private Arbitrary<ResultAck> acks() {
        Arbitrary<Integer> code = Arbitraries.oneOf(Arbitraries.integers().between(0, 16),
                Arbitraries.of(-1, 99, Integer.MAX_VALUE));
        Arbitrary<Integer> status = Arbitraries.oneOf(Arbitraries.integers().between(0, 3), Arbitraries.of(7, -1));
        Arbitrary<Long> retryAfter = Arbitraries.oneOf(Arbitraries.longs().between(-10, 50),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE));
        return Combinators.combine(code, status, retryAfter, Arbitraries.integers().between(0, 1),
                        anyText(30))
                .as((c, st, ra, which, msg) -> ResultAck.newBuilder().setStatusCode(c).setStatusValue(st)
                        .setRetryAfterMs(ra).setAttempt(which).setStatusMessage(msg).build());
    }
}
