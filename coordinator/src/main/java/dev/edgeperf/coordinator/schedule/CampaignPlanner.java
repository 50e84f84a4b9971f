package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.NoAgentConnectedException;
import dev.edgeperf.coordinator.fleet.Selector;
import dev.edgeperf.coordinator.schedule.CampaignPlan.Target;
import dev.edgeperf.coordinator.schedule.CampaignPlan.VariantBuild;
import dev.edgeperf.coordinator.spec.Mode;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Checks a campaign request against the fleet and turns it into a plan, then the plan and its
 * built variants into jobs. Pure: no store, no files, no network; everything it may reject is
 * rejected by {@link #plan} at submit, before anything is built or stored.
 */
public final class CampaignPlanner {
    /**
     * Largest user model accepted inline in the Submit message, bytes (it travels inside one gRPC
     * message); bigger files are uploaded first (ArtifactService.Upload, up to
     * {@link dev.edgeperf.coordinator.artifacts.ArtifactStore#MAX_FILE_BYTES}) and named by digest.
     */
    public static final int MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

    private final Supplier<String> ids;

    public CampaignPlanner() {
        this(() -> UUID.randomUUID().toString());
    }

    /** @param ids new job ids (injectable so tests can name jobs) */
    public CampaignPlanner(Supplier<String> ids) {
        this.ids = Objects.requireNonNull(ids, "ids is null");
    }

    /**
     * @throws EdgeperfException USER_ERROR for an oversized or unreadable upload, no or an unknown model, an
     *         unknown recipe/mode/selector key, a bad batch/thread count, or input sizes that do not give
     *         every input of a model a concrete shape at every batch ({@link #inputShapes}), one line
     *         naming the value
     * @throws NoAgentConnectedException when the campaign targets {@code all} agents and none is connected
     */
    public CampaignPlan plan(CampaignRequest request, FleetSnapshot fleet) {
        for (Map.Entry<String, UploadedModel> upload : request.uploads().entrySet()) {
            byte[] inline = upload.getValue().inline();
            if (inline != null && inline.length > MAX_UPLOAD_BYTES) {
                throw EdgeperfException.userError("model file '" + upload.getKey() + "' is "
                        + inline.length + " bytes; at most " + MAX_UPLOAD_BYTES
                        + " bytes can be sent with a campaign");
            }
        }
        List<String> variants = request.variants().isEmpty() ? List.of("baseline") : request.variants();
        List<Integer> threads = request.threads().isEmpty() ? List.of(0) : request.threads();
        List<Mode> modes = (request.modes().isEmpty() ? List.of("latency") : request.modes()).stream()
                .map(Mode::parse).toList();
        validate(request.models(), request.uploads(), variants, request.batches(), threads, request.training());
        Map<String, ModelInputs> inputs = checkInputs(request);
        List<Target> targets = targets(request.selectors(), fleet);
        Set<VariantBuild> builds = new LinkedHashSet<>();
        for (String model : request.models()) {
            for (String variant : variants) {
                builds.add(new VariantBuild(model, variant));
            }
        }
        return new CampaignPlan(name(request), List.copyOf(builds), request.batches(), threads, modes, targets,
                request.measurement(), inputs);
    }

    /**
     * The concrete shape of every input of a model at each batch size: what jobs carry to agents and
     * results store. The same sizes and model always give the same shapes, so submit (which refuses)
     * and preparation (which builds jobs from the baseline it loaded) agree.
     *
     * @param model  the model's name for messages
     * @param inputs the model's inputs as declared ({@link ModelInputs#declared})
     * @return batch -> input name -> shape, in batch order
     * @throws EdgeperfException USER_ERROR as {@link ModelInputs#resolve}: one line naming the model, the
     *         input and, for a dimension nothing sets, its index and symbol
     */
    public static Map<Integer, Map<String, long[]>> inputShapes(String model, List<InputDims.Declared> inputs,
                                                                ModelInputs given, List<Integer> batches) {
        Map<Integer, Map<String, long[]>> byBatch = new LinkedHashMap<>();
        for (int batch : batches) {
            byBatch.computeIfAbsent(batch, b -> {
                Map<String, long[]> shapes = given.resolve(model, inputs, b);
                given.checkValues(model, inputs, shapes);
                return shapes;
            });
        }
        return byBatch;
    }

    /**
     * The client's check of a model file's sizes before it is uploaded: {@link #inputShapes} at every batch,
     * for a fixed-batch file asked for other batches on its rebatched graph ({@link Rebatching#rebatched}),
     * so that a file that cannot be rebatched is refused before anything is sent (the coordinator rebatches
     * it again at submit, and stores that file).
     *
     * @throws EdgeperfException USER_ERROR as {@link #inputShapes} and {@link Rebatching#rebatched}
     */
    public static void checkBeforeUpload(String model, ai.onnx.proto.OnnxMl.ModelProto graph, ModelInputs given,
                                         List<Integer> batches) {
        dev.edgeperf.core.variants.Rebatcher.Outcome rebatched = Rebatching.rebatched(model, graph, given, batches);
        inputShapes(model, ModelInputs.declared(rebatched == null ? graph : rebatched.model()), given, batches);
    }

    /**
     * Refuses, at submit, sizes for a model the campaign lacks and any model input that would have no
     * concrete shape at some batch. Inline uploads are checked against their bytes here (stored uploads
     * against their file in {@link VariantPreparation#checkUploads}); a zoo model only
     * when sizes are given for it (its inputs are {@code [N, fixed...]}, and building a large zoo
     * model on the submit call would keep the caller waiting).
     */
    private static Map<String, ModelInputs> checkInputs(CampaignRequest request) {
        for (String model : request.inputs().keySet()) {
            if (!request.models().contains(model)) {
                throw EdgeperfException.userError("input sizes are given for model '" + model
                        + "', which this campaign does not measure (its models: " + String.join(", ", request.models())
                        + ")");
            }
        }
        Map<String, ModelInputs> inputs = new LinkedHashMap<>();
        for (String model : request.models()) {
            ModelInputs given = request.inputsOf(model);
            inputs.put(model, given);
            UploadedModel upload = request.uploads().get(model);
            if (upload != null) {
                // a model uploaded to the artifact store is checked against its file by VariantPreparation.checkUploads
                if (upload.inline() != null) {
                    inputShapes(model, ModelInputs.declared(OnnxModels.parseShared(upload.inline(), model)), given,
                            request.batches());
                }
            } else if (!given.isEmpty()) {
                inputShapes(model, ModelInputs.declared(ModelZoo.buildProto(model)), given, request.batches());
            }
        }
        return inputs;
    }

    /**
     * The campaign's jobs, in plan order (model, variant, batch, threads, mode, target).
     *
     * @param prepared every build of the plan, built
     * @throws IllegalArgumentException when a build of the plan is missing from {@code prepared}
     */
    public List<NewJob> jobs(CampaignPlan plan, Map<VariantBuild, PreparedVariant> prepared) {
        return jobs(plan, prepared, java.util.Set.of());
    }

    /** As {@link #jobs(CampaignPlan, Map)}, where the {@code skipped} builds get no jobs. */
    public List<NewJob> jobs(CampaignPlan plan, Map<VariantBuild, PreparedVariant> prepared,
                             java.util.Set<VariantBuild> skipped) {
        List<NewJob> jobs = new ArrayList<>(plan.jobCount());
        for (VariantBuild build : plan.builds()) {
            PreparedVariant variant = prepared.get(build);
            if (variant == null && skipped.contains(build)) {
                // skipped in preparation (a model too large to rewrite): its reason is among the campaign's warnings
                continue;
            }
            if (variant == null) {
                throw new IllegalArgumentException("variant " + build + " was not prepared");
            }
            dev.edgeperf.core.variants.Fidelity fidelity = variant.fidelity();
            Map<String, long[]> values = plan.inputs().getOrDefault(build.model(), ModelInputs.none()).values();
            for (int batch : plan.batches()) {
                Long flops = variant.flopsByBatch().get(batch);
                if (flops == null) {
                    throw new IllegalArgumentException("variant " + build + " has no FLOPs for batch " + batch);
                }
                Map<String, long[]> shapes = variant.inputShapesByBatch().getOrDefault(batch, Map.of());
                for (int thread : plan.threads()) {
                    for (Mode mode : plan.modes()) {
                        for (Target target : plan.targets()) {
                            jobs.add(new NewJob(ids.get(), target.agentId(), target.selector(), build.model(),
                                    variant.digest(), variant.sizeBytes(), build.recipe(), batch, thread,
                                    plan.measurement().withConcurrency(mode.concurrency()), flops, shapes,
                                    variant.noopReason(),
                                    variant.calibration(), fidelity == null ? null : fidelity.cosineSimilarity(),
                                    fidelity == null || !Double.isFinite(fidelity.sqnrDb()) ? null : fidelity.sqnrDb(),
                                    fidelity == null ? null : fidelity.top1Agreement(), variant.evaluation(),
                                    values));
                        }
                    }
                }
            }
        }
        return jobs;
    }

    private static String name(CampaignRequest request) {
        return request.name().isBlank()
                ? String.join(",", request.models()) + " batch " + request.batches().stream().map(String::valueOf)
                .collect(Collectors.joining(","))
                : request.name().strip();
    }

    private static List<Target> targets(List<String> selectors, FleetSnapshot fleet) {
        List<String> texts = selectors.isEmpty() ? List.of(Selector.ALL) : selectors;
        List<Target> targets = new ArrayList<>();
        for (String text : texts) {
            if (text.strip().equals(Selector.ALL)) {
                if (fleet.connected().isEmpty()) {
                    throw new NoAgentConnectedException();
                }
                fleet.connected().forEach(a -> targets.add(new Target(a.id(), "name=" + a.name())));
                continue;
            }
            Selector selector = Selector.parse(text);
            List<String> unknown = selector.unknownKeys(fleet.labelKeys());
            if (!unknown.isEmpty()) {
                throw EdgeperfException.userError("unknown selector key '" + unknown.get(0)
                        + "' (expected one of board, arch, isa, name or a label)");
            }
            targets.add(new Target(null, selector.toString()));
        }
        return targets;
    }

    private static void validate(List<String> models, Map<String, UploadedModel> uploads, List<String> variants,
                                 List<Integer> batches, List<Integer> threads, TrainingData training) {
        if (models.isEmpty()) {
            throw EdgeperfException.userError("a campaign needs at least one model: expected one of "
                    + String.join(", ", ModelZoo.names()) + " or an .onnx file");
        }
        for (String model : models) {
            if (!uploads.containsKey(model)) {
                ModelZoo.describe(model); // USER_ERROR naming the unknown model and the known ones
            }
        }
        // USER_ERROR naming the recipe and the accepted forms (distilled: only with training data)
        variants.forEach(v -> TrainingData.recipe(v, training));
        if (batches.isEmpty()) {
            throw EdgeperfException.userError("a campaign needs at least one batch size");
        }
        for (int batch : batches) {
            if (batch < 1) {
                throw EdgeperfException.userError("batch sizes must be positive integers, got '" + batch + "'");
            }
        }
        for (int thread : threads) {
            if (thread < 0) {
                throw EdgeperfException.userError("intra-op threads must be >= 0 (0 = engine default), got '"
                        + thread + "'");
            }
        }
    }
}
