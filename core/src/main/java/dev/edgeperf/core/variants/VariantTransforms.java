package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Applies a {@link VariantRecipe} to a baseline model. */
public final class VariantTransforms {
    /** Metadata key of a no-op variant's file; its value is the reason. */
    public static final String NOOP_METADATA_KEY = "edgeperf.noop";

    private VariantTransforms() {
    }

    /**
     * Transforms the baseline. The result keeps the baseline's input/output names and shapes; nodes
     * a recipe cannot handle stay as they were and are listed in {@link TransformResult#notes()}.
     * {@code pruned:structured}, {@code separable}, {@code quantized:int8-dynamic} and {@code quantized:int8-static} first fold
     * Conv→BatchNormalization pairs into the conv's weights and bias (a note says how many).
     *
     * A transform that changed nothing (no node quantized, nothing pruned …) returns a result with
     * {@link TransformResult#noop()} and its reason.
     *
     * @param calibration inputs for static quantization (ignored by the other recipes; may be null for them)
     * @param runner      ONNX Runtime used for calibration runs
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for e.g. {@code separable} on a model without
     *         an eligible conv, or static quantization without calibration inputs
     */
    public static TransformResult apply(ModelProto baseline, VariantRecipe recipe, CalibrationData calibration,
            OrtRunner runner) {
        Objects.requireNonNull(baseline, "baseline is null");
        Objects.requireNonNull(recipe, "recipe is null");
        ModelProto m = Graphs.normalize(baseline);
        TransformResult r = switch (recipe.kind()) {
            case BASELINE -> new TransformResult(baseline, List.of());
            case PRUNED_UNSTRUCTURED -> UnstructuredPruner.apply(m, recipe.sparsity());
            case PRUNED_STRUCTURED -> withFoldedBatchNorm(m, x -> StructuredPruner.apply(x, recipe.sparsity()));
            case SEPARABLE -> withFoldedBatchNorm(m, SeparableConverter::apply);
            case QUANTIZED_FP16 -> Fp16Converter.apply(m);
            case CLUSTERED -> WeightClusterer.apply(m, recipe.clusters());
            // Folded first: a BatchNormalization after a ConvInteger would run on its own in fp32.
            case QUANTIZED_INT8_DYNAMIC -> withFoldedBatchNorm(m, DynamicQuantizer::apply);
            case QUANTIZED_INT8_STATIC -> {
                if (calibration == null) {
                    throw dev.edgeperf.core.EdgeperfException.userError(
                            "quantized:int8-static needs calibration inputs; none were given");
                }
                yield StaticQuantizer.apply(m, calibration, recipe,
                        runner == null ? new OrtRunner(1) : runner);
            }
        };
        ModelProto.Builder out = r.model().toBuilder().setProducerName("edgeperf")
                .setDocString(("variant " + recipe.text() + " of " + baseline.getGraph().getName()).trim());
        List<String> notes = r.notes();
        String noop = r.noopReason();
        if (noop == null && recipe.kind() != VariantRecipe.Kind.BASELINE && r.model().getGraph().equals(m.getGraph())) {
            noop = "the transform left the graph unchanged";
        }
        // A recipe that rewrites weights renames or replaces the initializers a training step binds
        // (training_info's update_binding), which would leave it pointing at tensors that are gone; a
        // variant is an inference artifact, so its training information is dropped, and said so.
        if (recipe.kind() != VariantRecipe.Kind.BASELINE && out.getTrainingInfoCount() > 0) {
            out.clearTrainingInfo();
            notes = new java.util.ArrayList<>(notes);
            notes.add("training_info dropped: the variant's weights are not the ones its training step updates");
        }
        if (noop != null) {
            // Written into the file, so whoever gets only the bytes (a campaign's preparation, an agent) can tell.
            out.addMetadataProps(StringStringEntryProto.newBuilder().setKey(NOOP_METADATA_KEY).setValue(noop));
        }
        return new TransformResult(out.build(), notes, noop);
    }

    /** Why the variant in {@code model} is a no-op (from its metadata), or null when it is not one. */
    public static String noopReason(ModelProto model) {
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals(NOOP_METADATA_KEY)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * As {@link #noopReason(ModelProto)} for a variant's ONNX bytes.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR when the bytes are no ONNX model
     */
    public static String noopReason(byte[] onnx) {
        try {
            return noopReason(ModelProto.parseFrom(onnx));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw dev.edgeperf.core.EdgeperfException.userError("not an ONNX model: " + e.getMessage());
        }
    }

    /**
     * Folds Conv→BatchNormalization first: the transform then sees one Conv with the effective
     * per-channel weights (L1 ranking and least-squares fits use what the network really computes)
     * and has fewer coupled parameters to carry along.
     */
    private static TransformResult withFoldedBatchNorm(ModelProto m, Function<ModelProto, TransformResult> transform) {
        List<String> notes = new ArrayList<>();
        TransformResult r = transform.apply(BatchNormFolder.fold(m, notes));
        notes.addAll(r.notes());
        // A no-op gives the baseline back, not the folded copy: folding alone is no variant.
        return new TransformResult(r.noop() ? m : r.model(), notes, r.noopReason());
    }
}
