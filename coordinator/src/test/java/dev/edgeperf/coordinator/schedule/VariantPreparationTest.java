package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.store.CampaignState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.JoiningAgent;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.coordinator.testing.Fixtures;
import dev.edgeperf.coordinator.testing.RecordingLink;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.NaivePredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submit stores the campaign in state preparing and returns; the variants are built afterwards on
 * the preparation thread (held here on a latch), then the jobs are queued, or the campaign fails.
 */
class VariantPreparationTest {
    @TempDir
    Path dir;

    private final CountDownLatch building = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Store store;
    private FleetRegistry fleet;
    private JobScheduler scheduler;
    private ArtifactStore artifacts;
    private VariantPreparation preparation;
    private Campaigns campaigns;
    private RecordingLink link;

    /** The zoo, but every model waits for {@link #release} once the preparation has asked for it. */
    private byte[] heldModel(String name) {
        building.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the build");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        return ModelZoo.build(name);
    }

    private void start(VariantPreparation.VariantBuilder builder) {
        preparation = new VariantPreparation(artifacts, this::heldModel, builder);
        campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
    }

    private void startCalibrated(VariantPreparation.CalibratedBuilder builder) {
        preparation = new VariantPreparation(artifacts, this::heldModel, builder);
        campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(), preparation);
    }

    @BeforeEach
    void setUp() {
        store = Fixtures.store(dir);
        fleet = new FleetRegistry();
        scheduler = new JobScheduler(store, fleet, new NaivePredictor());
        artifacts = new ArtifactStore(dir.resolve("artifacts"));
        link = new RecordingLink();
        scheduler.connect(JoiningAgent.of(Fixtures.hello("a", 10)), link);
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (preparation != null) {
            preparation.close();
        }
        Database.close(store.dataSource());
    }

    private static CampaignRequest request(List<String> variants, List<Integer> batches) {
        return new CampaignRequest("", List.of("mnist-cnn"), Map.of(), variants, batches, List.of(), List.of(),
                List.of(), new MeasurementSettings(2, 5, 10, 1000), "");
    }

    private static <T> T await(String what, Supplier<T> poll, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value = poll.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = poll.get();
        }
        assertThat(done.test(value)).as(what + " within 30 s, last: " + value).isTrue();
        return value;
    }

    @Test
    void submitReturnsInPreparingBeforeAnyVariantIsBuiltAndQueuesTheJobsAfterwards() throws Exception {
        start(ModelBuilder::variant);

        CampaignProgress submitted = campaigns.submit(request(List.of(), List.of(1, 8)));

        assertThat(submitted.state()).isEqualTo(CampaignState.PREPARING);
        assertThat(submitted.summary().total()).isZero();
        assertThat(submitted.preparation().total()).isEqualTo(1);
        assertThat(submitted.preparation().done()).isZero();
        assertThat(store.queuedJobs()).isEmpty();
        assertThat(building.await(30, TimeUnit.SECONDS)).as("the build started").isTrue();
        CampaignProgress building = campaigns.status(submitted.summary().id());
        assertThat(building.state()).isEqualTo(CampaignState.PREPARING);
        assertThat(building.preparation().message()).isEqualTo("building mnist-cnn baseline");
        assertThat(link.jobs()).isEmpty();

        release.countDown();

        // the jobs are stored, then handed out: the agent's first job is the end of it
        await("a job leased", link::jobs, jobs -> !jobs.isEmpty());
        CampaignProgress running = campaigns.status(submitted.summary().id());
        assertThat(running.summary().total()).isEqualTo(2);
        assertThat(running.state()).isEqualTo(CampaignState.RUNNING);
        assertThat(running.preparation().done()).isEqualTo(1);
        assertThat(running.preparation().preparing()).isFalse();
        assertThat(link.jobs()).singleElement().satisfies(job -> {
            assertThat(job.batchSize()).isEqualTo(1);
            assertThat(job.flops()).isPositive();
            assertThat(artifacts.size(job.modelDigest())).isEqualTo(job.modelSizeBytes());
        });
        List<LeasedJob> queued = store.queuedJobs();
        assertThat(queued).singleElement().satisfies(job -> {
            assertThat(job.batchSize()).isEqualTo(8);
            assertThat(job.flops()).isEqualTo(8 * link.jobs().get(0).flops());
        });
    }

    @Test
    void aNoopVariantsJobsSayItIsANoopAndWhy() throws Exception {
        // The transforms mark a recipe that changed nothing in the file (core's NoopVariantsTest); here the
        // fp16 variant is marked so, and the campaign's rows must carry it.
        start((baseline, model, recipe, inputs) -> {
            byte[] bytes = ModelBuilder.variant(baseline, model, recipe, inputs);
            if (!recipe.equals("quantized:fp16")) {
                return bytes;
            }
            return dev.edgeperf.core.onnx.OnnxModels.parse(bytes, model).toBuilder().addMetadataProps(
                    ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                            .setKey(dev.edgeperf.core.variants.VariantTransforms.NOOP_METADATA_KEY)
                            .setValue("nothing to convert")).build().toByteArray();
        });
        CampaignProgress submitted = campaigns.submit(request(List.of("baseline", "quantized:fp16"), List.of(1)));
        release.countDown();
        CampaignProgress running = await("the jobs queued", () -> campaigns.status(submitted.summary().id()),
                p -> p.state() == CampaignState.RUNNING);
        assertThat(running.preparation().message())
                .isEqualTo("variants ready; 2 job(s) queued; no-op: mnist-cnn quantized:fp16 (nothing to convert)");
        await("a job leased", link::jobs, jobs -> !jobs.isEmpty());
        campaigns.cancel(submitted.summary().id()); // the queued job ends (cancelled) and so has a row
        var rows = store.results(java.util.Optional.of(submitted.summary().id()));
        assertThat(rows).isNotEmpty();
        for (var r : rows) {
            boolean fp16 = r.text(ResultField.VARIANT_RECIPE).equals("quantized:fp16");
            assertThat(r.get(ResultField.VARIANT_NOOP)).isEqualTo(fp16);
            assertThat(r.text(ResultField.VARIANT_NOOP_REASON)).isEqualTo(fp16 ? "nothing to convert" : "");
        }
    }

    @Test
    void theBuilderReleasesWhatItKeptOnceThePreparationEnds() throws Exception {
        java.util.concurrent.atomic.AtomicInteger released = new java.util.concurrent.atomic.AtomicInteger();
        startCalibrated(new VariantPreparation.CalibratedBuilder() {
            @Override
            public BuiltVariant build(byte[] baseline, String model, String recipe,
                    dev.edgeperf.core.onnx.ModelInputs inputs, ModelCalibration calibration) {
                assertThat(released.get()).as("not released while building").isZero();
                return new BuiltVariant(ModelBuilder.variant(baseline, model, recipe, inputs), "", null, List.of());
            }

            @Override
            public void release() {
                released.incrementAndGet();
            }
        });
        CampaignProgress submitted = campaigns.submit(request(List.of("baseline", "quantized:fp16"), List.of(1)));
        release.countDown();

        await("the jobs", () -> campaigns.status(submitted.summary().id()), p -> p.summary().total() > 0);
        await("the release", released::get, n -> n == 1);
    }

    @Test
    void runningOutOfMemoryFailsTheCampaignWithItsReasonInsteadOfLeavingItPreparing() throws Exception {
        start((baseline, model, recipe, inputs) -> {
            if (recipe.equals("quantized:fp16")) {
                throw new OutOfMemoryError("Java heap space");
            }
            return ModelBuilder.variant(baseline, model, recipe, inputs);
        });
        CampaignProgress submitted = campaigns.submit(request(List.of("baseline", "quantized:fp16"), List.of(1)));
        release.countDown();

        CampaignProgress failed = await("the failure", () -> campaigns.status(submitted.summary().id()),
                p -> p.preparation().failed());

        assertThat(failed.state()).isEqualTo(CampaignState.FAILED);
        assertThat(failed.preparation().failure()).matches("out of memory while building mnist-cnn quantized:fp16"
                + " \\(coordinator heap at most \\d+ MiB\\); start the coordinator with a larger -Xmx, or measure that"
                + " model in a campaign of its own");
        assertThat(failed.summary().total()).isZero();
        assertThat(link.jobs()).isEmpty();
    }

    @Test
    void aVariantThatCannotBeBuiltFailsTheCampaignWithAOneLineReason() throws Exception {
        start((baseline, model, recipe, inputs) -> {
            if (recipe.equals("separable")) {
                throw new IllegalStateException("no conv to split\n\tat somewhere");
            }
            return ModelBuilder.variant(baseline, model, recipe, inputs);
        });
        CampaignProgress submitted = campaigns.submit(request(List.of("baseline", "separable"), List.of(1)));
        assertThat(submitted.preparation().total()).isEqualTo(2);
        release.countDown();

        CampaignProgress failed = await("the failure", () -> campaigns.status(submitted.summary().id()),
                p -> p.preparation().failed());

        assertThat(failed.state()).isEqualTo(CampaignState.FAILED);
        assertThat(failed.preparation().failure())
                .isEqualTo("variant 'separable' cannot be built from model mnist-cnn: no conv to split");
        assertThat(failed.preparation().done()).isEqualTo(1);
        assertThat(failed.summary().total()).isZero();
        assertThat(link.jobs()).isEmpty();
    }

    @Test
    void errorsThePlannerFindsStillFailSubmitAndStoreNothing() {
        start(ModelBuilder::variant);

        assertThatThrownBy(() -> campaigns.submit(request(List.of(), List.of(0))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("batch sizes must be positive integers, got '0'");
        assertThat(store.campaignSummaries()).isEmpty();
        assertThat(building.getCount()).as("nothing was built").isEqualTo(1);
    }

    @Test
    void aCampaignCancelledWhilePreparingGetsNoJobs() throws Exception {
        start(ModelBuilder::variant);
        CampaignProgress submitted = campaigns.submit(request(List.of(), List.of(1)));
        assertThat(building.await(30, TimeUnit.SECONDS)).isTrue();

        CampaignProgress cancelled = campaigns.cancel(submitted.summary().id());
        assertThat(cancelled.state()).isEqualTo(CampaignState.CANCELLED);
        release.countDown();
        // preparations run one at a time in submission order: once the next campaign has its jobs,
        // the cancelled one's preparation is over
        CampaignProgress next = campaigns.submit(request(List.of(), List.of(4)));
        await("the next campaign's job leased", link::jobs, jobs -> !jobs.isEmpty());

        CampaignProgress after = campaigns.status(submitted.summary().id());
        assertThat(after.state()).isEqualTo(CampaignState.CANCELLED);
        assertThat(after.summary().total()).isZero();
        assertThat(link.jobs()).extracting(LeasedJob::campaignId).containsOnly(next.summary().id());
    }

    @Test
    void aPreparationLeftUnfinishedByAStoppedCoordinatorFailsAtStartUp() {
        store.createPreparingCampaign("c1", "old", "{}", "", 3);
        store.preparationProgress("c1", 1, "building mnist-cnn separable");

        start(ModelBuilder::variant);

        CampaignProgress status = campaigns.status("c1");
        assertThat(status.state()).isEqualTo(CampaignState.FAILED);
        assertThat(status.preparation().failure()).isEqualTo(Campaigns.INTERRUPTED);
        assertThat(status.preparation().done()).isEqualTo(1);
    }

    @Test
    void everyRowSaysWhichCalibrationItsVariantWasBuiltWithAndItsFidelity() throws Exception {
        startCalibrated(new ModelBuilder(null)::build);
        CampaignProgress submitted = campaigns.submit(request(List.of("baseline", "quantized:int8-static"), List.of(1)));
        release.countDown();
        await("jobs queued", () -> campaigns.status(submitted.summary().id()), p -> p.summary().total() == 2);
        // rows are those of ended jobs: the cancel ends the queued int8 one (the baseline's may be leased)
        campaigns.cancel(submitted.summary().id());

        List<dev.edgeperf.coordinator.store.ResultRecord> rows = store.results(java.util.Optional.of(submitted.summary().id()));
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.get(dev.edgeperf.coordinator.store.ResultField.CALIBRATION))
                .isEqualTo("random (seed 20240601)"));
        var int8 = rows.stream().filter(r -> "quantized:int8-static".equals(r.get(
                dev.edgeperf.coordinator.store.ResultField.VARIANT_RECIPE))).findFirst().orElseThrow();
        assertThat((Double) int8.get(dev.edgeperf.coordinator.store.ResultField.FIDELITY_COSINE)).isGreaterThan(0.9);
        assertThat((Double) int8.get(dev.edgeperf.coordinator.store.ResultField.FIDELITY_SQNR_DB)).isPositive();
        assertThat(int8.get(dev.edgeperf.coordinator.store.ResultField.FIDELITY_TOP1)).isNotNull();
    }

    @Test
    void aDegenerateBaselineIsWarnedAboutInThePreparationStatus() throws Exception {
        String warning = "WARN baseline mnist-cnn output 'y' is all zero on the 32 calibration samples";
        startCalibrated((baseline, model, recipe, inputs, calibration) -> new BuiltVariant(baseline, "random (seed 1)",
                null, List.of(warning)));
        CampaignProgress submitted = campaigns.submit(request(List.of(), List.of(1)));
        release.countDown();

        CampaignProgress ready = await("jobs queued", () -> campaigns.status(submitted.summary().id()),
                p -> p.summary().total() == 1);
        assertThat(ready.preparation().message()).isEqualTo("variants ready; 1 job(s) queued; " + warning);
    }

    @Test
    void calibrationDataTheModelCannotTakeFailsThePreparationWithOneLine() throws Exception {
        startCalibrated(new ModelBuilder(null)::build);
        CampaignRequest r = request(List.of("quantized:int8-static"), List.of(1));
        CampaignRequest withData = new CampaignRequest(r.name(), r.models(), r.uploads(), r.variants(), r.batches(),
                r.threads(), r.modes(), r.selectors(), r.measurement(), r.specSource(), Map.of(),
                Map.of("", new ModelCalibration("tensors:t", "", Map.of("a.npy", new byte[] {1, 2, 3}))));
        CampaignProgress submitted = campaigns.submit(withData);
        release.countDown();

        CampaignProgress failed = await("the failure", () -> campaigns.status(submitted.summary().id()),
                p -> p.preparation().failed());
        assertThat(failed.preparation().failure()).matches("tensor file .*a\\.npy is too short for an NPY header");
        assertThat(failed.summary().total()).isZero();
    }

    /** mnist-cnn with its weights in weights.bin, both stored as an upload would leave them. */
    private UploadedModel storedExternalModel() throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("user"));
        var model = dev.edgeperf.core.onnx.ExternalData.externalize(ModelZoo.buildProto("mnist-cnn"), folder,
                "weights.bin", 64);
        byte[] onnx = model.toByteArray();
        String onnxDigest;
        String weightsDigest;
        try (var in = new java.io.ByteArrayInputStream(onnx)) {
            onnxDigest = artifacts.put(in);
        }
        try (var in = java.nio.file.Files.newInputStream(folder.resolve("weights.bin"))) {
            weightsDigest = artifacts.put(in);
        }
        return UploadedModel.stored(onnxDigest, onnx.length, List.of(new ArtifactStore.ExternalFile("weights.bin",
                weightsDigest, java.nio.file.Files.size(folder.resolve("weights.bin")))));
    }

    @Test
    void oneCampaignWithTheSameOnnxTwiceWithOtherWeightsIsRefusedAndNothingIsStored() throws Exception {
        release.countDown();
        start(ModelBuilder::variant);
        UploadedModel model = storedExternalModel();
        String other = artifacts.put("other weights".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        UploadedModel otherWeights = UploadedModel.stored(model.digest(), model.sizeBytes(),
                List.of(new ArtifactStore.ExternalFile("weights.bin", other, 13)));
        Map<String, UploadedModel> uploads = new java.util.LinkedHashMap<>();
        uploads.put("a/cnn.onnx", model);
        uploads.put("b/cnn.onnx", otherWeights);
        CampaignRequest both = new CampaignRequest("", List.of("a/cnn.onnx", "b/cnn.onnx"), uploads, List.of("baseline"),
                List.of(1), List.of(), List.of(), List.of(), new MeasurementSettings(2, 5, 10, 1000), "");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> campaigns.submit(both))
                .isInstanceOf(dev.edgeperf.core.EdgeperfException.class)
                .hasMessage("models 'a/cnn.onnx' and 'b/cnn.onnx' are the same .onnx file (SHA-256 " + model.digest()
                        + ") with different external data beside it; submit them in separate campaigns");
        assertThat(campaigns.list()).isEmpty();
    }

    private static CampaignRequest uploadRequest(UploadedModel model, List<String> variants) {
        return new CampaignRequest("", List.of("cnn.onnx"), Map.of("cnn.onnx", model), variants, List.of(1),
                List.of(), List.of(), List.of(), new MeasurementSettings(2, 5, 10, 1000), "");
    }

    @Test
    void anUploadedModelWithExternalDataIsMeasuredAsStoredAndItsVariantsGetItsWeights() throws Exception {
        release.countDown();
        start(ModelBuilder::variant);
        UploadedModel model = storedExternalModel();
        long files = java.nio.file.Files.list(dir.resolve("artifacts")).count();

        CampaignProgress submitted = campaigns.submit(uploadRequest(model, List.of("baseline",
                "pruned:structured:0.5")));

        await("a job leased", link::jobs, jobs -> !jobs.isEmpty());
        CampaignProgress running = campaigns.status(submitted.summary().id());
        assertThat(running.summary().total()).as(running.preparation().failure()).isEqualTo(2);
        assertThat(link.jobs()).singleElement().satisfies(job -> {
            assertThat(job.variantRecipe()).isEqualTo("baseline");
            // the uploaded file itself, not a copy: nothing was rebuilt or stored for the baseline
            assertThat(job.modelDigest()).isEqualTo(model.digest());
            assertThat(job.flops()).isEqualTo(dev.edgeperf.core.cost.ModelProfiler.profile(ModelZoo.build("mnist-cnn"),
                    "z", new dev.edgeperf.core.cost.ProfileOptions(1, Map.of(),
                            dev.edgeperf.core.cost.CountingConvention.SEED)).totalFlops());
        });
        String campaign = submitted.summary().id();
        assertThat(artifacts.externalData(campaign, model.digest())).isEqualTo(model.externalData());
        assertThat(store.queuedJobs()).singleElement().satisfies(job -> {
            assertThat(job.variantRecipe()).isEqualTo("pruned:structured:0.5");
            // a variant holds its weights inside: built from the model with weights.bin read in
            var variant = dev.edgeperf.core.onnx.OnnxModels.map(artifacts.path(job.modelDigest()));
            assertThat(dev.edgeperf.core.onnx.ExternalData.uses(variant, "v")).isFalse();
            assertThat(artifacts.externalData(campaign, job.modelDigest())).isEmpty();
        });
        // the variant and its external-data list, and the variant's reference set and the note naming it (the
        // stored baseline gets none: its external data lies in the store under digests, not beside its file)
        assertThat(java.nio.file.Files.list(dir.resolve("artifacts")).count()).isEqualTo(files + 4);
        assertThat(artifacts.referenceSet(model.digest())).isEmpty();
        assertThat(artifacts.referenceSet(store.queuedJobs().get(0).modelDigest())).hasSize(64);
    }

    /** Runs a preparation to its end and returns what it prepared (or fails with its reason). */
    private Map<CampaignPlan.VariantBuild, PreparedVariant> prepare(VariantPreparation p, List<CampaignPlan.VariantBuild>
            builds, Map<String, UploadedModel> uploads, Map<String, ModelCalibration> calibrations) throws Exception {
        var result = new java.util.concurrent.CompletableFuture<Map<CampaignPlan.VariantBuild, PreparedVariant>>();
        p.start("c", builds, List.of(1), uploads, Map.of(), calibrations, new VariantPreparation.Progress() {
            @Override
            public boolean step(int done, int total, String message) {
                return true;
            }

            @Override
            public void prepared(Map<CampaignPlan.VariantBuild, PreparedVariant> variants) {
                result.complete(variants);
            }

            @Override
            public void failed(String reason) {
                result.completeExceptionally(new IllegalStateException(reason));
            }
        }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        return result.get();
    }

    @Test
    void anUploadedBaselineMeasuredAsStoredCarriesTheCalibrationLabelOfItsVariants() throws Exception {
        release.countDown();
        UploadedModel model = storedExternalModel();
        var baseline = new CampaignPlan.VariantBuild("cnn.onnx", "baseline");
        var int8 = new CampaignPlan.VariantBuild("cnn.onnx", "quantized:int8-dynamic");
        try (VariantPreparation p = new VariantPreparation(artifacts, this::heldModel, new ModelBuilder(null))) {
            var prepared = prepare(p, List.of(baseline, int8), Map.of("cnn.onnx", model), Map.of());
            // measured as uploaded (the stored file itself), labelled as its variant is
            assertThat(prepared.get(baseline).digest()).isEqualTo(model.digest());
            assertThat(prepared.get(baseline).calibration()).isEqualTo("random (seed 20240601)")
                    .isEqualTo(prepared.get(int8).calibration());
            // a baseline alone gets its label too, and a seed the user chose
            var alone = prepare(p, List.of(baseline), Map.of("cnn.onnx", model),
                    Map.of("", new ModelCalibration("random:7", "", Map.of())));
            assertThat(alone.get(baseline).calibration()).isEqualTo("random (seed 7)");
        }
    }

    @Test
    void aRecipeOnAModelOver2GiBIsSkippedWithOneLineAndItsBaselineIsStillMeasured() throws Exception {
        release.countDown();
        start(ModelBuilder::variant);
        UploadedModel small = storedExternalModel();
        // its weights file, extended sparsely past 2 GiB: the tensors' offsets still point into its start, and the
        // disk holds only those bytes
        String bigDigest = "cd".repeat(32);
        Path big = dir.resolve("artifacts").resolve(bigDigest + ".onnx");
        java.nio.file.Files.copy(artifacts.path(small.externalData().get(0).digest()), big);
        long size = 2_500_000_000L;
        try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(size);
        }
        UploadedModel model = UploadedModel.stored(small.digest(), small.sizeBytes(),
                List.of(new ArtifactStore.ExternalFile("weights.bin", bigDigest, size)));

        CampaignProgress submitted = campaigns.submit(uploadRequest(model, List.of("baseline", "quantized:int8-dynamic")));

        CampaignProgress ready = await("jobs queued", () -> campaigns.status(submitted.summary().id()),
                p -> p.summary().total() > 0 || p.preparation().failed());
        assertThat(ready.preparation().failed()).as(ready.preparation().failure()).isFalse();
        assertThat(ready.summary().total()).isEqualTo(1);
        assertThat(ready.preparation().message()).contains(String.format(java.util.Locale.ROOT, "skipped cnn.onnx"
                + " quantized:int8-dynamic: model cnn.onnx is %,d bytes with its external data, over protobuf's 2 GiB"
                + " limit (2,147,483,647 bytes) that building a variant needs; its baseline is measured as uploaded",
                size + small.sizeBytes()));
        await("the baseline leased", link::jobs, jobs -> !jobs.isEmpty());
        assertThat(link.jobs()).singleElement().satisfies(job -> {
            assertThat(job.variantRecipe()).isEqualTo("baseline");
            assertThat(job.modelDigest()).isEqualTo(model.digest());
        });
    }

    @Test
    void aModelThatWasNotUploadedIsRefusedAtSubmitAndNothingIsStored() throws Exception {
        start(ModelBuilder::variant);
        UploadedModel model = storedExternalModel();
        UploadedModel missing = UploadedModel.stored(model.digest(), model.sizeBytes(), List.of(
                new ArtifactStore.ExternalFile("weights.bin", "ab".repeat(32), 10)));

        assertThatThrownBy(() -> campaigns.submit(uploadRequest(missing, List.of())))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("external data 'weights.bin' of model 'cnn.onnx' (SHA-256 " + "ab".repeat(32)
                        + ") was not uploaded to this coordinator; upload it before submitting (edgeperf campaign run"
                        + " does)");
        assertThat(store.campaignSummaries()).isEmpty();
    }
}
