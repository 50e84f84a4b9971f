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
import dev.edgeperf.coordinator.store.StoredLayers;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.core.predict.DevicePeaks;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.predict.PredictionInput;
import dev.edgeperf.core.predict.RooflinePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;
import dev.edgeperf.proto.LayerTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every registered predictor's figure is stored with each lease, from the variant's profile at the job's shapes. */
class LeasePredictionsTest {
    private static final Calibration CALIBRATION = Calibration.newBuilder().setMatmulGflops(40).setConvGflops(25)
            .setMemoryGbPerS(8).setCallOverheadUs(20).setNodeOverheadUs(3).setThreads(2).build();

    @TempDir
    Path dir;

    private Store store;

    @AfterEach
    void tearDown() {
        if (store != null) {
            Database.close(store.dataSource());
        }
    }

    private ResultRecord runOne(AgentHello hello, VariantProfiles profiles, long flops) {
        return runOne(hello, profiles, flops, SchedulerSettings.DEFAULT_PROFILE_MAX_AGE);
    }

    private ResultRecord runOne(AgentHello hello, VariantProfiles profiles, long flops, Duration profileMaxAge) {
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2, false, profileMaxAge), new AtomicLong()::get, new NaivePredictor(), profiles);
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(hello), new RecordingLink());
        NewJob job = new NewJob(UUID.randomUUID().toString(), null, "name=" + hello.getName(), "mnist-cnn",
                Fixtures.DIGEST, 1234, "baseline", 4, 2, new MeasurementSettings(2, 5, 10, 1000), flops);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        scheduler.enqueue(store.queuedJobs());
        scheduler.result(agent, Fixtures.result(job.id(), 1, 4, 0.5));
        return store.campaignSummary("c1").orElseThrow().rows().get(0);
    }

    private static ModelProfile mnistAtBatch4() {
        return ModelProfiler.profile(ModelZoo.buildProto("mnist-cnn"), "mnist-cnn", 0, ProfileOptions.batch(4));
    }

    @Test
    void storesEveryPredictorAndTheRecommendedOne() {
        ModelProfile profile = mnistAtBatch4();
        AtomicInteger asked = new AtomicInteger();
        VariantProfiles profiles = job -> {
            asked.incrementAndGet();
            assertThat(job.batchSize()).isEqualTo(4);
            return Optional.of(profile);
        };
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION).build();
        ResultRecord row = runOne(hello, profiles, profile.totalFlops());

        // naive: FLOPs / the calibrated peak (best of matmul 40 and conv 25), per batch
        double naive = profile.totalFlops() / 40e9 * 1e3;
        assertThat(row.real(ResultField.PREDICTED_NAIVE_MS).orElseThrow()).isCloseTo(naive, within(1e-9));
        assertThat(row.real(ResultField.PREDICTED_MS).orElseThrow()).isCloseTo(naive, within(1e-9));
        DevicePeaks peaks = JoiningAgent.of(hello).peaks();
        double roofline = new RooflinePredictor().predict(new PredictionInput(profile.totalFlops(), 4, 2, "CPU", peaks,
                Optional.of(profile))).millis();
        assertThat(roofline).isGreaterThan(0);
        assertThat(row.real(ResultField.PREDICTED_ROOFLINE_MS).orElseThrow()).isCloseTo(roofline, within(1e-9));
        // at least the call overhead plus one dispatch per further node
        assertThat(roofline).isGreaterThanOrEqualTo(0.020);
        assertThat(row.get(ResultField.PREDICTED_KERNEL_MS)).isNull();
        assertThat(row.text(ResultField.RECOMMENDED_PREDICTOR)).isEqualTo(RooflinePredictor.NAME);
        assertThat(row.get(ResultField.PREDICTION_STALE)).isEqualTo(false);
        assertThat(row.get(ResultField.PREDICTION_STALE_REASON)).isNull();
        assertThat(asked).hasValue(1);
    }

    @Test
    void theLearnedFigureIsFittedOnTheAgentsResultsOfOtherModelsOnly() {
        ModelProfile profile = mnistAtBatch4();
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), job -> Optional.of(profile));
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION).build();
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(hello), new RecordingLink());
        // six lenet5 jobs, then mnist-cnn, then lenet5 again: leased (and measured) in that order
        List<NewJob> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            jobs.add(new NewJob(UUID.randomUUID().toString(), null, "name=cal", i == 6 ? "mnist-cnn" : "lenet5",
                    Fixtures.DIGEST, 1234, "baseline", 4, 2, new MeasurementSettings(2, 5, 10, 1000), profile.totalFlops()));
        }
        store.insertCampaign("c1", "test", "{}", "", jobs);
        scheduler.enqueue(store.queuedJobs());
        for (NewJob job : jobs) {
            scheduler.result(agent, Fixtures.result(job.id(), 1, 4, 0.5));
        }
        java.util.Map<String, ResultRecord> rows = new java.util.HashMap<>();
        store.campaignSummary("c1").orElseThrow().rows().forEach(r -> rows.put(r.text(ResultField.JOB_ID), r));
        assertThat(rows.values()).extracting(ResultRecord::state).containsOnly(dev.edgeperf.coordinator.store.JobState.DONE);

        // lenet5's own six cells never enter its fit, so it has none, even with mnist-cnn's one measured
        for (int i : new int[] {0, 5, 7}) {
            assertThat(rows.get(jobs.get(i).id()).get(ResultField.PREDICTED_LEARNED_MS)).isNull();
        }
        // mnist-cnn: six lenet5 cells measured at 0.5 ms where the roofline said r: 0.5 / r x r
        ResultRecord mnist = rows.get(jobs.get(6).id());
        assertThat(mnist.real(ResultField.PREDICTED_LEARNED_MS).orElseThrow()).isCloseTo(0.5, within(1e-9));
        assertThat(mnist.real(ResultField.PREDICTED_ROOFLINE_MS).orElseThrow()).isNotCloseTo(0.5, within(1e-3));
    }

    @Test
    void layerTimesSentWithAResultAreStoredWithItsAttempt() {
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), VariantProfiles.NONE);
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        NewJob job = Fixtures.openJob("name=a", 1, 1_000_000);
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        scheduler.enqueue(store.queuedJobs());
        assertThat(store.layers(job.id())).isEmpty();
        scheduler.result(agent, Fixtures.result(job.id(), 1, 1, 0.5).toBuilder()
                .addLayers(LayerTime.newBuilder().setNode("conv1").setOpType("FusedConv").setGraphOpType("Conv")
                        .setInGraph(true).setMeanUs(120.5).setRuns(5))
                .addLayers(LayerTime.newBuilder().setNode("ReorderOutput").setOpType("ReorderOutput").setMeanUs(3)
                        .setRuns(5))
                .addLayers(LayerTime.newBuilder().setNode("bad").setOpType("X").setMeanUs(Double.NaN)).build());

        StoredLayers stored = store.layers(job.id()).orElseThrow();
        assertThat(stored.attempt()).isEqualTo(1);
        assertThat(stored.layers()).containsExactly(new StoredLayers.Layer("conv1", "FusedConv", "Conv", true, 120.5, 5),
                new StoredLayers.Layer("ReorderOutput", "ReorderOutput", "", false, 3, 5));
        assertThat(store.layers("no-such-job")).isEmpty();
    }

    @Test
    void opTypeSharesSetTheMeasuredLayerTimesAgainstTheProfilesFlops() {
        ModelProfile profile = mnistAtBatch4();
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), job -> Optional.of(profile));
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        NewJob withLayers = Fixtures.openJob("name=a", 4, profile.totalFlops());
        NewJob without = Fixtures.openJob("name=a", 4, profile.totalFlops());
        store.insertCampaign("c1", "test", "{}", "", List.of(withLayers, without));
        scheduler.enqueue(store.queuedJobs());
        scheduler.result(agent, Fixtures.result(withLayers.id(), 1, 4, 0.5).toBuilder()
                .addLayers(LayerTime.newBuilder().setNode("c1").setOpType("FusedConv").setGraphOpType("Conv")
                        .setInGraph(true).setMeanUs(300).setRuns(5))
                .addLayers(LayerTime.newBuilder().setNode("c2").setOpType("Conv").setGraphOpType("Conv")
                        .setInGraph(true).setMeanUs(100).setRuns(5))
                .addLayers(LayerTime.newBuilder().setNode("r").setOpType("ReorderOutput").setMeanUs(25).setRuns(5))
                .build());
        scheduler.result(agent, Fixtures.result(without.id(), 1, 4, 0.5)); // no layers: its FLOPs do not count

        long convFlops = profile.nodes().stream().filter(n -> n.opType().equals("Conv"))
                .mapToLong(dev.edgeperf.core.cost.NodeCost::flops).sum();
        assertThat(convFlops).isPositive();
        List<dev.edgeperf.coordinator.store.OpTypeShare> shares = store.opTypeShares("c1");
        assertThat(shares.get(0)).isEqualTo(new dev.edgeperf.coordinator.store.OpTypeShare("Conv", 400, convFlops));
        assertThat(shares.get(1)).isEqualTo(new dev.edgeperf.coordinator.store.OpTypeShare("(inserted)", 25, 0));
        assertThat(shares.stream().mapToLong(dev.edgeperf.coordinator.store.OpTypeShare::flops).sum())
                .isEqualTo(profile.nodes().stream().mapToLong(dev.edgeperf.core.cost.NodeCost::flops).sum());
        assertThat(store.opTypeShares("no-such-campaign")).isEmpty();
    }

    @Test
    void eachMeasuredLayerGetsItsNodesMacsAndTheRecommendedPredictorsTime() {
        ModelProfile profile = mnistAtBatch4();
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION).build();
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), job -> Optional.of(profile));
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(hello), new RecordingLink());
        NewJob job = Fixtures.openJob("name=" + hello.getName(), 4, profile.totalFlops());
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        scheduler.enqueue(store.queuedJobs());
        dev.edgeperf.core.cost.NodeCost conv = profile.nodes().stream().filter(n -> n.opType().equals("Conv"))
                .findFirst().orElseThrow();
        dev.edgeperf.core.cost.NodeCost gemm = profile.nodes().stream().filter(n -> n.opType().equals("Gemm"))
                .findFirst().orElseThrow();
        scheduler.result(agent, Fixtures.result(job.id(), 1, 4, 0.5).toBuilder()
                .addLayers(LayerTime.newBuilder().setNode(conv.name()).setOpType("FusedConv").setGraphOpType("Conv")
                        .setInGraph(true).setMeanUs(300).setRuns(5))
                .addLayers(LayerTime.newBuilder().setNode(gemm.name()).setOpType("FusedGemm").setGraphOpType("Gemm")
                        .setInGraph(true).setMeanUs(40).setRuns(5))
                // an inserted kernel that happens to share a graph node's name gets no estimate
                .addLayers(LayerTime.newBuilder().setNode(conv.name()).setOpType("ReorderOutput").setMeanUs(25)
                        .setRuns(5))
                .build());

        var roofline = new RooflinePredictor().predict(new PredictionInput(profile.totalFlops(), 4, 0, "CPU",
                JoiningAgent.of(hello).peaks(), Optional.of(profile)));
        java.util.function.Function<String, Double> predicted = node -> roofline.nodes().stream()
                .filter(n -> n.node().equals(node)).mapToDouble(dev.edgeperf.core.predict.NodePrediction::millis).sum();
        StoredLayers stored = store.layers(job.id()).orElseThrow();
        assertThat(stored.predictor()).isEqualTo(RooflinePredictor.NAME);
        assertThat(conv.macs()).isPositive();
        assertThat(stored.layers()).containsExactly(
                new StoredLayers.Layer(conv.name(), "FusedConv", "Conv", true, 300, 5, conv.macs(),
                        predicted.apply(conv.name())),
                new StoredLayers.Layer(gemm.name(), "FusedGemm", "Gemm", true, 40, 5, gemm.macs(),
                        predicted.apply(gemm.name())),
                new StoredLayers.Layer(conv.name(), "ReorderOutput", "", false, 25, 5, null, null));
        assertThat(stored.layers().get(0).predictedMs()).isPositive();
        ResultRecord row = store.campaignSummary("c1").orElseThrow().rows().get(0);
        assertThat(row.get(ResultField.MACS)).isEqualTo(profile.totalMacs());
    }

    @Test
    void onAnUncalibratedDeviceTheNaiveFigureIsSplitOverTheNodesByTheirFlops() {
        ModelProfile profile = mnistAtBatch4();
        store = Fixtures.store(dir);
        JobScheduler scheduler = new JobScheduler(store, new FleetRegistry(), new SchedulerSettings(Duration.ofSeconds(5),
                2), new AtomicLong()::get, new NaivePredictor(), job -> Optional.of(profile));
        ConnectedAgent agent = scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), new RecordingLink());
        NewJob job = Fixtures.openJob("name=a", 4, profile.totalFlops());
        store.insertCampaign("c1", "test", "{}", "", List.of(job));
        scheduler.enqueue(store.queuedJobs());
        dev.edgeperf.core.cost.NodeCost conv = profile.nodes().stream().filter(n -> n.opType().equals("Conv"))
                .findFirst().orElseThrow();
        scheduler.result(agent, Fixtures.result(job.id(), 1, 4, 0.5).toBuilder()
                .addLayers(LayerTime.newBuilder().setNode(conv.name()).setOpType("Conv").setGraphOpType("Conv")
                        .setInGraph(true).setMeanUs(300).setRuns(5)).build());

        ResultRecord row = store.campaignSummary("c1").orElseThrow().rows().get(0);
        double naive = row.real(ResultField.PREDICTED_NAIVE_MS).orElseThrow();
        long flops = profile.nodes().stream().mapToLong(dev.edgeperf.core.cost.NodeCost::flops).sum();
        StoredLayers stored = store.layers(job.id()).orElseThrow();
        assertThat(stored.predictor()).isEqualTo(NaivePredictor.NAME);
        assertThat(stored.layers().get(0).predictedMs()).isCloseTo(naive * conv.flops() / flops, within(1e-12));
        assertThat(stored.layers().get(0).macs()).isEqualTo(conv.macs());
    }

    @Test
    void withoutAProfileNoNodeEstimatesOrMacsAreStored() {
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION).build();
        ResultRecord row = runOne(hello, VariantProfiles.NONE, 4_000_000_000L);
        assertThat(row.get(ResultField.MACS)).isNull();
        StoredLayers stored = store.layers(row.text(ResultField.JOB_ID)).orElseThrow();
        assertThat(stored.predictor()).isEmpty();
    }

    @Test
    void withoutAProfileTheRooflineIsEmptyAndNaiveIsRecommended() {
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION).build();
        ResultRecord row = runOne(hello, VariantProfiles.NONE, 4_000_000_000L);
        assertThat(row.real(ResultField.PREDICTED_NAIVE_MS).orElseThrow()).isCloseTo(100.0, within(1e-9));
        assertThat(row.get(ResultField.PREDICTED_ROOFLINE_MS)).isNull();
        assertThat(row.text(ResultField.RECOMMENDED_PREDICTOR)).isEqualTo(NaivePredictor.NAME);
    }

    @Test
    void aProfileFromOtherHardwareOrEngineMarksThePredictionsStale() {
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION.toBuilder()
                .setHardwareFingerprint("fp-other").setEngineVersion("1.17.0")).build();
        ResultRecord row = runOne(hello, VariantProfiles.NONE, 4_000_000_000L);
        assertThat(row.get(ResultField.PREDICTION_STALE)).isEqualTo(true);
        assertThat(row.text(ResultField.PREDICTION_STALE_REASON))
                .isEqualTo("calibrated on hardware fp-other, agent now reports fp-cal;"
                        + " calibrated with engine 1.17.0, agent now runs 1.19.2");
    }

    @Test
    void aProfileOlderThanTheMaxAgeMarksThePredictionsStaleWithTheRefreshToRun() {
        long tenDaysAgo = System.currentTimeMillis() - Duration.ofDays(10).toMillis() - 60_000;
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION.toBuilder()
                .setMeasuredUnixMs(tenDaysAgo)).build();
        ResultRecord row = runOne(hello, VariantProfiles.NONE, 4_000_000_000L);
        assertThat(row.get(ResultField.PREDICTION_STALE)).isEqualTo(true);
        assertThat(row.text(ResultField.PREDICTION_STALE_REASON)).startsWith("measured 10.0 days ago, more than the"
                + " 7 days limit (--profile-max-age)").contains("scripts/agent calibrate --refresh")
                .endsWith("`scripts/agent run --refresh-calibration 30s --refresh-every 6h`");
    }

    @Test
    void aLongerMaxAgeOrNoneKeepsAnOldProfileCurrent() throws Exception {
        long tenDaysAgo = System.currentTimeMillis() - Duration.ofDays(10).toMillis();
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION.toBuilder()
                .setMeasuredUnixMs(tenDaysAgo)).build();
        assertThat(runOne(hello, VariantProfiles.NONE, 4_000_000_000L, Duration.ZERO)
                .get(ResultField.PREDICTION_STALE)).isEqualTo(false);
        tearDown();
        store = null;
        dir = java.nio.file.Files.createDirectories(dir.resolve("second"));
        assertThat(runOne(hello, VariantProfiles.NONE, 4_000_000_000L, Duration.ofDays(11))
                .get(ResultField.PREDICTION_STALE)).isEqualTo(false);
    }

    @Test
    void anOldProfileFromOtherHardwareGivesBothReasons() {
        long tenDaysAgo = System.currentTimeMillis() - Duration.ofDays(10).toMillis() - 60_000;
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION.toBuilder()
                .setHardwareFingerprint("fp-other").setMeasuredUnixMs(tenDaysAgo)).build();
        ResultRecord row = runOne(hello, VariantProfiles.NONE, 4_000_000_000L);
        assertThat(row.text(ResultField.PREDICTION_STALE_REASON)).startsWith("calibrated on hardware fp-other, agent"
                + " now reports fp-cal; measured 10.0 days ago");
    }

    @Test
    void theAgeReasonNamesTheAgeAndTheLimitAndIsEmptyWhenUnknownOrYounger() {
        long now = 1_800_000_000_000L;
        Duration week = Duration.ofDays(7);
        assertThat(ProfileStaleness.age(0, now, week)).isEmpty();
        assertThat(ProfileStaleness.age(now - week.toMillis(), now, week)).isEmpty();
        assertThat(ProfileStaleness.age(now - Duration.ofDays(30).toMillis(), now, Duration.ZERO)).isEmpty();
        assertThat(ProfileStaleness.age(now - Duration.ofDays(8).toMillis(), now, week))
                .startsWith("measured 8 days ago, more than the 7 days limit");
        assertThat(ProfileStaleness.age(now - Duration.ofHours(30).toMillis(), now, Duration.ofDays(1)))
                .startsWith("measured 1.3 days ago, more than the 1 day limit");
        assertThat(ProfileStaleness.age(now - Duration.ofHours(3).toMillis(), now, Duration.ofHours(2)))
                .startsWith("measured 3.0 hours ago, more than the 2.0 hours limit");
        assertThat(ProfileStaleness.both("a", "")).isEqualTo("a");
        assertThat(ProfileStaleness.both("", "b")).isEqualTo("b");
        assertThat(ProfileStaleness.both("a", "b")).isEqualTo("a; b");
    }

    @Test
    void aNegativeProfileMaxAgeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SchedulerSettings(Duration.ofSeconds(5), 2, false,
                Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("profile max age");
    }

    @Test
    void aProfileMeasuredOnThisHardwareAndEngineIsCurrent() {
        AgentHello hello = Fixtures.hello("cal", 100).toBuilder().setCalibration(CALIBRATION.toBuilder()
                .setHardwareFingerprint("fp-cal").setEngineVersion("1.19.2")).build();
        assertThat(ProfileStaleness.of(hello)).isEmpty();
        assertThat(ProfileStaleness.of(hello.toBuilder().clearCalibration().build())).isEmpty();
        assertThat(ProfileStaleness.of(hello.toBuilder().setEngineVersion("1.20.0").build()))
                .isEqualTo("calibrated with engine 1.19.2, agent now runs 1.20.0");
    }

    @Test
    void variantProfilesAreCachedPerDigestAndShapeAndMissingFilesGiveNone() {
        ArtifactStore artifacts = new ArtifactStore(dir.resolve("artifacts"));
        String digest = artifacts.put(ModelZoo.build("mnist-cnn"));
        VariantProfiles profiles = VariantProfiles.of(artifacts, 4);
        LeasedJob b1 = leased(digest, 1);
        ModelProfile first = profiles.profile(b1).orElseThrow();
        assertThat(profiles.profile(b1).orElseThrow()).isSameAs(first);
        ModelProfile b8 = profiles.profile(leased(digest, 8)).orElseThrow();
        assertThat(b8).isNotSameAs(first);
        assertThat(b8.totalFlops()).isEqualTo(8 * first.totalFlops());
        assertThat(profiles.profile(leased("ab".repeat(32), 1))).isEmpty();
    }

    private static LeasedJob leased(String digest, int batch) {
        return new LeasedJob("j", 1, "c", 0, 0, null, "", "mnist-cnn", digest, 1, "baseline", batch, 0,
                new MeasurementSettings(2, 5, 10, 1000), 0, 0);
    }
}
