package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.schedule.CampaignPlan.VariantBuild;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.ExternalData;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, stores and profiles a campaign's variants on a thread of its own, one campaign at a time
 * in submission order, so that submitting never waits for a build. Knows nothing of the store: it
 * reports to the campaign's {@link Progress}.
 */
public final class VariantPreparation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VariantPreparation.class);

    /** Where a preparation reports; called on the preparation thread. */
    public interface Progress {
        /**
         * Before variant {@code done + 1} of {@code total} is built.
         *
         * @return false to stop here (the campaign was cancelled); nothing more is reported then
         */
        boolean step(int done, int total, String message);

        /**
         * Every variant is built and stored, but those skipped: the campaign's jobs can be queued.
         *
         * @param variants every build but the skipped ones
         * @param skipped  per skipped build one line naming model, recipe and why
         */
        default void prepared(Map<VariantBuild, PreparedVariant> variants, Map<VariantBuild, String> skipped) {
            prepared(variants);
        }

        /** As {@link #prepared(Map, Map)} with nothing skipped. */
        void prepared(Map<VariantBuild, PreparedVariant> variants);

        /**
         * A variant could not be prepared, or {@link #prepared} threw; {@code reason} is one line.
         * Nothing more is reported.
         */
        void failed(String reason);
    }

    /** Turns a baseline into one variant's ONNX bytes, without calibration (a fake for tests). */
    @FunctionalInterface
    public interface VariantBuilder {
        /**
         * @param inputs the input sizes given for the model (calibration inputs take them)
         * @throws EdgeperfException USER_ERROR when the recipe cannot be applied to this model
         */
        byte[] build(byte[] baseline, String modelName, String recipe, ModelInputs inputs);
    }

    /** Turns a baseline into one variant, calibrated and checked on the model's calibration data. */
    @FunctionalInterface
    public interface CalibratedBuilder {
        /** @throws EdgeperfException USER_ERROR when the recipe cannot be applied or the data does not fit */
        BuiltVariant build(byte[] baseline, String modelName, String recipe, ModelInputs inputs,
                ModelCalibration calibration);

        /**
         * As above, with the train split a {@code distilled:} recipe trains on (null = none: such a recipe is
         * refused); builders that train nothing ignore it.
         */
        default BuiltVariant build(byte[] baseline, String modelName, String recipe, ModelInputs inputs,
                ModelCalibration calibration, TrainingData training) {
            return build(baseline, modelName, recipe, inputs, calibration);
        }

        /**
         * The calibration label an uploaded baseline's rows show: that of the data its variants are built with,
         * found without building anything ({@code graph} may be memory-mapped, its weights off the heap).
         *
         * @return "" when this builder does not calibrate, or random data does not fit the model
         */
        default String label(ModelProto graph, String modelName, ModelInputs inputs, ModelCalibration calibration) {
            return "";
        }

        /**
         * Up to {@code count} batch-1 inputs from the model's calibration data, for its variants' reference sets;
         * empty when the campaign has none (random calibration), and from builders that keep no data.
         */
        default List<dev.edgeperf.core.variants.InputBatch> referenceInputs(byte[] baseline, String modelName,
                ModelInputs inputs, ModelCalibration calibration, int count) {
            return List.of();
        }

        /** Drops what it kept for the next recipe of the same model (called when a preparation ends). */
        default void release() {
        }
    }

    /** Measures a prepared variant's accuracy on labelled evaluation data (see {@link ModelAccuracy}). */
    @FunctionalInterface
    public interface Evaluator {
        /**
         * @param baseline the model's baseline bytes
         * @param variant  the variant's bytes, or null when the variant is the baseline itself
         * @param inputs   the campaign's input sizes and values for the model (they feed inputs the data lacks)
         * @throws EdgeperfException USER_ERROR when the data does not fit the model (classes, labels, shapes)
         */
        dev.edgeperf.coordinator.store.VariantEvaluation evaluate(String modelName, byte[] baseline, byte[] variant,
                String recipe, ModelInputs inputs, ModelCalibration evaluation);
    }

    private final ArtifactStore artifacts;
    private final Function<String, byte[]> modelSource;
    private final CalibratedBuilder builder;
    private final Evaluator evaluator;
    private final ExecutorService executor;

    /** Zoo models, core's variant pipeline; mnist/fashion-mnist calibration from the default datasets folder. */
    public VariantPreparation(ArtifactStore artifacts) {
        this(artifacts, ModelZoo::build, new ModelBuilder(null), new ModelAccuracy(null));
    }

    /** @param modelSource zoo name -> ONNX bytes; {@code builder} ignores calibration (labelled "") */
    public VariantPreparation(ArtifactStore artifacts, Function<String, byte[]> modelSource, VariantBuilder builder) {
        this(artifacts, modelSource, uncalibrated(builder));
    }

    /** @param modelSource zoo name -> ONNX bytes */
    public VariantPreparation(ArtifactStore artifacts, Function<String, byte[]> modelSource, CalibratedBuilder builder) {
        this(artifacts, modelSource, builder, new ModelAccuracy(null));
    }

    /** @param evaluator measures accuracy when a campaign gives evaluation data */
    public VariantPreparation(ArtifactStore artifacts, Function<String, byte[]> modelSource, CalibratedBuilder builder,
                              Evaluator evaluator) {
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator is null");
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
        this.modelSource = Objects.requireNonNull(modelSource, "modelSource is null");
        this.builder = Objects.requireNonNull(builder, "builder is null");
        this.executor = Executors.newSingleThreadExecutor(r -> {
            // a daemon: a build under way never holds a coordinator that is shutting down
            Thread t = new Thread(r, "edgeperf-variant-preparation");
            t.setDaemon(true);
            return t;
        });
    }

    /** Where its variants and the campaigns' uploads are stored. */
    ArtifactStore artifacts() {
        return artifacts;
    }

    private static CalibratedBuilder uncalibrated(VariantBuilder builder) {
        Objects.requireNonNull(builder, "builder is null");
        return (baseline, model, recipe, inputs, calibration) -> new BuiltVariant(builder.build(baseline, model, recipe, inputs),
                "", null, List.of());
    }

    /** As {@link #start(String, List, List, Map, Map, Map, Progress)} with random calibration for every model. */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs, Progress progress) {
        return start(campaignId, builds, batches, uploads, inputs, Map.of(), progress);
    }

    /**
     * Checks at submit that every uploaded model (and its external data) is in the artifact store
     * with the size the request says, and that the input sizes given for it resolve to a concrete
     * shape at every batch (read from the memory-mapped file), so a campaign never starts on a file
     * that is not there or on shapes no agent can feed.
     *
     * @param inputs  model name -> the input sizes given for it
     * @param pending digest -> the graph of a file made at submit and not stored yet (a rebatched upload), else
     *                null: it is checked in memory, so that a refusal stores nothing
     * @throws EdgeperfException USER_ERROR naming the model and the missing file, input or dimension
     */
    public void checkUploads(Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs, List<Integer> batches,
            Function<String, ModelProto> pending) {
        Map<String, String> byDigest = new HashMap<>();
        uploads.forEach((name, u) -> {
            if (u.inline() != null) {
                return; // the planner checked its bytes
            }
            String same = byDigest.putIfAbsent(u.digest(), name);
            if (same != null && !uploads.get(same).externalData().equals(u.externalData())) {
                // a campaign's jobs on one .onnx digest read one external-data list
                throw EdgeperfException.userError("models '" + same + "' and '" + name + "' are the same .onnx file"
                        + " (SHA-256 " + u.digest() + ") with different external data beside it; submit them in"
                        + " separate campaigns");
            }
            ModelProto graph = pending.apply(u.digest());
            if (graph == null) {
                checkStored(name, "model file '" + name + "'", u.digest(), u.sizeBytes());
                graph = OnnxModels.map(artifacts.path(u.digest()));
            }
            for (ArtifactStore.ExternalFile f : u.externalData()) {
                checkStored(name, "external data '" + f.name() + "' of model '" + name + "'", f.digest(), f.sizeBytes());
            }
            CampaignPlanner.inputShapes(name, ModelInputs.declared(graph), inputs.getOrDefault(name, ModelInputs.none()),
                    batches);
        });
    }

    private void checkStored(String model, String what, String digest, long size) {
        if (!artifacts.contains(digest)) {
            throw EdgeperfException.userError(what + " (SHA-256 " + digest + ") was not uploaded to this coordinator;"
                    + " upload it before submitting (edgeperf campaign run does)");
        }
        long stored = artifacts.size(digest);
        if (stored != size) {
            throw EdgeperfException.userError(what + " is said to be " + size + " bytes, but the stored file with"
                    + " its digest has " + stored);
        }
    }

    /**
     * Queues the preparation of {@code builds}, each profiled at every batch of {@code batches} with
     * the concrete input shapes of that batch, which the prepared variant carries for its jobs.
     *
     * @param uploads model name -> the user models sent with the campaign (others are zoo names)
     * @param inputs  model name -> the input sizes given for it (none for a model not named)
     * @param calibrations model name -> its calibration; the {@code ""} entry for models without one; random
     *                     when neither is there
     * @return done when the preparation has reported its end
     */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs,
                           Map<String, ModelCalibration> calibrations, Progress progress) {
        return start(campaignId, builds, batches, uploads, inputs, calibrations, Map.of(), progress);
    }

    /**
     * As above, and each variant's accuracy measured on its model's evaluation data.
     *
     * @param evaluations model name -> its evaluation data; the {@code ""} entry for models without their own;
     *                    none = no accuracy
     */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs,
                           Map<String, ModelCalibration> calibrations, Map<String, ModelCalibration> evaluations,
                           Progress progress) {
        return start(campaignId, builds, batches, uploads, inputs, calibrations, evaluations, null, progress);
    }

    /**
     * As above, and {@code distilled:} variants trained on {@code training}.
     *
     * @param training the train split of distilled variants; null = none
     */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs,
                           Map<String, ModelCalibration> calibrations, Map<String, ModelCalibration> evaluations,
                           TrainingData training, Progress progress) {
        Map<String, ModelCalibration> evals = Map.copyOf(evaluations);
        List<VariantBuild> todo = List.copyOf(builds);
        List<Integer> sizes = List.copyOf(batches);
        Map<String, UploadedModel> models = Map.copyOf(uploads);
        Map<String, ModelInputs> given = Map.copyOf(inputs);
        Map<String, ModelCalibration> data = Map.copyOf(calibrations);
        Objects.requireNonNull(progress, "progress is null");
        return executor.submit(() -> run(campaignId, todo, sizes, models, given, data, evals, training, progress));
    }

    private void run(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                     Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs,
                     Map<String, ModelCalibration> calibrations, Map<String, ModelCalibration> evaluations,
                     TrainingData training, Progress progress) {
        try {
            prepare(campaignId, builds, batches, uploads, inputs, calibrations, evaluations, training, progress);
        } catch (RuntimeException e) {
            // only a failing report gets here (e.g. the store is down); the campaign then stays as it was
            LOG.error("campaign {}: cannot record the end of its preparation", campaignId, e);
        } finally {
            // the last model's parsed graph and calibration (130 MiB for a 90 MB transformer) are not kept
            // between campaigns
            builder.release();
        }
    }

    private void prepare(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                         Map<String, UploadedModel> uploads, Map<String, ModelInputs> inputs,
                         Map<String, ModelCalibration> calibrations, Map<String, ModelCalibration> evaluations,
                         TrainingData training, Progress progress) {
        Map<VariantBuild, PreparedVariant> prepared = new LinkedHashMap<>();
        Map<VariantBuild, String> skipped = new LinkedHashMap<>();
        Map<String, Baseline> baselines = new HashMap<>();
        java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
        // a model's baseline (its bytes, once a recipe read them) is dropped after its last build, so that a
        // campaign of many models holds one model's weights at a time, not all of them
        Map<String, Integer> lastBuild = new HashMap<>();
        for (int i = 0; i < builds.size(); i++) {
            lastBuild.put(builds.get(i).model(), i);
        }
        String building = null;
        try {
            for (int i = 0; i < builds.size(); i++) {
                VariantBuild build = builds.get(i);
                building = build.toString();
                if (!progress.step(prepared.size(), builds.size(), "building " + build)) {
                    LOG.info("campaign {}: preparation stopped (cancelled)", campaignId);
                    return;
                }
                Baseline baseline = baselines.computeIfAbsent(build.model(), m -> baseline(m, uploads.get(m),
                        inputs.getOrDefault(m, ModelInputs.none()), batches));
                ModelCalibration calibration = calibrations.getOrDefault(build.model(),
                        calibrations.getOrDefault("", ModelCalibration.RANDOM));
                java.util.Optional<String> tooLarge = isBaseline(build.recipe()) ? java.util.Optional.empty()
                        : baseline.tooLargeToLoad();
                if (tooLarge.isPresent()) {
                    String line = "skipped " + build + ": " + tooLarge.get();
                    LOG.warn("campaign {}: {}", campaignId, line);
                    skipped.put(build, line);
                    progress.step(prepared.size(), builds.size(), line);
                    if (lastBuild.get(build.model()) == i) {
                        baselines.remove(build.model());
                    }
                    continue;
                }
                PreparedVariant variant = baseline.stored() != null && isBaseline(build.recipe())
                        ? storedBaseline(campaignId, baseline, batches, calibration) : buildAndStore(baseline, build, batches,
                        calibration, training);
                new ReferenceSets(artifacts).record(build.model(), build.recipe(), variant.digest(), baseline.inputs,
                        referenceInputs(baseline, build.model(), calibration));
                ModelCalibration evaluation = evaluations.getOrDefault(build.model(), evaluations.get(""));
                if (evaluation != null) {
                    progress.step(prepared.size(), builds.size(), "evaluating " + build);
                    variant = variant.withEvaluation(evaluator.evaluate(build.model(), baseline.bytes(),
                            isBaseline(build.recipe()) ? null : readArtifact(variant.digest()), build.recipe(),
                            baseline.inputs, evaluation));
                    LOG.info("campaign {}: variant {} top-1 {} on {}", campaignId, build, variant.evaluation().top1(),
                            variant.evaluation().source());
                }
                for (String warning : variant.warnings()) {
                    if (warnings.add(warning)) {
                        LOG.warn("campaign {}: {}", campaignId, warning);
                        progress.step(prepared.size(), builds.size(), warning);
                    }
                }
                prepared.put(build, variant);
                LOG.info("campaign {}: variant {} prepared ({} bytes, {}){}", campaignId, build, variant.sizeBytes(),
                        variant.digest(), variant.noopReason() == null ? "" : " - no-op: " + variant.noopReason());
                if (lastBuild.get(build.model()) == i) {
                    baselines.remove(build.model());
                }
            }
            if (skipped.isEmpty()) {
                progress.prepared(prepared);
            } else {
                progress.prepared(prepared, skipped);
            }
        } catch (OutOfMemoryError | StackOverflowError e) {
            // an Error would otherwise end this task unseen and leave the campaign preparing forever
            baselines.clear();
            prepared.clear();
            String reason = (e instanceof OutOfMemoryError ? "out of memory" : "stack overflow") + " while building "
                    + building + " (coordinator heap at most " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MiB); start the coordinator with a larger -Xmx, or measure that model in a campaign of its own";
            LOG.error("campaign {}: preparation failed: {}", campaignId, reason, e);
            progress.failed(reason);
        } catch (RuntimeException e) {
            boolean internal = !(e instanceof EdgeperfException ee) || ee.category() == ErrorCategory.INTERNAL;
            if (internal) {
                LOG.error("campaign {}: preparation failed", campaignId, e);
            } else {
                LOG.info("campaign {}: preparation failed: {}", campaignId, e.getMessage());
            }
            progress.failed(oneLine(internal && !(e instanceof EdgeperfException) ? "internal error: " + e
                    : e.getMessage()));
        }
    }

    /**
     * A campaign's model: bytes in memory (zoo, inline upload) or a stored upload, read from the
     * artifact store only when a recipe needs its weights; with the input sizes given for it and the
     * concrete input shapes per batch they resolve to (as at submit), which every recipe keeps.
     */
    private final class Baseline {
        private final String name;
        private final UploadedModel stored;
        private final ModelInputs inputs;
        private final Map<Integer, Map<String, long[]>> shapesByBatch;
        private byte[] bytes;

        Baseline(String name, UploadedModel stored, byte[] bytes, ModelInputs inputs, List<Integer> batches) {
            this.name = name;
            this.stored = stored;
            this.bytes = bytes;
            this.inputs = inputs;
            // memory-mapped for a stored upload: its weights stay off the heap, only the graph's inputs are read
            ModelProto graph = stored != null ? OnnxModels.map(artifacts.path(stored.digest()))
                    : OnnxModels.parseShared(bytes, name);
            this.shapesByBatch = CampaignPlanner.inputShapes(name, ModelInputs.declared(graph), inputs, batches);
        }

        UploadedModel stored() {
            return stored;
        }

        /**
         * Why recipes that rewrite weights cannot load this stored upload, or empty: protobuf holds one message
         * of at most 2 GiB, and a variant is built from the model with its external data read in. Sizes are
         * those of the stored files (the upload verified their digests).
         */
        java.util.Optional<String> tooLargeToLoad() {
            if (stored == null) {
                return java.util.Optional.empty();
            }
            long total = stored.sizeBytes();
            for (ArtifactStore.ExternalFile f : stored.externalData()) {
                try {
                    total += Files.size(artifacts.path(f.digest()));
                } catch (IOException e) {
                    throw EdgeperfException.external("cannot read artifact " + f.digest() + ": " + e.getMessage(), e);
                }
            }
            if (total <= ExternalData.MAX_INLINE_BYTES) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(String.format(java.util.Locale.ROOT, "model %s is %,d bytes with its external"
                    + " data, over protobuf's 2 GiB limit (%,d bytes) that building a variant needs; its baseline is"
                    + " measured as uploaded", name, total, ExternalData.MAX_INLINE_BYTES));
        }

        /** The whole model with its weights inside (external data read in), for recipes that rewrite weights. */
        byte[] bytes() {
            if (bytes == null) {
                bytes = loadStored(name, stored);
            }
            return bytes;
        }

        ProfileOptions options(int batch) {
            // the user's input values (a sample rate) fold an If on them, as agents feed them
            return new ProfileOptions(batch, shapesByBatch.getOrDefault(batch, Map.of()), Map.of(), inputs.values(),
                    CountingConvention.SEED);
        }

        long flops(int batch) {
            if (stored != null) {
                // memory-mapped: weights stay off the heap; external tensors carry their dims only
                return ModelProfiler.profile(artifacts.path(stored.digest()), options(batch)).totalFlops();
            }
            return ModelProfiler.profile(bytes, name, options(batch)).totalFlops();
        }
    }

    /** The campaign's calibration data cut to batch-1 reference inputs; empty (generated ones) without it. */
    private List<dev.edgeperf.core.variants.InputBatch> referenceInputs(Baseline baseline, String model,
                                                                       ModelCalibration calibration) {
        if (calibration.parse().kind() == dev.edgeperf.core.calibration.CalibrationSource.Kind.RANDOM
                || baseline.tooLargeToLoad().isPresent()) {
            return List.of(); // generated inputs; a model over protobuf's limit is never loaded whole
        }
        try {
            return builder.referenceInputs(baseline.bytes(), model, baseline.inputs, calibration,
                    dev.edgeperf.core.agreement.ReferenceSet.DEFAULT_SAMPLES);
        } catch (RuntimeException e) {
            LOG.warn("{}: reference inputs generated, the calibration data gave none: {}", model, e.getMessage());
            return List.of();
        }
    }

    private Baseline baseline(String model, UploadedModel upload, ModelInputs inputs, List<Integer> batches) {
        if (upload == null) {
            return new Baseline(model, null, modelSource.apply(model), inputs, batches);
        }
        if (upload.inline() != null) {
            return new Baseline(model, null, upload.inline(), inputs, batches);
        }
        return new Baseline(model, upload, null, inputs, batches);
    }

    private byte[] loadStored(String name, UploadedModel u) {
        Path file = artifacts.path(u.digest());
        try {
            if (u.externalData().isEmpty()) {
                if (u.sizeBytes() > ExternalData.MAX_INLINE_BYTES) {
                    throw EdgeperfException.userError("model " + name + " is " + u.sizeBytes() + " bytes; at most "
                            + ExternalData.MAX_INLINE_BYTES + " can be loaded to build a variant");
                }
                return Files.readAllBytes(file);
            }
            Map<String, Path> files = new HashMap<>();
            u.externalData().forEach(f -> files.put(f.name(), artifacts.path(f.digest())));
            ModelProto model = ExternalData.inline(OnnxModels.map(file), name, location -> {
                Path p = files.get(location);
                if (p == null) {
                    throw EdgeperfException.userError("model " + name + " reads external data '" + location
                            + "', which was not uploaded with it");
                }
                return p;
            });
            return model.toByteArray();
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read artifact " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] readArtifact(String digest) {
        try {
            return Files.readAllBytes(artifacts.path(digest));
        } catch (IOException e) {
            throw EdgeperfException.external("cannot read artifact " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks at submit what can be checked without running a model: each model with evaluation data has a
     * classifier output whose class count (when the file declares it) is the data's, and folder data has the
     * layout its form needs.
     *
     * @param evaluations model name -> its evaluation data, {@code ""} -> the others'
     * @param pending     as {@link #checkUploads}: graphs made at submit, not stored yet
     * @throws EdgeperfException USER_ERROR naming the model, the data and what was expected
     */
    public void checkEvaluations(List<String> models, Map<String, UploadedModel> uploads,
                                 Map<String, ModelCalibration> evaluations, Function<String, ModelProto> pending) {
        if (evaluations.isEmpty()) {
            return;
        }
        for (String model : models) {
            ModelCalibration evaluation = evaluations.getOrDefault(model, evaluations.get(""));
            if (evaluation == null) {
                continue;
            }
            UploadedModel u = uploads.get(model);
            ModelProto proto = u == null ? OnnxModels.parseShared(modelSource.apply(model), model)
                    : u.inline() != null ? OnnxModels.parseShared(u.inline(), model)
                    : pending.apply(u.digest()) != null ? pending.apply(u.digest())
                    : OnnxModels.map(artifacts.path(u.digest()));
            EvaluationCheck.check(model, proto, evaluation);
        }
    }

    private static boolean isBaseline(String recipe) {
        return !dev.edgeperf.core.variants.DistillRecipe.matches(recipe)
                && VariantRecipe.parse(recipe).kind() == VariantRecipe.Kind.BASELINE;
    }

    /** An uploaded model measured as it is: already stored, profiled from its file, never loaded whole. */
    private PreparedVariant storedBaseline(String campaignId, Baseline baseline, List<Integer> batches,
            ModelCalibration calibration) {
        UploadedModel u = baseline.stored();
        // this campaign's list: another campaign may upload the same .onnx with other data beside it
        artifacts.putExternalData(campaignId, u.digest(), u.externalData());
        Map<Integer, Long> flops = new HashMap<>();
        for (int batch : batches) {
            flops.computeIfAbsent(batch, baseline::flops);
        }
        String label = builder.label(OnnxModels.map(artifacts.path(u.digest())), baseline.name, baseline.inputs,
                calibration);
        return new PreparedVariant(u.digest(), u.sizeBytes(), flops, baseline.shapesByBatch, null, label, null,
                List.of());
    }

    private PreparedVariant buildAndStore(Baseline baseline, VariantBuild build, List<Integer> batches,
                                          ModelCalibration calibration, TrainingData training) {
        byte[] source = baseline.bytes();
        BuiltVariant built = buildOne(source, build, baseline.inputs, calibration, training);
        byte[] bytes = built.onnx();
        String digest = artifacts.put(bytes);
        Map<Integer, Long> flops = new HashMap<>();
        for (int batch : batches) {
            flops.computeIfAbsent(batch, b -> flops(bytes, baseline, build, b));
        }
        // The builder marks a recipe that changed nothing in the file itself (see VariantTransforms).
        return new PreparedVariant(digest, bytes.length, flops, baseline.shapesByBatch,
                VariantTransforms.noopReason(bytes), built.calibration(), built.fidelity(), built.warnings());
    }

    private BuiltVariant buildOne(byte[] baseline, VariantBuild build, ModelInputs inputs, ModelCalibration calibration,
                                  TrainingData training) {
        try {
            return builder.build(baseline, build.model(), build.recipe(), inputs, calibration, training);
        } catch (EdgeperfException e) {
            throw e;
        } catch (RuntimeException e) {
            throw EdgeperfException.userError("variant '" + build.recipe() + "' cannot be built from model "
                    + build.model() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private static long flops(byte[] variantBytes, Baseline baseline, VariantBuild build, int batch) {
        try {
            return ModelProfiler.profile(variantBytes, build.toString(), baseline.options(batch)).totalFlops();
        } catch (RuntimeException e) {
            // A transformed graph may hold ops the profiler does not count; the baseline's FLOPs are
            // then the reference the prediction is made from (logged, not silent).
            LOG.warn("cannot profile {}: {}; predicting from the baseline's FLOPs", build, e.getMessage());
            return baseline.flops(batch);
        }
    }

    private static String oneLine(String text) {
        String s = String.valueOf(text).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    /** Stops the preparation thread; a build under way is interrupted where it can be. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
