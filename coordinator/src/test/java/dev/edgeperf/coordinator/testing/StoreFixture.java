package dev.edgeperf.coordinator.testing;

import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.proto.DeviceState;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A real H2 store filled through the store's own write API in the order the scheduler calls it:
 * {@code registerAgent} with the hardware the agent's probe reports, {@code insertCampaign} with
 * the jobs the planner makes ("all" selector: one job per agent, bound to it), {@code lease} with
 * the prediction the scheduler makes at lease time, {@code commitResult} with results built as the
 * agent builds them (statistics read from an HdrHistogram recorded in nanoseconds and sent
 * compressed), {@code failJob} with a reason as the scheduler words it, and {@code cancelCampaign}.
 *
 * <p>Three campaigns, oldest first:
 * <ol>
 *   <li>{@link #bigBatch}: mnist-cnn at batch 256 with 2 threads and a confidence target; done on
 *       the x86 box ({@code target-ci-reached}), failed on the Pi (its worker was OOM-killed);</li>
 *   <li>{@link #cancelled}: batches 1 and 64; the x86 box's batch 1 is done, then the campaign is
 *       cancelled while the Pi holds its batch 1 (whose late result is refused) and batch 64 is queued
 *       on both;</li>
 *   <li>{@link #sweep} (the latest): batches 1, 8 and 32 on both agents, all done, with end-to-end
 *       latencies.</li>
 * </ol>
 * The x86 agent disconnects at the end. A manual clock makes every coordinator time (queue wait,
 * measuring time, last seen) a known value.
 */
public final class StoreFixture implements AutoCloseable {
    public static final String PI = "pi5-kitchen";
    public static final String X86 = "x86-lab";
    public static final String MODEL = "mnist-cnn";
    public static final List<Integer> SWEEP_BATCHES = List.of(1, 8, 32);
    /** The reason {@code failJob} stores for the Pi's batch-256 job (scheduler prefix + agent's text). */
    public static final String OOM_REASON = "agent '" + PI + "': measurement worker for %s.onnx was killed by"
            + " signal 9 (SIGKILL), probably out of memory";

    /** Wire names of {@code agent.measure.StopReason} (the agent sends these strings). */
    public static final String TARGET_CI_REACHED = "target-ci-reached";
    public static final String MIN_ITERATIONS_AND_MIN_DURATION_MET = "min-iterations-and-min-duration-met";
    public static final String MAX_DURATION_BEFORE_TARGET_CI = "max-duration-before-target-ci";

    /** What the scheduler does when a job is leased, ms after the previous step (coordinator clock). */
    public static final long QUEUE_WAIT_MS = 120;

    /** Settings of the sweep: what {@code demo} asks for. */
    public static final MeasurementSettings SWEEP_SETTINGS = new MeasurementSettings(20, 100, 1_000, 5_000);
    /** Settings of the big-batch campaign: a 2 % confidence target on the median. */
    public static final MeasurementSettings CI_SETTINGS = new MeasurementSettings(10, 50, 500, 20_000, 0.02, false, 0, false);

    private final Store store;
    private final ManualClock clock;
    private final String piId;
    private final String x86Id;
    private final byte[] model = ModelZoo.build(MODEL);
    private final String digest = dev.edgeperf.core.io.Digests.sha256Hex(model);

    public final String bigBatch = UUID.randomUUID().toString();
    public final String cancelled = UUID.randomUUID().toString();
    public final String sweep = UUID.randomUUID().toString();

    /** Every job by campaign, agent name and batch: {@code job(sweep, PI, 8)}. */
    private final Map<String, NewJob> jobs = new LinkedHashMap<>();
    private final Map<String, Histogram> histograms = new HashMap<>();
    private final Map<String, JobResult> results = new HashMap<>();
    private final Map<String, Long> queueWaits = new HashMap<>();
    private final Map<String, Long> measuring = new HashMap<>();
    private final Map<Integer, Long> flopsByBatch = new java.util.concurrent.ConcurrentHashMap<>();
    private CommitOutcome lateResultOutcome;

    private StoreFixture(Path dir, Instant start) {
        clock = new ManualClock(start);
        store = Store.open(Database.defaultUrl(dir), clock);
        piId = store.registerAgent(piHello());
        clock.advance(800);
        x86Id = store.registerAgent(x86Hello());
        fill();
    }

    /** A store in {@code dir} (H2 file {@code edgeperf}) filled as described above, clock starting 3 h ago. */
    public static StoreFixture fill(Path dir) {
        return new StoreFixture(dir, Instant.now().minusSeconds(3 * 3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    public Store store() {
        return store;
    }

    /** The store's clock: where it stopped after filling. */
    public long nowMs() {
        return clock.millis();
    }

    public String agentId(String name) {
        return name.equals(PI) ? piId : x86Id;
    }

    public String modelDigest() {
        return digest;
    }

    public long modelSizeBytes() {
        return model.length;
    }

    /** The job of {@code campaign} on agent {@code agent} at {@code batch}. */
    public NewJob job(String campaign, String agent, int batch) {
        NewJob job = jobs.get(key(campaign, agent, batch));
        if (job == null) {
            throw new IllegalArgumentException("no job " + key(campaign, agent, batch));
        }
        return job;
    }

    /** Every job of {@code campaign}, in planning order. */
    public List<NewJob> jobs(String campaign) {
        List<NewJob> out = new ArrayList<>();
        jobs.forEach((k, j) -> {
            if (k.startsWith(campaign + "/")) {
                out.add(j);
            }
        });
        return out;
    }

    /** The compute latencies the agent recorded for a committed job, in nanoseconds. */
    public Histogram histogram(String jobId) {
        return Objects.requireNonNull(histograms.get(jobId), "no histogram for job " + jobId).copy();
    }

    /** The result the agent sent for a job (committed, or refused for the cancelled one). */
    public JobResult result(String jobId) {
        return Objects.requireNonNull(results.get(jobId), "no result for job " + jobId);
    }

    /** Queued until leased, coordinator clock. */
    public long queueWaitMs(String jobId) {
        return queueWaits.get(jobId);
    }

    /** Leased until the result arrived, coordinator clock. */
    public long measurementMs(String jobId) {
        return measuring.get(jobId);
    }

    /** What the store said to the Pi's result that arrived after the cancel. */
    public CommitOutcome lateResultOutcome() {
        return lateResultOutcome;
    }

    /** The failure reason stored for the Pi's batch-256 job. */
    public String oomReason() {
        return String.format(OOM_REASON, digest);
    }

    /** FLOPs of one mnist-cnn call at {@code batch}, as the planner profiles them. */
    public long flops(int batch) {
        return flopsByBatch.computeIfAbsent(batch, b -> ModelProfiler.profile(model, MODEL,
                new ProfileOptions(b, Map.of(), CountingConvention.SEED)).totalFlops());
    }

    /** The prediction the scheduler makes for {@code agent}: calibrated peak on the Pi, theoretical on x86. */
    public static Prediction prediction(String agent, long flops) {
        double peak = agent.equals(PI) ? PI_CALIBRATED_GFLOPS : X86_PEAK_GFLOPS;
        return new Prediction(peak, agent.equals(PI) ? Prediction.CALIBRATED : Prediction.THEORETICAL,
                flops / (peak * 1e9) * 1e3);
    }

    @Override
    public void close() {
        Database.close(store.dataSource());
    }

    // ------------------------------------------------------------------------------ the agents

    static final double PI_PEAK_GFLOPS = 153.6;
    /** Best of the Pi's calibrated matmul and conv GFLOP/s: the peak the scheduler predicts from. */
    static final double PI_CALIBRATED_GFLOPS = 41.3;
    static final double X86_PEAK_GFLOPS = 883.2;

    /** A Raspberry Pi 5 as {@code HardwareProbe} reports it (see its test on a fake Pi 5 tree), calibrated. */
    public static AgentHello piHello() {
        Hardware hw = Hardware.newBuilder().setCpuModel("ARM Cortex-A76").setPhysicalCores(4).setLogicalCores(4)
                .setMaxFreqHz(2_400_000_000L).setMemoryBytes(8L << 30).setOs("Debian GNU/Linux 12 (bookworm)")
                .setArch("aarch64").addIsaFeatures("neon").addIsaFeatures("asimddp").addIsaFeatures("fp16")
                .setPeakGflopsFp32(PI_PEAK_GFLOPS)
                .setPeakBasis("4 cores x 2.40 GHz x 16 FLOP/cycle (armv8 asimd, Cortex-A76)")
                .setBoard("raspberry-pi-5")
                .setFingerprint(fingerprint("ARM Cortex-A76", 4, 4, 2_400_000_000L, 8L << 30, "aarch64",
                        "raspberry-pi-5"))
                .setHostname("pi5-kitchen").setJvm("OpenJDK 64-Bit Server VM 17.0.15").build();
        return AgentHello.newBuilder().setName(PI).setAgentVersion("0.1.0-SNAPSHOT").setEngine("onnxruntime")
                .setEngineVersion("1.19.2").addExecutionProviders("CPU").putLabels("site", "kitchen")
                .setHardware(hw)
                .setCalibration(Calibration.newBuilder().setMatmulGflops(PI_CALIBRATED_GFLOPS).setConvGflops(36.8)
                        .setMemoryGbPerS(9.7).setCallOverheadUs(38).setThreads(4)
                        .setMeasuredUnixMs(1_730_000_000_000L))
                .build();
    }

    /** An 8th-generation Core i7 desktop: no device tree, so the board is {@code generic-x86_64}. */
    public static AgentHello x86Hello() {
        String cpu = "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz";
        Hardware hw = Hardware.newBuilder().setCpuModel(cpu).setPhysicalCores(6).setLogicalCores(12)
                .setMaxFreqHz(4_600_000_000L).setMemoryBytes(32L << 30).setOs("Ubuntu 22.04.4 LTS")
                .setArch("x86_64").addIsaFeatures("sse4_2").addIsaFeatures("avx").addIsaFeatures("avx2")
                .addIsaFeatures("fma").setPeakGflopsFp32(X86_PEAK_GFLOPS)
                .setPeakBasis("6 cores x 4.60 GHz x 32 FLOP/cycle (avx2+fma)")
                .setBoard("generic-x86_64")
                .setFingerprint(fingerprint(cpu, 6, 12, 4_600_000_000L, 32L << 30, "x86_64", "generic-x86_64"))
                .setHostname("x86-lab").setJvm("OpenJDK 64-Bit Server VM 17.0.12").build();
        return AgentHello.newBuilder().setName(X86).setAgentVersion("0.1.0-SNAPSHOT").setEngine("onnxruntime")
                .setEngineVersion("1.19.2").addExecutionProviders("CPU").setHardware(hw).build();
    }

    /** As the agent's {@code HardwareProbe.fingerprint}: the first 16 hex digits of a SHA-256. */
    private static String fingerprint(String model, int physical, int logical, long maxHz, long memory, String arch,
                                      String board) {
        String key = String.join("|", model, Integer.toString(physical), Integer.toString(logical),
                Long.toString(maxHz), Long.toString(memory), arch, board);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------- the campaigns

    private void fill() {
        clock.advance(60_000);
        // 1. batch 256, 2 threads, confidence target: x86 done, the Pi's worker killed
        plan(bigBatch, "mnist-cnn batch 256", List.of(256), 2, CI_SETTINGS);
        measure(bigBatch, X86, 256, TARGET_CI_REACHED, false, 7);
        LeasedJob piBig = lease(bigBatch, PI, 256);
        clock.advance(61_000);
        if (!store.failJob(piBig.jobId(), piBig.attempt(), piId, oomReason())) {
            throw new IllegalStateException("failJob refused");
        }

        // 2. cancelled while the Pi measures its batch 1
        clock.advance(10 * 60_000);
        plan(cancelled, "mnist-cnn batch 1,64", List.of(1, 64), 0, SWEEP_SETTINGS);
        measure(cancelled, X86, 1, MIN_ITERATIONS_AND_MIN_DURATION_MET, false, 11);
        LeasedJob piHeld = lease(cancelled, PI, 1);
        clock.advance(900);
        List<String> open = store.cancelCampaign(cancelled);
        if (open.size() != 3) {
            throw new IllegalStateException("expected 3 open jobs to cancel, got " + open);
        }
        clock.advance(1_400);
        JobResult late = agentResult(piHeld, PI, MIN_ITERATIONS_AND_MIN_DURATION_MET, false, 13);
        lateResultOutcome = store.commitResult(piId, late);

        // 3. the latest: the demo's sweep on both agents, all done
        clock.advance(30 * 60_000);
        plan(sweep, "demo: mnist-cnn batch 1,8,32", SWEEP_BATCHES, 0, SWEEP_SETTINGS);
        long seed = 100;
        for (int batch : SWEEP_BATCHES) {
            for (String agent : List.of(PI, X86)) {
                measure(sweep, agent, batch, MIN_ITERATIONS_AND_MIN_DURATION_MET, true, seed++);
            }
        }
        clock.advance(2 * 60_000);
        store.setConnected(x86Id, false);
        clock.advance(5_000);
        store.touchAgent(piId);
    }

    /** As the planner: one job per (batch, agent) with the "all" selector, bound to that agent. */
    private void plan(String campaign, String name, List<Integer> batches, int threads, MeasurementSettings settings) {
        List<NewJob> planned = new ArrayList<>();
        for (int batch : batches) {
            long flops = flops(batch);
            for (String agent : List.of(PI, X86)) {
                NewJob job = new NewJob(UUID.randomUUID().toString(), agentId(agent), "name=" + agent, MODEL, digest,
                        model.length, "baseline", batch, threads, settings, flops);
                planned.add(job);
                jobs.put(key(campaign, agent, batch), job);
            }
        }
        store.insertCampaign(campaign, name, "{\"models\":[\"mnist-cnn\"]}", "", planned);
    }

    private LeasedJob lease(String campaign, String agent, int batch) {
        NewJob planned = job(campaign, agent, batch);
        LeasedJob queued = store.queuedJob(planned.id()).orElseThrow();
        clock.advance(QUEUE_WAIT_MS);
        queueWaits.put(planned.id(), clock.millis() - queued.queuedMs());
        if (!store.lease(queued, agentId(agent), prediction(agent, planned.flops()))) {
            throw new IllegalStateException("lease refused: " + planned.id());
        }
        return queued;
    }

    private void measure(String campaign, String agent, int batch, String stopReason, boolean endToEnd, long seed) {
        LeasedJob leased = lease(campaign, agent, batch);
        long leasedAt = clock.millis();
        JobResult result = agentResult(leased, agent, stopReason, endToEnd, seed);
        // session creation, warm-up and the timed runs, then the result's trip back
        clock.advance(Math.round(result.getSessionCreateMs() + result.getFirstInferenceMs()
                + result.getComputeLatency().getMeanMs() * (result.getComputeLatency().getCount()
                + result.getWarmupIterations())) + 350);
        measuring.put(leased.jobId(), clock.millis() - leasedAt);
        CommitOutcome outcome = store.commitResult(agentId(agent), result);
        if (outcome != CommitOutcome.STORED) {
            throw new IllegalStateException("result of " + leased.jobId() + " not stored: " + outcome);
        }
    }

    /**
     * A result as the agent builds it ({@code MeasurementProto.toProto} + {@code ProtoMapping.result}):
     * latencies recorded in ns into an HdrHistogram, every statistic read from it.
     */
    private JobResult agentResult(LeasedJob job, String agent, String stopReason, boolean endToEnd, long seed) {
        boolean pi = agent.equals(PI);
        Random random = new Random(seed);
        // a fixed cost per call plus compute well below the peak, as small models run on real CPUs
        double p50Ms = (pi ? 0.085 : 0.031) + job.flops() / ((pi ? 9.5 : 61.0) * 1e9) * 1e3;
        double minDurationMs = job.measurement().minDurationMs();
        int count = (int) Math.max(job.measurement().minIterations(), Math.ceil(minDurationMs / p50Ms));
        if (stopReason.equals(TARGET_CI_REACHED)) {
            count = Math.max(count, 400);
        }
        Histogram compute = LatencySummary.newHistogram();
        Histogram e2e = LatencySummary.newHistogram();
        for (int i = 0; i < count; i++) {
            double ms = p50Ms * Math.exp(0.04 * random.nextGaussian()) * (random.nextInt(100) == 0 ? 1.7 : 1.0);
            compute.recordValue(Math.round(ms * 1e6));
            // tensor creation and output read on top of the session run
            e2e.recordValue(Math.round((ms + 0.012 + job.batchSize() * 0.0009) * 1e6));
        }
        LatencySummary s = LatencySummary.from(compute, TimeUnit.NANOSECONDS);
        int threads = job.threads() > 0 ? job.threads() : (pi ? 4 : 6);
        JobResult.Builder r = JobResult.newBuilder()
                .setJobId(job.jobId()).setAttempt(job.attempt())
                .setBatchSize(job.batchSize()).setIntraOpThreads(threads).setConcurrency(1)
                .setComputeLatency(latency(s))
                .setLatencyHistogram(ByteString.copyFrom(LatencyHistograms.encode(compute)))
                .setP999Ms(s.p999Ms()).setP50Ci95LowMs(s.medianCi95().lowMs())
                .setP50Ci95HighMs(s.medianCi95().highMs())
                .setThroughputSamplesPerS(job.batchSize() * 1000.0 / s.meanMs())
                .setSessionCreateMs(pi ? 41.7 : 12.9).setFirstInferenceMs(pi ? 6.2 : 1.8)
                .setWarmupIterations(job.measurement().warmupIterations())
                .setStopReason(stopReason)
                .setEngine("onnxruntime").setEngineVersion("1.19.2").setExecutionProvider("CPU")
                .addExecutionProvidersAvailable("CPU")
                .setBefore(pi ? DeviceState.newBuilder().setCpuTempC(51.6).setCpuFreqHz(2_400_000_000L).build()
                        : DeviceState.newBuilder().setCpuFreqHz(4_300_000_000L).build())
                .setAfter(pi ? DeviceState.newBuilder().setCpuTempC(56.1).setCpuFreqHz(2_400_000_000L).build()
                        : DeviceState.newBuilder().setCpuFreqHz(4_200_000_000L).build())
                .setThrottled(false).setThrottleEvidence("")
                .setCpuGovernor(pi ? "ondemand" : "performance")
                .setWorkerPeakRssBytes((pi ? 148L : 171L) << 20).setSessionFootprintBytes(9L << 20)
                .setInProcess(false).setLoadAverage1M(pi ? 0.42 : 0.18)
                .setJvm(pi ? "OpenJDK 64-Bit Server VM 17.0.15" : "OpenJDK 64-Bit Server VM 17.0.12")
                .setAgentVersion("0.1.0-SNAPSHOT")
                .setHardwareFingerprint((pi ? piHello() : x86Hello()).getHardware().getFingerprint())
                .setFinishedUnixMs(clock.millis() + 3);
        if (endToEnd) {
            r.setEndToEndLatency(latency(LatencySummary.from(e2e, TimeUnit.NANOSECONDS)));
        }
        JobResult built = r.build();
        histograms.put(job.jobId(), compute);
        results.put(job.jobId(), built);
        return built;
    }

    /** As the agent's {@code MeasurementProto.latency}. */
    private static LatencyStats latency(LatencySummary s) {
        return LatencyStats.newBuilder().setCount(s.count()).setMeanMs(s.meanMs()).setStdevMs(s.stdevMs())
                .setMinMs(s.minMs()).setP50Ms(s.p50Ms()).setP90Ms(s.p90Ms()).setP95Ms(s.p95Ms())
                .setP99Ms(s.p99Ms()).setMaxMs(s.maxMs()).build();
    }

    private static String key(String campaign, String agent, int batch) {
        return campaign + "/" + agent + "/" + batch;
    }

    /** A clock the fixture moves by hand, so every coordinator time is known. */
    static final class ManualClock extends Clock {
        private volatile long millis;

        ManualClock(Instant start) {
            millis = start.toEpochMilli();
        }

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }
}
