package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AckStatus;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.ResultAck;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "s3cret-token";
    private static byte[] mnist;
    private static String mnistDigest;

    @TempDir
    Path work;
    private FakeCoordinator coordinator;
    private ManagedChannel channel;
    private AgentClient client;
    private CompletableFuture<Void> running;

    @BeforeAll
    static void model() {
        mnist = ModelZoo.build("mnist-cnn");
        mnistDigest = Digests.sha256Hex(mnist);
    }

    static HardwareInfo hardware() {
        return new HardwareInfo("Test CPU", 2, 4, 3_000_000_000L, 8L << 30, "TestOS", "x86_64",
                List.of("avx2", "fma"), 192.0, "2 cores x 3.00 GHz x 32 FLOP/cycle (avx2+fma)", "generic-x86_64",
                "0123456789abcdef", "test-host", "TestVM 17");
    }

    private AgentConfig config(String token, Duration connectTimeout) {
        return new AgentConfig("bench-1", "in-process:" + coordinator.name, token, work.resolve("join-token"), work,
                Map.of("rack", "a"), connectTimeout, Duration.ofSeconds(30), hardware(), "0.1.0-test", "1.19.2");
    }

    private void startAgent(String token) {
        channel = coordinator.channel();
        client = AgentClient.measuring(channel, config(token, Duration.ofSeconds(10)),
                new InferenceRunner(new DeviceSensors(work), 2));
        running = CompletableFuture.runAsync(client::run);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
            try {
                running.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a test that expected a failure already checked it
            }
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private static JobAssignment job(String id, String digest) {
        return JobAssignment.newBuilder().setJobId(id).setAttempt(1).setModelName("mnist-cnn").setModelDigest(digest)
                .setVariantRecipe("baseline").setBatchSize(2).setIntraOpThreads(1)
                .setSettings(MeasurementSettings.newBuilder().setWarmupIterations(1).setMinIterations(5)
                        .setMinDurationMs(10).setMaxDurationMs(2000))
                .build();
    }

    @Test
    void helloJobResultAckRemovesTheSpoolFile() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        coordinator.artifacts.put(mnistDigest, mnist);
        startAgent(TOKEN);

        AgentMessage hello = coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        assertThat(hello.getHello().getName()).isEqualTo("bench-1");
        assertThat(hello.getHello().getHardware().getFingerprint()).isEqualTo("0123456789abcdef");
        assertThat(hello.getHello().getEngine()).isEqualTo("onnxruntime");
        assertThat(hello.getHello().getExecutionProvidersList()).containsExactly("CPU");
        assertThat(hello.getHello().getLabelsMap()).containsEntry("rack", "a");
        coordinator.next(AgentMessage.KindCase.HEARTBEAT, WAIT);

        coordinator.send(CoordinatorMessage.newBuilder().setJob(job("job-1", mnistDigest)).build());
        JobResult r = coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult();
        assertThat(r.getJobId()).isEqualTo("job-1");
        assertThat(r.getAttempt()).isEqualTo(1);
        assertThat(r.getBatchSize()).isEqualTo(2);
        assertThat(r.getIntraOpThreads()).isEqualTo(1);
        assertThat(r.getComputeLatency().getCount()).isGreaterThanOrEqualTo(5);
        assertThat(r.getComputeLatency().getP50Ms()).isPositive();
        assertThat(r.getStopReason()).isEqualTo("min-iterations-and-min-duration-met");
        assertThat(r.getHardwareFingerprint()).isEqualTo("0123456789abcdef");
        assertThat(r.getWarmupIterations()).isEqualTo(1);
        assertThat(work.resolve("cache").resolve(mnistDigest + ".onnx")).exists();

        Path spooled = client.spool().fileFor("job-1", 1);
        assertThat(spooled).exists();
        assertThat(JobResult.parseFrom(Files.readAllBytes(spooled))).isEqualTo(r);
        coordinator.send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId("job-1").setAttempt(1))
                .build());
        long end = System.nanoTime() + WAIT.toNanos();
        while (Files.exists(spooled) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(spooled).doesNotExist();
    }

    @Test
    void aRefreshedProfileIsSentInASecondHelloBetweenJobsAndAFailedRefreshKeepsTheStream() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        coordinator.artifacts.put(mnistDigest, mnist);
        channel = coordinator.channel();
        client = AgentClient.measuring(channel, config(TOKEN, Duration.ofSeconds(10)),
                new InferenceRunner(new DeviceSensors(work), 2));
        AtomicInteger refreshes = new AtomicInteger();
        client.refreshProfileEvery(Duration.ofMillis(300), () -> {
            int n = refreshes.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("probe failed");
            }
            return Optional.of(Calibration.newBuilder().setMatmulGflops(50)
                    .setMeasuredUnixMs(1000L * n).build());
        });
        running = CompletableFuture.runAsync(client::run);

        AgentMessage first = coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        assertThat(first.getHello().hasCalibration()).isFalse();
        // the first refresh fails: no second hello for it; the second one rejoins with its profile
        AgentMessage second = coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        assertThat(refreshes.get()).isGreaterThanOrEqualTo(2);
        assertThat(second.getHello().getName()).isEqualTo("bench-1");
        assertThat(second.getHello().getCalibration().getMatmulGflops()).isEqualTo(50);
        assertThat(second.getHello().getCalibration().getMeasuredUnixMs()).isEqualTo(2000L);
        assertThat(coordinator.connects.get()).isGreaterThanOrEqualTo(2);

        // jobs on the new stream are served as before
        coordinator.send(CoordinatorMessage.newBuilder().setJob(job("job-after", mnistDigest)).build());
        assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult().getJobId()).isEqualTo("job-after");
    }

    @Test
    void aRefreshPeriodMustBePositive() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        channel = coordinator.channel();
        AgentClient c = AgentClient.measuring(channel, config(TOKEN, Duration.ofSeconds(1)),
                new InferenceRunner(new DeviceSensors(work), 2));
        assertThatThrownBy(() -> c.refreshProfileEvery(Duration.ZERO, Optional::empty)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("> 0");
        c.close();
    }

    @Test
    void digestMismatchIsAJobFailureAndLeavesNoFile() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        byte[] tampered = mnist.clone();
        tampered[tampered.length / 2] ^= 0x01;
        coordinator.artifacts.put(mnistDigest, tampered);
        startAgent(TOKEN);
        coordinator.next(AgentMessage.KindCase.HELLO, WAIT);

        coordinator.send(CoordinatorMessage.newBuilder().setJob(job("job-bad", mnistDigest)).build());
        AgentMessage failure = coordinator.next(AgentMessage.KindCase.FAILURE, WAIT);
        assertThat(failure.getFailure().getJobId()).isEqualTo("job-bad");
        assertThat(failure.getFailure().getReason()).contains(mnistDigest).contains("failed verification")
                .doesNotContain("\n");
        try (Stream<Path> files = Files.list(work.resolve("cache"))) {
            assertThat(files).isEmpty();
        }

        // the agent keeps serving: the next job with a good artifact succeeds
        coordinator.artifacts.put(mnistDigest, mnist);
        coordinator.send(CoordinatorMessage.newBuilder().setJob(job("job-good", mnistDigest)).build());
        assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult().getJobId()).isEqualTo("job-good");
    }

    @Test
    void malformedDigestFailsWithoutTouchingTheNetworkOrDisk() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        startAgent(TOKEN);
        coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        coordinator.send(CoordinatorMessage.newBuilder().setJob(job("job-x", "../../etc/passwd")).build());
        AgentMessage failure = coordinator.next(AgentMessage.KindCase.FAILURE, WAIT);
        assertThat(failure.getFailure().getReason()).contains("is not a SHA-256 digest");
        assertThat(work.resolve("cache")).doesNotExist();
    }

    @Test
    void wrongTokenStopsAtOnceWithAClearError() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        channel = coordinator.channel();
        client = AgentClient.measuring(channel, config("wrong", Duration.ofSeconds(30)),
                new InferenceRunner(new DeviceSensors(work), 2));
        long start = System.nanoTime();
        assertThatThrownBy(client::run)
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("coordinator in-process:" + coordinator.name + " rejected the join token from "
                        + work.resolve("join-token"))
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        // well under the 30 s connect timeout: a rejected token is not retried (a generous bound, not a timing)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
        client = null;
    }

    @Test
    void unreachableCoordinatorGivesUpAfterTheConnectTimeout() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        coordinator.close();
        channel = coordinator.channel();
        AgentClient lonely = AgentClient.measuring(channel, config(TOKEN, Duration.ofMillis(1200)),
                new InferenceRunner(new DeviceSensors(work), 2));
        long start = System.nanoTime();
        assertThatThrownBy(lonely::run)
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("cannot reach coordinator in-process:" + coordinator.name + ": UNAVAILABLE")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(60));
        coordinator = null;
    }

    @Test
    void spooledResultsAreResentAfterEveryConnect() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        JobResult old = JobResult.newBuilder().setJobId("job-old").setAttempt(2).setBatchSize(1).build();
        new ResultSpool(work.resolve("spool")).write(old);
        startAgent(TOKEN);

        coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult()).isEqualTo(old);

        // break the stream: the agent reconnects (hello again) and re-sends the unacknowledged result
        coordinator.toAgent.onError(Status.UNAVAILABLE.withDescription("coordinator restarting").asRuntimeException());
        coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
        assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult()).isEqualTo(old);
        assertThat(coordinator.connects.get()).isEqualTo(2);
    }

    @Test
    void rejectedAckIsAWarningWithCodeAndMessageAndStillDropsTheSpooledCopy() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        ResultSpool spool = new ResultSpool(work.resolve("spool"));
        Path rejected = spool.write(JobResult.newBuilder().setJobId("job-lost").setAttempt(1).build());
        Path stored = spool.write(JobResult.newBuilder().setJobId("job-ok").setAttempt(1).build());
        try (LogCapture log = new LogCapture(AgentClient.class)) {
            startAgent(TOKEN);
            coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
            coordinator.next(AgentMessage.KindCase.RESULT, WAIT);
            coordinator.next(AgentMessage.KindCase.RESULT, WAIT);

            coordinator.send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId("job-lost")
                    .setAttempt(1).setStatusCode(Status.Code.PERMISSION_DENIED.value())
                    .setStatusMessage("job job-lost attempt 1 is not leased to agent bench-1")).build());
            coordinator.send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId("job-ok")
                    .setAttempt(1)).build());

            awaitGone(rejected);
            awaitGone(stored);
            assertThat(log.lines(ch.qos.logback.classic.Level.WARN)).containsExactly("coordinator did not store the"
                    + " result of job job-lost attempt 1: PERMISSION_DENIED: job job-lost attempt 1 is not leased to"
                    + " agent bench-1; dropped the spooled copy");
            assertThat(log.lines(ch.qos.logback.classic.Level.INFO)).contains("job job-ok attempt 1 acknowledged");
        }
    }

    /**
     * Issue 11 (disk full): a coordinator whose store cannot write answers RETRY_LATER; the agent
     * keeps the result spooled, sends it again by itself (no reconnect), and drops it only once stored.
     */
    @Test
    void retryLaterAckKeepsTheResultSpooledAndResendsItUntilStored() throws Exception {
        coordinator = new FakeCoordinator(TOKEN);
        ResultSpool spool = new ResultSpool(work.resolve("spool"));
        JobResult result = JobResult.newBuilder().setJobId("job-full").setAttempt(1).setBatchSize(1).build();
        Path file = spool.write(result);
        try (LogCapture log = new LogCapture(AgentClient.class)) {
            startAgent(TOKEN);
            coordinator.next(AgentMessage.KindCase.HELLO, WAIT);
            assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult()).isEqualTo(result);

            ResultAck retry = ResultAck.newBuilder().setJobId("job-full").setAttempt(1)
                    .setStatus(AckStatus.ACK_STATUS_RETRY_LATER).setStatusCode(Status.Code.UNAVAILABLE.value())
                    .setStatusMessage("store unhealthy: disk full").build();
            coordinator.send(CoordinatorMessage.newBuilder().setAck(retry).build());
            assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult()).isEqualTo(result);
            assertThat(file).exists();
            // an old coordinator's UNAVAILABLE without the status field is retryable too
            coordinator.send(CoordinatorMessage.newBuilder().setAck(retry.toBuilder().clearStatus()).build());
            assertThat(coordinator.next(AgentMessage.KindCase.RESULT, WAIT).getResult()).isEqualTo(result);
            assertThat(file).exists();
            assertThat(coordinator.connects.get()).as("resent on the same stream").isEqualTo(1);
            assertThat(log.lines(ch.qos.logback.classic.Level.WARN)).hasSize(2).allMatch(l -> l.startsWith("coordinator cannot "
                    + "store the result of job job-full attempt 1 now (UNAVAILABLE: store unhealthy: disk full); kept in"
                    + " the spool, sending it again in "));

            coordinator.send(CoordinatorMessage.newBuilder().setAck(ResultAck.newBuilder().setJobId("job-full")
                    .setAttempt(1).setStatus(AckStatus.ACK_STATUS_STORED)).build());
            awaitGone(file);
        }
    }

    @Test
    void onlyDefinitiveAcksDropTheSpooledCopy() {
        ResultAck base = ResultAck.newBuilder().setJobId("j").setAttempt(1).build();
        assertThat(AgentClient.AckAction.of(base)).isEqualTo(AgentClient.AckAction.STORED);
        for (Status.Code c : new Status.Code[] {Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED,
                Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL, Status.Code.UNKNOWN}) {
            assertThat(AgentClient.AckAction.of(base.toBuilder().setStatusCode(c.value()).build())).as(c.name())
                    .isEqualTo(AgentClient.AckAction.RETRY);
        }
        for (Status.Code c : new Status.Code[] {Status.Code.PERMISSION_DENIED, Status.Code.ALREADY_EXISTS,
                Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION}) {
            assertThat(AgentClient.AckAction.of(base.toBuilder().setStatusCode(c.value()).build())).as(c.name())
                    .isEqualTo(AgentClient.AckAction.REJECTED);
        }
        // the explicit status wins over the code
        assertThat(AgentClient.AckAction.of(base.toBuilder().setStatusCode(Status.Code.UNAVAILABLE.value())
                .setStatus(AckStatus.ACK_STATUS_REJECTED).build())).isEqualTo(AgentClient.AckAction.REJECTED);
        assertThat(AgentClient.AckAction.of(base.toBuilder().setStatus(AckStatus.ACK_STATUS_RETRY_LATER).build()))
                .isEqualTo(AgentClient.AckAction.RETRY);
        // a status this agent does not know (a newer coordinator) keeps the copy
        assertThat(AgentClient.AckAction.of(base.toBuilder().setStatusValue(42).build()))
                .isEqualTo(AgentClient.AckAction.RETRY);
    }

    @Test
    void statusCodesFromTheWireAreNamed() {
        assertThat(LogText.codeName(6)).isEqualTo("ALREADY_EXISTS");
        assertThat(LogText.codeName(99)).isEqualTo("status code 99");
    }

    private static void awaitGone(Path file) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (Files.exists(file) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(file).doesNotExist();
    }
}
