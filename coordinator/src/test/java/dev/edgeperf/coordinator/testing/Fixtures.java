package dev.edgeperf.coordinator.testing;

import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.DeviceState;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** Hand-made agents, jobs and results for store and scheduler tests. */
public final class Fixtures {
    /**
     * The MNIST folder the data sets are found in; the test is aborted where there is none, and fails under CI.
     */
    public static Path mnist() {
        return dev.edgeperf.core.data.DatasetLocator.system().locate()
                .filter(d -> dev.edgeperf.core.data.Datasets.isPresent(dev.edgeperf.core.data.Datasets.MNIST, d))
                .orElseGet(() -> {
                    if ("true".equals(System.getenv("CI"))) {
                        throw new AssertionError("MNIST not found but CI=true");
                    }
                    org.junit.jupiter.api.Assumptions.abort("MNIST not found (scripts/fetch-datasets.sh)");
                    return null;
                });
    }

    public static final String DIGEST = "a".repeat(64);

    private Fixtures() {
    }

    /** A migrated store in an H2 file under {@code dir}, with a fixed clock. */
    public static Store store(Path dir) {
        return Store.open("jdbc:h2:file:" + dir.resolve("edgeperf") + ";AUTO_SERVER=TRUE",
                Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));
    }

    public static AgentHello hello(String name, double peakGflops) {
        return AgentHello.newBuilder().setName(name).setAgentVersion("0.1.0").setEngine("onnxruntime")
                .setEngineVersion("1.19.2").addExecutionProviders("CPU").putLabels("room", "lab")
                .setHardware(Hardware.newBuilder().setCpuModel("Test CPU").setPhysicalCores(4).setLogicalCores(8)
                        .setMaxFreqHz(3_000_000_000L).setMemoryBytes(16L << 30).setOs("Debian 12").setArch("x86_64")
                        .addIsaFeatures("avx2").addIsaFeatures("fma").setPeakGflopsFp32(peakGflops)
                        .setPeakBasis("4 cores x 3.0 GHz x 32 FLOP/cycle").setBoard("generic-x86_64")
                        .setFingerprint("fp-" + name).setHostname(name + ".local").setJvm("OpenJDK 17"))
                .build();
    }

    /** A job bound to one agent (as "all" campaigns plan them); {@code peak} is unused since predictions moved to lease time. */
    public static NewJob job(String agentId, int batch, long flops, double peak) {
        return new NewJob(UUID.randomUUID().toString(), agentId, "name=" + agentId, "mnist-cnn", DIGEST, 1234,
                "baseline", batch, 0, new MeasurementSettings(2, 5, 10, 1000), flops);
    }

    /** A job any agent matching {@code selector} may run. */
    public static NewJob openJob(String selector, int batch, long flops) {
        return new NewJob(UUID.randomUUID().toString(), null, selector, "mnist-cnn", DIGEST, 1234, "baseline", batch, 0,
                new MeasurementSettings(2, 5, 10, 1000), flops);
    }

    /** Leases the oldest queued job bound to {@code agentId}, predicting with a theoretical 10 GFLOP/s. */
    public static Optional<LeasedJob> leaseNext(Store store, String agentId) {
        for (LeasedJob job : store.queuedJobs()) {
            if (agentId.equals(job.targetAgentId())) {
                Prediction p = new Prediction(10.0, Prediction.THEORETICAL, job.flops() / 1e10 * 1e3);
                return store.lease(job, agentId, p) ? Optional.of(job) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static JobResult result(String jobId, int attempt, int batch, double p50Ms) {
        return JobResult.newBuilder().setJobId(jobId).setAttempt(attempt).setBatchSize(batch).setIntraOpThreads(4)
                .setComputeLatency(LatencyStats.newBuilder().setCount(100).setMeanMs(p50Ms * 1.1).setStdevMs(0.01)
                        .setMinMs(p50Ms * 0.9).setP50Ms(p50Ms).setP90Ms(p50Ms * 1.2).setP95Ms(p50Ms * 1.3)
                        .setP99Ms(p50Ms * 1.5).setMaxMs(p50Ms * 2))
                .setThroughputSamplesPerS(batch * 1000 / p50Ms).setSessionCreateMs(12.5).setFirstInferenceMs(3.5)
                .setWarmupIterations(2).setStopReason("min-iterations-and-min-duration-met").setEngine("onnxruntime")
                .setEngineVersion("1.19.2").setExecutionProvider("CPU").setJvm("OpenJDK 17").setAgentVersion("0.1.0")
                .setHardwareFingerprint("fp").setBefore(DeviceState.newBuilder().setCpuTempC(45.0))
                .setAfter(DeviceState.newBuilder().setCpuTempC(47.5).setCpuFreqHz(2_900_000_000L))
                .setFinishedUnixMs(1_714_564_800_000L).build();
    }
}
