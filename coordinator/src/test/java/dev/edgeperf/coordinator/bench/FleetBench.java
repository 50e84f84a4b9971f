package dev.edgeperf.coordinator.bench;

import dev.edgeperf.coordinator.grpc.BearerTokenCredentials;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.AgentMessage;
import dev.edgeperf.proto.AgentServiceGrpc;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.CampaignStatusRequest;
import dev.edgeperf.proto.CoordinatorMessage;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.Heartbeat;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import dev.edgeperf.proto.SubmitCampaignRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Fleet-scale benchmark: N light fake agents (each a real AgentService stream, spread over a few
 * channels) on one running coordinator answer every job at once with a synthetic result. Prints
 * results/s, dispatch latency (agent sends a result -> agent receives its next job) p50/p99, and
 * the coordinator's heap from its /metrics. Run by {@code scripts/bench-fleet.sh}.
 *
 * <p>Args: {@code --coordinator HOST:PORT --http URL --token-file F [--agents 1000] [--batches 20] [--channels 8]}
 */
public final class FleetBench {
    /** Agent free (its result acknowledged, i.e. committed) -> its next job received: the scheduler's latency. */
    private final ConcurrentHistogram dispatchMicros = new ConcurrentHistogram(60_000_000L, 3);
    /** Result sent -> next job received: commit + ack + dispatch, as the agent sees it under full load. */
    private final ConcurrentHistogram turnaroundMicros = new ConcurrentHistogram(60_000_000L, 3);
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicLong firstJobNanos = new AtomicLong();
    private final AtomicLong lastAckNanos = new AtomicLong();
    private CountDownLatch allDone;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        new FleetBench().run(a.get("--coordinator"), a.get("--http"), Files.readString(Path.of(a.get("--token-file")))
                .strip(), Integer.parseInt(a.getOrDefault("--agents", "1000")),
                Integer.parseInt(a.getOrDefault("--batches", "20")), Integer.parseInt(a.getOrDefault("--channels", "8")));
        System.exit(0);
    }

    private final class FakeAgent implements StreamObserver<CoordinatorMessage> {
        private final String name;
        private StreamObserver<AgentMessage> out;
        private volatile long resultSentNanos;
        private volatile long ackedNanos;
        private final CountDownLatch welcomed = new CountDownLatch(1);

        FakeAgent(String name) {
            this.name = name;
        }

        void start(ManagedChannel channel, String token) {
            // each fake agent is a simulated device with its own hostname and fingerprint, so the
            // coordinator's one-job-per-host rule does not serialize them (no --share-hosts needed)
            out = AgentServiceGrpc.newStub(channel).withCallCredentials(new BearerTokenCredentials(token))
                    .connect(this);
            send(AgentMessage.newBuilder().setHello(AgentHello.newBuilder().setName(name).setAgentVersion("bench")
                    .setEngine("fake").setEngineVersion("0").putLabels("pool", "bench")
                    .setHardware(Hardware.newBuilder().setCpuModel("fake").setPhysicalCores(1).setLogicalCores(1)
                            .setArch("x86_64").setBoard("bench").setPeakGflopsFp32(10).setFingerprint("fp-" + name)
                            .setHostname(name).setOs("bench").setJvm("bench"))).build());
        }

        synchronized void send(AgentMessage m) {
            out.onNext(m);
        }

        @Override
        public void onNext(CoordinatorMessage m) {
            long now = System.nanoTime();
            switch (m.getKindCase()) {
                case WELCOME -> welcomed.countDown();
                case JOB -> {
                    firstJobNanos.compareAndSet(0, now);
                    if (resultSentNanos != 0) {
                        turnaroundMicros.recordValue(Math.min((now - resultSentNanos) / 1000, 59_000_000L));
                        dispatchMicros.recordValue(Math.min((now - ackedNanos) / 1000, 59_000_000L));
                    }
                    JobAssignment job = m.getJob();
                    resultSentNanos = System.nanoTime();
                    send(AgentMessage.newBuilder().setResult(result(job)).build());
                }
                case ACK -> {
                    if (m.getAck().getStatusCode() != 0) {
                        rejected.incrementAndGet();
                    }
                    ackedNanos = now;
                    acked.incrementAndGet();
                    lastAckNanos.set(now);
                    allDone.countDown();
                }
                default -> { }
            }
        }

        @Override
        public void onError(Throwable t) {
            System.err.println("agent " + name + " stream failed: " + t);
        }

        @Override
        public void onCompleted() {
        }
    }

    static JobResult result(JobAssignment job) {
        double p50 = 0.1 * job.getBatchSize();
        return JobResult.newBuilder().setJobId(job.getJobId()).setAttempt(job.getAttempt())
                .setBatchSize(job.getBatchSize()).setIntraOpThreads(1)
                .setComputeLatency(LatencyStats.newBuilder().setCount(100).setMeanMs(p50).setMinMs(p50 * 0.9)
                        .setP50Ms(p50).setP90Ms(p50 * 1.1).setP95Ms(p50 * 1.2).setP99Ms(p50 * 1.3).setMaxMs(p50 * 2))
                .setThroughputSamplesPerS(job.getBatchSize() * 1000 / p50).setStopReason("synthetic")
                .setEngine("fake").setEngineVersion("0").setExecutionProvider("CPU").setJvm("bench")
                .setAgentVersion("bench").setHardwareFingerprint("fp").setFinishedUnixMs(System.currentTimeMillis())
                .build();
    }

    void run(String coordinator, String http, String token, int agents, int batches, int channels) throws Exception {
        String host = coordinator.substring(0, coordinator.lastIndexOf(':'));
        int port = Integer.parseInt(coordinator.substring(coordinator.lastIndexOf(':') + 1));
        List<ManagedChannel> pool = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            pool.add(Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create()).build());
        }
        List<FakeAgent> fleet = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < agents; i++) {
            FakeAgent agent = new FakeAgent(String.format(Locale.ROOT, "bench-%04d", i));
            agent.start(pool.get(i % channels), token);
            fleet.add(agent);
        }
        for (FakeAgent agent : fleet) {
            if (!agent.welcomed.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(agent.name + " got no welcome");
            }
        }
        System.out.printf(Locale.ROOT, "fleet-bench: %d agents connected in %.1f s over %d channels%n", agents,
                (System.nanoTime() - connectStart) / 1e9, channels);
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(() -> fleet.forEach(f -> f.send(AgentMessage.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setSentUnixMs(System.currentTimeMillis())).build())),
                2, 2, TimeUnit.SECONDS);

        List<Integer> batchSizes = new ArrayList<>();
        for (int b = 1; b <= batches; b++) {
            batchSizes.add(b);
        }
        int expected = agents * batches;
        allDone = new CountDownLatch(expected);
        var campaigns = CampaignServiceGrpc.newBlockingStub(pool.get(0))
                .withCallCredentials(new BearerTokenCredentials(token));
        long submitStart = System.nanoTime();
        CampaignStatus submitted = campaigns.withDeadlineAfter(5, TimeUnit.MINUTES).submit(SubmitCampaignRequest
                .newBuilder().setName("fleet-bench").addModels("mnist-cnn").addAllBatchSizes(batchSizes)
                .addSelectors("all").setSettings(dev.edgeperf.core.measure.MeasurementSettings.builder().minIterations(1).minDurationMs(0L).build().toProto()).build());
        System.out.printf(Locale.ROOT, "fleet-bench: campaign %s with %d jobs submitted in %.1f s%n",
                submitted.getCampaignId(), submitted.getJobsTotal(), (System.nanoTime() - submitStart) / 1e9);
        if (!allDone.await(10, TimeUnit.MINUTES)) {
            System.out.println("fleet-bench: TIMED OUT with " + acked.get() + " of " + expected + " results acked");
        }
        double seconds = (lastAckNanos.get() - firstJobNanos.get()) / 1e9;
        CampaignStatus status = campaigns.withDeadlineAfter(2, TimeUnit.MINUTES).getStatus(CampaignStatusRequest
                .newBuilder().setCampaignId(submitted.getCampaignId()).build());
        Histogram h = dispatchMicros.copy();
        System.out.printf(Locale.ROOT, "fleet-bench: %d results acked (%d refused), %d stored as done, in %.2f s"
                        + " = %.0f results/s%n", acked.get(), rejected.get(), status.getJobsDone(), seconds,
                acked.get() / seconds);
        System.out.printf(Locale.ROOT, "fleet-bench: dispatch latency (result acknowledged -> next job received):"
                        + " p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)%n",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                h.getTotalCount());
        Histogram t = turnaroundMicros.copy();
        System.out.printf(Locale.ROOT, "fleet-bench: turnaround (result sent -> next job received, includes the"
                        + " commit queue of %d busy agents): p50 %.2f ms, p99 %.2f ms%n", agents,
                t.getValueAtPercentile(50) / 1e3, t.getValueAtPercentile(99) / 1e3);
        System.out.println("fleet-bench: coordinator heap used " + heap(http));
        beats.shutdownNow();
        for (FakeAgent agent : fleet) {
            agent.out.onCompleted();
        }
        pool.forEach(ManagedChannel::shutdown);
        for (ManagedChannel c : pool) {
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Sum of jvm_memory_used_bytes{area="heap"} from the coordinator's Prometheus endpoint. */
    static String heap(String http) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double used = body.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            return String.format(Locale.ROOT, "%.0f MiB (after the run, before GC)", used / (1 << 20));
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }
}
