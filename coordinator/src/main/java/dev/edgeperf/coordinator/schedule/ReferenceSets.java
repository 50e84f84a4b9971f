package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.core.agreement.ReferenceSet;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.InputBatch;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a prepared variant's reference set (issue 13: {@link ReferenceSet#DEFAULT_SAMPLES} inputs at batch 1, from
 * the campaign's calibration data when it has some, else generated and seeded, with every float output of the
 * coordinator's ONNX Runtime), stores it as an artifact and records it for the
 * variant's digest, so every job on the variant names it and agents report their agreement with it.
 *
 * <p>An artifact by digest rather than bytes inline in each assignment: a set is the same for every job of the
 * variant (batches, threads, devices), agents cache it like models, and it stays off the jobs table (an image
 * model's four 3x224x224 inputs are 2.4 MB).
 */
final class ReferenceSets {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceSets.class);
    private final ArtifactStore artifacts;

    ReferenceSets(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
    }

    /**
     * @param calibration batch-1 inputs from the campaign's calibration data, used when given (real images catch
     *                    more than uniform noise does); empty = generated, seeded inputs
     * @return the reference set's digest, or null (logged, never a failed preparation) when the variant has
     *         inputs that cannot be generated or does not run from its stored file alone
     */
    String record(String model, String recipe, String variantDigest, ModelInputs inputs, List<InputBatch> calibration) {
        String what = model + " " + recipe;
        try {
            ReferenceSet set = null;
            if (!calibration.isEmpty()) {
                try {
                    set = ReferenceSet.of(artifacts.path(variantDigest), calibration, what);
                } catch (RuntimeException e) {
                    LOG.warn("{}: reference set from generated inputs, the calibration inputs do not run: {}", what,
                            e.getMessage());
                }
            }
            if (set == null) {
                ModelProto graph = OnnxModels.map(artifacts.path(variantDigest));
                Map<String, long[]> shapes = CampaignPlanner.inputShapes(model, ModelInputs.declared(graph), inputs,
                        List.of(1)).get(1);
                set = ReferenceSet.of(artifacts.path(variantDigest), ReferenceSet.generatedInputs(graph, shapes,
                        inputs.values(), ReferenceSet.DEFAULT_SAMPLES, ReferenceSet.DEFAULT_SEED, what), what);
            }
            String digest = artifacts.put(set.encode());
            artifacts.putReferenceSet(variantDigest, digest);
            return digest;
        } catch (RuntimeException e) {
            LOG.warn("{}: no on-device agreement check: {}", what, e.getMessage());
            return null;
        }
    }
}
