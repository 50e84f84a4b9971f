package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.schedule.CampaignPlan.VariantBuild;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.VariantTransforms;
import dev.edgeperf.core.zoo.ModelZoo;
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

        /** Every variant is built and stored: the campaign's jobs can be queued. */
        void prepared(Map<VariantBuild, PreparedVariant> variants);

        /**
         * A variant could not be prepared, or {@link #prepared} threw; {@code reason} is one line.
         * Nothing more is reported.
         */
        void failed(String reason);
    }

    /** Turns a baseline into one variant's ONNX bytes (injectable for tests). */
    @FunctionalInterface
    public interface VariantBuilder {
        /**
         * @param inputs the input sizes given for the model (calibration inputs take them)
         * @throws EdgeperfException USER_ERROR when the recipe cannot be applied to this model
         */
        byte[] build(byte[] baseline, String modelName, String recipe, ModelInputs inputs);
    }

    private final ArtifactStore artifacts;
    private final Function<String, byte[]> modelSource;
    private final VariantBuilder builder;
    private final ExecutorService executor;

    /** Zoo models, core's transforms. */
    public VariantPreparation(ArtifactStore artifacts) {
        this(artifacts, ModelZoo::build, ModelBuilder::variant);
    }

    /** @param modelSource zoo name -> ONNX bytes */
    public VariantPreparation(ArtifactStore artifacts, Function<String, byte[]> modelSource, VariantBuilder builder) {
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

    /** As {@link #start(String, List, List, Map, Map, Progress)} with no input sizes given. */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, byte[]> uploads, Progress progress) {
        return start(campaignId, builds, batches, uploads, Map.of(), progress);
    }

    /**
     * Queues the preparation of {@code builds}, each profiled at every batch of {@code batches} with
     * the concrete input shapes of that batch, which the prepared variant carries for its jobs.
     *
     * @param uploads model name -> ONNX bytes of the user models sent with the campaign (others are zoo names)
     * @param inputs  model name -> the input sizes given for it (none for a model not named)
     * @return done when the preparation has reported its end
     */
    public Future<?> start(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                           Map<String, byte[]> uploads, Map<String, ModelInputs> inputs, Progress progress) {
        List<VariantBuild> todo = List.copyOf(builds);
        List<Integer> sizes = List.copyOf(batches);
        Map<String, byte[]> models = Map.copyOf(uploads);
        Map<String, ModelInputs> given = Map.copyOf(inputs);
        Objects.requireNonNull(progress, "progress is null");
        return executor.submit(() -> run(campaignId, todo, sizes, models, given, progress));
    }

    private void run(String campaignId, List<VariantBuild> builds, List<Integer> batches, Map<String, byte[]> uploads,
                     Map<String, ModelInputs> inputs, Progress progress) {
        try {
            prepare(campaignId, builds, batches, uploads, inputs, progress);
        } catch (RuntimeException e) {
            // only a failing report gets here (e.g. the store is down); the campaign then stays as it was
            LOG.error("campaign {}: cannot record the end of its preparation", campaignId, e);
        }
    }

    private void prepare(String campaignId, List<VariantBuild> builds, List<Integer> batches,
                         Map<String, byte[]> uploads, Map<String, ModelInputs> inputs, Progress progress) {
        Map<VariantBuild, PreparedVariant> prepared = new LinkedHashMap<>();
        Map<String, byte[]> baselines = new HashMap<>();
        Map<String, Map<Integer, Map<String, long[]>>> shapes = new HashMap<>();
        try {
            for (VariantBuild build : builds) {
                if (!progress.step(prepared.size(), builds.size(), "building " + build)) {
                    LOG.info("campaign {}: preparation stopped (cancelled)", campaignId);
                    return;
                }
                byte[] baseline = baselines.computeIfAbsent(build.model(),
                        m -> uploads.containsKey(m) ? uploads.get(m) : modelSource.apply(m));
                ModelInputs given = inputs.getOrDefault(build.model(), ModelInputs.none());
                // the baseline's inputs, which every recipe keeps: resolved as at submit, so jobs carry those shapes
                Map<Integer, Map<String, long[]>> byBatch = shapes.computeIfAbsent(build.model(), m ->
                        CampaignPlanner.inputShapes(m, ModelInputs.declared(OnnxModels.parseShared(baseline, m)), given,
                                batches));
                byte[] bytes = buildOne(baseline, build, given);
                String digest = artifacts.put(bytes);
                Map<Integer, Long> flops = new HashMap<>();
                for (int batch : batches) {
                    flops.computeIfAbsent(batch, b -> flops(bytes, baseline, build, b, byBatch.get(b)));
                }
                // The builder marks a recipe that changed nothing in the file itself (see VariantTransforms).
                String noop = VariantTransforms.noopReason(bytes);
                prepared.put(build, new PreparedVariant(digest, bytes.length, flops, byBatch, noop));
                LOG.info("campaign {}: variant {} prepared ({} bytes, {}){}", campaignId, build, bytes.length, digest,
                        noop == null ? "" : " - no-op: " + noop);
            }
            progress.prepared(prepared);
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

    private byte[] buildOne(byte[] baseline, VariantBuild build, ModelInputs inputs) {
        try {
            return builder.build(baseline, build.model(), build.recipe(), inputs);
        } catch (EdgeperfException e) {
            throw e;
        } catch (RuntimeException e) {
            throw EdgeperfException.userError("variant '" + build.recipe() + "' cannot be built from model "
                    + build.model() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private static long flops(byte[] variantBytes, byte[] baseline, VariantBuild build, int batch,
                              Map<String, long[]> shapes) {
        ProfileOptions options = new ProfileOptions(batch, shapes, CountingConvention.SEED);
        try {
            return ModelProfiler.profile(variantBytes, build.toString(), options).totalFlops();
        } catch (RuntimeException e) {
            // A transformed graph may hold ops the profiler does not count; the baseline's FLOPs are
            // then the reference the prediction is made from (logged, not silent).
            LOG.warn("cannot profile {}: {}; predicting from the baseline's FLOPs", build, e.getMessage());
            return ModelProfiler.profile(baseline, build.model(), options).totalFlops();
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
