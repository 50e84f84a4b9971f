package dev.edgeperf.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.edgeperf.coordinator.testing.OpenModels.input;

import dev.edgeperf.coordinator.fleet.AgentTraits;
import dev.edgeperf.coordinator.fleet.NoAgentConnectedException;
import dev.edgeperf.coordinator.schedule.CampaignPlan.Target;
import dev.edgeperf.coordinator.schedule.CampaignPlan.VariantBuild;
import dev.edgeperf.coordinator.spec.Mode;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.coordinator.testing.OpenModels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The planner alone: no store, no files, no fleet object; a request and a snapshot in, a plan and jobs out. */
class CampaignPlannerTest {
    private static final MeasurementSettings SETTINGS = new MeasurementSettings(2, 5, 10, 1000);
    private static final FleetSnapshot TWO_AGENTS = new FleetSnapshot(List.of(agent("id-a", "a"), agent("id-b", "b")),
            Set.of("room"));
    private static final FleetSnapshot EMPTY = new FleetSnapshot(List.of(), Set.of());

    private final AtomicInteger next = new AtomicInteger();
    private final CampaignPlanner planner = new CampaignPlanner(() -> "job-" + next.incrementAndGet());

    private static FleetSnapshot.Agent agent(String id, String name) {
        return new FleetSnapshot.Agent(id, name, new AgentTraits(name, "generic-x86_64", "x86_64", List.of("avx2"),
                Map.of("room", "lab")));
    }

    /** A request with the given lists; empty lists take the defaults. */
    private static CampaignRequest request(List<String> models, List<String> variants, List<Integer> batches,
                                           List<Integer> threads, List<String> modes, List<String> selectors) {
        return new CampaignRequest("", models, Map.of(), variants, batches, threads, modes, selectors, SETTINGS, "");
    }

    private static CampaignRequest simple(List<String> selectors) {
        return request(List.of("mnist-cnn"), List.of(), List.of(1), List.of(), List.of(), selectors);
    }

    private static void assertUserError(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOf(EdgeperfException.class).hasMessage(message)
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
    }

    @Test
    void defaultsAreBaselineEngineThreadsLatencyAndEveryConnectedAgent() {
        CampaignPlan plan = planner.plan(simple(List.of()), TWO_AGENTS);

        assertThat(plan.builds()).containsExactly(new VariantBuild("mnist-cnn", "baseline"));
        assertThat(plan.threads()).containsExactly(0);
        assertThat(plan.modes()).containsExactly(Mode.LATENCY);
        assertThat(plan.targets()).containsExactly(new Target("id-a", "name=a"), new Target("id-b", "name=b"));
        assertThat(plan.name()).isEqualTo("mnist-cnn batch 1");
        assertThat(plan.jobCount()).isEqualTo(2);
    }

    @Test
    void buildsAreModelsTimesVariantsInSubmissionOrderOncePerPair() {
        CampaignPlan plan = planner.plan(request(List.of("mnist-cnn", "lenet5"),
                List.of("baseline", "separable", "baseline"), List.of(1, 8), List.of(1, 4),
                List.of("latency", "throughput:4"), List.of("arch=x86_64")), EMPTY);

        assertThat(plan.builds()).containsExactly(new VariantBuild("mnist-cnn", "baseline"),
                new VariantBuild("mnist-cnn", "separable"), new VariantBuild("lenet5", "baseline"),
                new VariantBuild("lenet5", "separable"));
        assertThat(plan.targets()).containsExactly(new Target(null, "arch=x86_64"));
        assertThat(plan.modes()).containsExactly(Mode.LATENCY, new Mode(4));
        assertThat(plan.jobCount()).isEqualTo(4 * 2 * 2 * 2);
        assertThat(plan.name()).isEqualTo("mnist-cnn,lenet5 batch 1,8");
    }

    @Test
    void selectorsAreCanonicalAndMayUseKnownLabelKeysWithoutAnyAgentConnected() {
        CampaignPlan plan = planner.plan(simple(List.of(" board = rpi5 , room=lab", "all")), TWO_AGENTS);

        assertThat(plan.targets()).containsExactly(new Target(null, "board=rpi5,room=lab"),
                new Target("id-a", "name=a"), new Target("id-b", "name=b"));
        assertThat(planner.plan(simple(List.of("room=lab")), new FleetSnapshot(List.of(), Set.of("room"))).targets())
                .containsExactly(new Target(null, "room=lab"));
    }

    @Test
    void allWithNoAgentConnectedIsRefused() {
        assertThatThrownBy(() -> planner.plan(simple(List.of("all")), EMPTY))
                .isInstanceOf(NoAgentConnectedException.class)
                .hasMessage("no agent is connected to the coordinator");
        assertThatThrownBy(() -> planner.plan(simple(List.of()), EMPTY)).isInstanceOf(NoAgentConnectedException.class);
    }

