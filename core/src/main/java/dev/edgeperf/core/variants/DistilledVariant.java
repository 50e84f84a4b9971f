package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.train.Distillation;
import dev.edgeperf.core.train.EpochStats;
import dev.edgeperf.core.train.SoftTargets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The one path from a teacher and a {@code distilled:} recipe to the variant's bytes, for {@code variants build}
 * and campaign preparation alike: the teacher's soft targets over the train split ({@link SoftTargets}), the
 * student trained on them ({@link Distillation}), then measured by {@link VariantBuilder} as its own baseline
 * (size, parameters, MACs, kernels) and labelled as a variant of the teacher. The same teacher, recipe, train
 * images and calibration give the same bytes.
 */
public final class DistilledVariant {
    private DistilledVariant() {
    }

    /**
     * @param bytes   the variant's ONNX bytes ({@code record.sha256()} is their digest)
     * @param model   the same model, parsed
     * @param record  size, parameters, MACs and kernels; its fidelity is the student against itself, which the
     *                caller replaces with the fidelity against the teacher
     * @param trained the distilled and the hard-label-only student, with the student's layers
     */
    public record Result(byte[] bytes, ModelProto model, VariantRecord record, Distillation.Trained trained) {
        public Result {
            Objects.requireNonNull(bytes, "bytes is null");
            Objects.requireNonNull(model, "model is null");
            Objects.requireNonNull(record, "record is null");
            Objects.requireNonNull(trained, "trained is null");
        }
    }

    /**
     * @param teacherBytes the teacher's ONNX bytes, run by ONNX Runtime for the soft targets
     * @param modelName    the teacher's name (file name and description)
     * @param train        labelled train images
     * @param calibration  inputs the trained student is measured on
     * @param listener     (run, epoch) after every epoch
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR if the teacher cannot run on the images or the student
     *         cannot take them
     */
    public static Result build(VariantBuilder builder, byte[] teacherBytes, String modelName, DistillRecipe recipe,
                               LabeledImages train, CalibrationData calibration,
                               BiConsumer<String, EpochStats> listener) {
        ModelProto teacher = OnnxModels.parse(teacherBytes, modelName);
        String input = imageInputs(teacher.getGraph()).get(0).getName();
        String output = teacher.getGraph().getOutput(0).getName();
        SoftTargets soft = new SoftTargets(SoftTargets.teacherLogits(teacherBytes, train), recipe.temperature(),
                recipe.alpha());
        Distillation.Trained trained = Distillation.train(recipe, train, soft, input, output,
                "student " + recipe.student() + " distilled from " + modelName + " (" + recipe.text() + ")", listener);
        VariantBuilder.Baseline own = builder.baseline(trained.distilled(), modelName, calibration);
        VariantBuilder.Built built = builder.variant(own, VariantRecipe.parse("baseline"));
        VariantRecord raw = built.record();
        // measured as "variant baseline" of itself; say what it is (sizes and digest follow the bytes)
        ModelProto labelled = OnnxModels.parse(built.bytes(), modelName).toBuilder()
                .setDocString("variant " + recipe.text() + " of " + teacher.getGraph().getName()).build();
        byte[] bytes = labelled.toByteArray();
        String file = modelName + "." + recipe.fileSuffix() + ".onnx";
        VariantRecord record = new VariantRecord(raw.model(), recipe.text(), file, Digests.sha256Hex(bytes),
                raw.paramsTotal(), raw.paramsNonZero(), bytes.length, VariantBuilder.gzipSize(bytes), raw.fidelity(),
                raw.executedKernels(), raw.notes(), raw.macsDense(), raw.macsEffective());
        return new Result(bytes, labelled, record, trained);
    }

    /** Graph inputs that are not initializers. */
    public static List<ValueInfoProto> imageInputs(GraphProto g) {
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        return g.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    }
}
