package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.predict.KernelPredictor;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.predict.PredictionInput;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelCalibrationProto;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.core.predict.kernel.KernelSample;
import dev.edgeperf.core.predict.kernel.KernelType;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel predictor at lease time: the variant's kernels with the leasing agent's fitted kernel samples. */
class LeaseKernelPredictionsTest {
    private static final int THREADS = 2;

    @TempDir
    Path dir;

    private Store store;

    @AfterEach
    void tearDown() {
        if (store != null) {
            Database.close(store.dataSource());
        }
    }

    /** Per type: 2 us fixed + FLOPs at 20 GFLOP/s + bytes at 4 GB/s, samples spread over six decades. */
    private static KernelCalibration samples() {
        List<KernelSample> samples = new ArrayList<>();
        for (KernelType t : KernelType.values()) {
            for (long f = 1_000; f < 1_000_000_000L; f *= 7) {
                long bytes = f / 3 + 17 * (f % 11);
                samples.add(new KernelSample(t.key(), Map.of(), f, bytes, 2e-3 + f / 20e9 * 1e3 + bytes / 4e9 * 1e3));
            }
        }
        return new KernelCalibration(KernelCalibration.FORMAT, "onnxruntime test", 10, 9,
                List.of(new KernelCalibration.ThreadSamples(THREADS, 25, samples)));
    }

    private static AgentHello calibrated(String name) {
        return Fixtures.hello(name, 100).toBuilder().setCalibration(Calibration.newBuilder().setMatmulGflops(40)
                .setConvGflops(25).setMemoryGbPerS(8).setCallOverheadUs(20).setNodeOverheadUs(3).setThreads(THREADS)
                .setKernels(KernelCalibrationProto.toProto(samples()))).build();
    }