    @Test
    void everyBadValueIsOneUserErrorNamingIt() {
        assertUserError(() -> planner.plan(simple(List.of("bord=rpi5")), TWO_AGENTS),
                "unknown selector key 'bord' (expected one of board, arch, isa, name or a label)");
        assertUserError(() -> planner.plan(request(List.of("mnist-cnn"), List.of(), List.of(0), List.of(), List.of(),
                List.of()), TWO_AGENTS), "batch sizes must be positive integers, got '0'");
        assertUserError(() -> planner.plan(request(List.of("mnist-cnn"), List.of(), List.of(), List.of(), List.of(),
                List.of()), TWO_AGENTS), "a campaign needs at least one batch size");
        assertUserError(() -> planner.plan(request(List.of("mnist-cnn"), List.of(), List.of(1), List.of(-1),
                List.of(), List.of()), TWO_AGENTS), "intra-op threads must be >= 0 (0 = engine default), got '-1'");
        assertThatThrownBy(() -> planner.plan(request(List.of(), List.of(), List.of(1), List.of(), List.of(),
                List.of()), TWO_AGENTS)).isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("a campaign needs at least one model: expected one of mnist-cnn");
        assertThatThrownBy(() -> planner.plan(request(List.of("no-such-model"), List.of(), List.of(1), List.of(),
                List.of(), List.of()), TWO_AGENTS)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("no-such-model");
        assertThatThrownBy(() -> planner.plan(request(List.of("mnist-cnn"), List.of("shrunk:0.5"), List.of(1),
                List.of(), List.of(), List.of()), TWO_AGENTS)).isInstanceOf(EdgeperfException.class)
                .hasMessageContaining("shrunk:0.5");
        assertThatThrownBy(() -> planner.plan(request(List.of("mnist-cnn"), List.of(), List.of(1), List.of(),
                List.of("burst"), List.of()), TWO_AGENTS)).isInstanceOf(EdgeperfException.class)
                .hasMessage("unknown mode 'burst': expected latency or throughput:C with C a positive integer"
                        + " (e.g. throughput:4)");
    }

    @Test
    void uploadedModelsNeedNoZooEntryButMustFitInOneMessage() {
        CampaignRequest upload = new CampaignRequest("mine", List.of("my.onnx"),
                Map.of("my.onnx", UploadedModel.inline(OpenModels.relu(input("x", "N", 4)))),
                List.of(), List.of(1), List.of(), List.of(), List.of("arch=x86_64"), SETTINGS, "spec");
        assertThat(planner.plan(upload, EMPTY).builds()).containsExactly(new VariantBuild("my.onnx", "baseline"));
        assertThat(planner.plan(upload, EMPTY).name()).isEqualTo("mine");

        CampaignRequest big = new CampaignRequest("", List.of("big.onnx"),
                Map.of("big.onnx", UploadedModel.inline(new byte[CampaignPlanner.MAX_UPLOAD_BYTES + 1])), List.of(), List.of(1), List.of(),
                List.of(), List.of(), SETTINGS, "");
        assertUserError(() -> planner.plan(big, TWO_AGENTS), "model file 'big.onnx' is "
                + (CampaignPlanner.MAX_UPLOAD_BYTES + 1) + " bytes; at most " + CampaignPlanner.MAX_UPLOAD_BYTES
                + " bytes can be sent with a campaign");
    }

    @Test
    void jobsCrossEachPreparedVariantWithBatchesThreadsModesAndTargets() {
        CampaignPlan plan = planner.plan(request(List.of("mnist-cnn"), List.of("baseline", "separable"),
                List.of(1, 8), List.of(2), List.of("latency", "throughput:3"), List.of("all")), TWO_AGENTS);
        Map<VariantBuild, PreparedVariant> prepared = new HashMap<>();
        prepared.put(new VariantBuild("mnist-cnn", "baseline"), new PreparedVariant("d1", 100, Map.of(1, 10L, 8, 80L)));
        prepared.put(new VariantBuild("mnist-cnn", "separable"), new PreparedVariant("d2", 50, Map.of(1, 4L, 8, 32L)));

        List<NewJob> jobs = planner.jobs(plan, prepared);

        assertThat(jobs).hasSize(2 * 2 * 1 * 2 * 2);
        assertThat(jobs).extracting(NewJob::id).doesNotHaveDuplicates().first().isEqualTo("job-1");
        NewJob first = jobs.get(0);
        assertThat(first.modelDigest()).isEqualTo("d1");
        assertThat(first.modelSizeBytes()).isEqualTo(100);
        assertThat(first.variantRecipe()).isEqualTo("baseline");
        assertThat(first.batchSize()).isEqualTo(1);
        assertThat(first.flops()).isEqualTo(10);
        assertThat(first.threads()).isEqualTo(2);
        assertThat(first.measurement()).isEqualTo(SETTINGS.withConcurrency(0));
        assertThat(first.targetAgentId()).isEqualTo("id-a");
        assertThat(first.selector()).isEqualTo("name=a");
        // nesting: variant, batch, threads, mode, target (the target varies fastest)
        assertThat(jobs.get(1).targetAgentId()).isEqualTo("id-b");
        assertThat(jobs.get(2).measurement().concurrency()).isEqualTo(3);
        assertThat(jobs.get(4).batchSize()).isEqualTo(8);
        assertThat(jobs.get(4).flops()).isEqualTo(80);
        assertThat(jobs.get(8).variantRecipe()).isEqualTo("separable");
        assertThat(jobs.get(8).flops()).isEqualTo(4);
        assertThat(jobs.get(15).flops()).isEqualTo(32);
    }

    @Test
    void jobsNeedEveryBuildPrepared() {
        CampaignPlan plan = planner.plan(request(List.of("mnist-cnn"), List.of("baseline", "separable"), List.of(1),
                List.of(), List.of(), List.of("arch=x86_64")), EMPTY);

        assertThatThrownBy(() -> planner.jobs(plan, Map.of(new VariantBuild("mnist-cnn", "baseline"),
                new PreparedVariant("d1", 1, Map.of(1, 1L))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("variant mnist-cnn separable was not prepared");
    }

    // ------------------------------------------------------------------ input shapes (issue 10 item 2)

    /** In the order given (Map.of's order changes from run to run, and which size conflicts is reported first). */
    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A campaign of one uploaded model with the given sizes. */
    private static CampaignRequest upload(String name, byte[] model, ModelInputs sizes, List<Integer> batches) {
        return new CampaignRequest("", List.of(name), Map.of(name, UploadedModel.inline(model)), List.of(), batches, List.of(), List.of(),
                List.of("arch=x86_64"), SETTINGS, "", Map.of(name, sizes));
    }

    private static ModelInputs sizes(Map<String, String> inputs, Map<String, String> dims) {
        return ModelInputs.parse(inputs, dims);
    }

    private static List<long[]> shapes(Map<String, long[]> byInput) {
        return List.copyOf(byInput.values());
    }

    @Test
    void aFixedBatchModelAskedForALargerBatchIsRefusedAtSubmitNamingModelInputAndSize() {
        byte[] fixed = OpenModels.relu(input("x", 1, 3, "?", "?"));
        CampaignRequest request = upload("fixed.onnx", fixed, sizes(Map.of("x", "1x3x48x192"), Map.of()),
                List.of(1, 4));

        assertUserError(() -> planner.plan(request, EMPTY), "model fixed.onnx: input 'x' has a fixed batch"
                + " dimension of 1 ([1, 3, ?, ?]), so batch 4 cannot be measured; measure batch 1, or export the"
                + " model with a symbolic leading dimension");
        assertThat(planner.plan(upload("fixed.onnx", fixed, sizes(Map.of("x", "1x3x48x192"), Map.of()), List.of(1)),
                EMPTY).builds()).hasSize(1);
    }

    @Test
    void anUnresolvedDimensionIsASubmitErrorNamingModelInputIndexAndSymbol() {
        byte[] det = OpenModels.relu(input("x", "batch", 3, "?", null));
        assertUserError(() -> planner.plan(upload("det.onnx", det, ModelInputs.none(), List.of(1)), EMPTY),
                "input 'x' of det.onnx has no value for dimension 2 (unnamed, dim_param '?') of"
                        + " [batch, 3, ?, ?]; pass --input x=1x3x<d2>x<d3>");

        byte[] tokens = OpenModels.relu(input("ids", "batch", "sequence"));
        assertUserError(() -> planner.plan(upload("bert.onnx", tokens, ModelInputs.none(), List.of(2)), EMPTY),
                "input 'ids' of bert.onnx has no value for dimension 1 (symbol 'sequence') of"
                        + " [batch, sequence]; pass --dim sequence=SIZE or --input ids=2x<sequence>");
    }

    @Test
    void eachBatchReplacesTheLeadingDimensionOfEveryBatchedInputInGivenShapesToo() {
        byte[] model = OpenModels.relu(input("x", "?", 3, "?", "?"), input("y", "n", 10), input("scale", 1),
                input("state", 2, "n", 4));
        ModelInputs given = sizes(ordered("x", "1x3x48x192", "y", "7x10"), Map.of());

        Map<Integer, Map<String, long[]>> byBatch = CampaignPlanner.inputShapes("two.onnx",
                ModelInputs.declared(dev.edgeperf.core.onnx.OnnxModels.parse(model, "two.onnx")), given,
                List.of(1, 8));

        assertThat(byBatch).containsOnlyKeys(1, 8);
        assertThat(byBatch.get(8)).containsOnlyKeys("x", "y", "scale", "state");
        // a fixed [1] beside batched inputs keeps its size; the batch symbol further in follows the batch
        assertThat(shapes(byBatch.get(8))).containsExactly(new long[] {8, 3, 48, 192}, new long[] {8, 10},
                new long[] {1}, new long[] {2, 8, 4});
        assertThat(shapes(byBatch.get(1))).containsExactly(new long[] {1, 3, 48, 192}, new long[] {1, 10},
                new long[] {1}, new long[] {2, 1, 4});
        assertThat(ModelInputs.describe(byBatch.get(8))).isEqualTo("x=8x3x48x192 y=8x10 scale=1 state=2x8x4");

        // and the jobs carry the shapes of their own batch
        CampaignPlan plan = planner.plan(upload("two.onnx", model, given, List.of(1, 8)), EMPTY);
        List<NewJob> jobs = planner.jobs(plan, Map.of(new VariantBuild("two.onnx", "baseline"),
                new PreparedVariant("d1", 10, Map.of(1, 1L, 8, 8L), byBatch, null)));
        assertThat(jobs).extracting(NewJob::batchSize).containsExactly(1, 8);
        assertThat(jobs.get(1).inputShapes().get("x")).containsExactly(8, 3, 48, 192);
        assertThat(jobs.get(1).inputShapes().get("y")).containsExactly(8, 10);
    }

    @Test
    void aNamedSymbolIsSharedByEveryInputThatHasIt() {
        byte[] model = OpenModels.relu(input("ids", "batch", "sequence"), input("mask", "batch", "sequence"),
                input("pos", "sequence"));
        List<dev.edgeperf.core.onnx.InputDims.Declared> declared = ModelInputs.declared(
                dev.edgeperf.core.onnx.OnnxModels.parse(model, "bert.onnx"));

        Map<String, long[]> byDim = CampaignPlanner.inputShapes("bert.onnx", declared,
                sizes(Map.of(), Map.of("sequence", "128")), List.of(4)).get(4);
        assertThat(shapes(byDim)).containsExactly(new long[] {4, 128}, new long[] {4, 128}, new long[] {128});

        Map<String, long[]> byInput = CampaignPlanner.inputShapes("bert.onnx", declared,
                sizes(Map.of("ids", "1x16"), Map.of()), List.of(2)).get(2);
        assertThat(shapes(byInput)).containsExactly(new long[] {2, 16}, new long[] {2, 16}, new long[] {16});

        assertUserError(() -> planner.plan(upload("bert.onnx", model, sizes(ordered("ids", "1x16", "mask", "1x32"),
                Map.of()), List.of(1)), EMPTY), "input 'mask' of bert.onnx dimension 1 (symbol 'sequence') is 32"
                + " in --input mask=1x32, but --input ids=1x16 sets 'sequence' to 16");
        assertUserError(() -> planner.plan(upload("bert.onnx", model, sizes(Map.of(), Map.of("batch", "4",
                "sequence", "8")), List.of(1)), EMPTY), "model bert.onnx: input 'ids' has its leading dimension 'batch'"
                + " set to 4 by dim batch, so batch 1 cannot be measured; leave the batch dimension to the batch sizes");
    }

    @Test
    void unknownInputNamesAndSizesForAModelTheCampaignLacksAreSubmitErrors() {
        byte[] model = OpenModels.relu(input("x", "N", 4));
        assertUserError(() -> planner.plan(upload("m.onnx", model, sizes(Map.of("images", "1x4"), Map.of()),
                List.of(1)), EMPTY), "model m.onnx has no input 'images'; its inputs are 'x' [N, 4]");
        CampaignRequest stray = new CampaignRequest("", List.of("mnist-cnn"), Map.of(), List.of(), List.of(1),
                List.of(), List.of(), List.of("arch=x86_64"), SETTINGS, "",
                Map.of("other.onnx", sizes(Map.of("x", "1x4"), Map.of())));
        assertUserError(() -> planner.plan(stray, EMPTY), "input sizes are given for model 'other.onnx', which this"
                + " campaign does not measure (its models: mnist-cnn)");
        CampaignRequest garbage = new CampaignRequest("", List.of("bad.onnx"), Map.of("bad.onnx", UploadedModel.inline(new byte[10])),
                List.of(), List.of(1), List.of(), List.of(), List.of("arch=x86_64"), SETTINGS, "");
        assertThatThrownBy(() -> planner.plan(garbage, EMPTY)).isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("not a valid ONNX model: bad.onnx: ");
    }
}