    /** Runs one mnist-cnn job at batch 4 on an agent with this hello; returns its row and the kernel basis. */
    private ResultRecord runOne(AgentHello hello, VariantProfiles profiles, String digest) {
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), profiles);
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(hello), new RecordingLink());
        NewJob job = new NewJob(UUID.randomUUID().toString(), null, "name=" + hello.getName(), "mnist-cnn", digest,
                1234, "baseline", 4, THREADS, new MeasurementSettings(2, 5, 10, 1000), 1_000_000);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        scheduler.enqueue(store.queuedJobs());
        scheduler.result(agent, Fixtures.result(job.id(), 1, 4, 0.5));
        return store.campaignSummary("c1").orElseThrow().rows().get(0);
    }

    private String kernelBasis() throws SQLException {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement st = c.prepareStatement("SELECT basis FROM job_predictions WHERE predictor = ?")) {
            st.setString(1, KernelPredictor.NAME);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void anAgentWithKernelSamplesGetsTheKernelPredictionOfTheStoredVariant() throws SQLException {
        ArtifactStore artifacts = new ArtifactStore(dir.resolve("artifacts"));
        String digest = artifacts.put(ModelZoo.build("mnist-cnn"));
        ResultRecord row = runOne(calibrated("k"), VariantProfiles.of(artifacts, 4), digest);

        List<Kernel> kernels = KernelDetector.detect(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 4, Map.of(),
                Map.of());
        double expected = new KernelPredictor().predict(new PredictionInput(1_000_000, 4, THREADS, "CPU",
                JoiningAgent.of(calibrated("k")).peaks(), Optional.empty(),
                Optional.of(new KernelInputs(kernels, samples())))).millis();
        assertThat(expected).isGreaterThan(0.025); // at least the call overhead
        assertThat(row.real(ResultField.PREDICTED_KERNEL_MS).orElseThrow()).isCloseTo(expected, within(1e-9));
        assertThat(kernelBasis()).startsWith("sum of " + kernels.size() + " kernels' regressors")
                .doesNotContain("not predicted");
        // a complete kernel prediction is the one recommended
        assertThat(row.text(ResultField.RECOMMENDED_PREDICTOR)).isEqualTo(KernelPredictor.NAME);
    }

    @Test
    void anAgentWithoutKernelSamplesIsToldToCalibrateAndItsVariantIsNotOptimized() throws SQLException {
        AtomicInteger detections = new AtomicInteger();
        VariantProfiles counting = new VariantProfiles() {
            @Override
            public Optional<ModelProfile> profile(LeasedJob job) {
                return Optional.empty();
            }

            @Override
            public DetectedKernels kernels(LeasedJob job) {
                detections.incrementAndGet();
                return DetectedKernels.failed("unused");
            }
        };
        ResultRecord row = runOne(Fixtures.hello("plain", 100), counting, Fixtures.DIGEST);
        assertThat(row.get(ResultField.PREDICTED_KERNEL_MS)).isNull();
        assertThat(kernelBasis()).contains("no kernel samples").contains("agent calibrate");
        assertThat(detections).hasValue(0);
    }

    @Test
    void aVariantWhoseKernelsCannotBeDetectedIsLeasedWithTheReason() throws SQLException {
        // the digest is not in the artifact store
        ArtifactStore artifacts = new ArtifactStore(dir.resolve("artifacts"));
        ResultRecord row = runOne(calibrated("k"), VariantProfiles.of(artifacts, 4), "ab".repeat(32));
        assertThat(row.real(ResultField.PREDICTED_NAIVE_MS)).isPresent();
        assertThat(row.get(ResultField.PREDICTED_KERNEL_MS)).isNull();
        assertThat(kernelBasis()).isEqualTo("no prediction: variant " + "ab".repeat(32) + " is not in the artifact store");
    }

    @Test
    void detectedKernelsAreCachedPerDigestAndShape() {
        ArtifactStore artifacts = new ArtifactStore(dir.resolve("artifacts"));
        String digest = artifacts.put(ModelZoo.build("mnist-cnn"));
        VariantProfiles profiles = VariantProfiles.of(artifacts, 4);
        VariantProfiles.DetectedKernels b1 = profiles.kernels(leased(digest, 1));
        assertThat(b1.kernels()).isPresent();
        assertThat(profiles.kernels(leased(digest, 1))).isSameAs(b1);
        VariantProfiles.DetectedKernels b8 = profiles.kernels(leased(digest, 8));
        assertThat(b8).isNotSameAs(b1);
        assertThat(b8.kernels().orElseThrow().get(0).features().get("n")).isEqualTo(8);
        assertThat(b1.kernels().orElseThrow().get(0).features().get("n")).isEqualTo(1);
    }

    @Test
    void anAgentIsFittedOnceForTheSameSamplesAndAgainForNewOnes() {
        AgentKernels agents = new AgentKernels();
        assertThat(agents.of("a").why()).isEqualTo("the agent sent no device profile");
        agents.connected("a", calibrated("a"));
        AgentKernels.Fit first = agents.of("a");
        assertThat(first.fitted()).isPresent();
        agents.connected("a", calibrated("a"));
        assertThat(agents.of("a").fitted().orElseThrow()).isSameAs(first.fitted().orElseThrow());

        AgentHello recalibrated = calibrated("a").toBuilder().setCalibration(calibrated("a").getCalibration()
                .toBuilder().setKernels(calibrated("a").getCalibration().getKernels().toBuilder().setSeconds(8)))
                .build();
        agents.connected("a", recalibrated);
        assertThat(agents.of("a").fitted().orElseThrow()).isNotSameAs(first.fitted().orElseThrow());

        AgentHello otherFormat = calibrated("a").toBuilder().setCalibration(calibrated("a").getCalibration()
                .toBuilder().setKernels(calibrated("a").getCalibration().getKernels().toBuilder().setFormat(99)))
                .build();
        agents.connected("a", otherFormat);
        assertThat(agents.of("a").fitted()).isEmpty();
        assertThat(agents.of("a").why()).startsWith("the agent's kernel samples are unusable: kernel profile format 99");
    }

    private static LeasedJob leased(String digest, int batch) {
        return new LeasedJob("j", 1, "c", 0, 0, null, "", "mnist-cnn", digest, 1, "baseline", batch, 0,
                new MeasurementSettings(2, 5, 10, 1000), 0, 0);
    }
}
