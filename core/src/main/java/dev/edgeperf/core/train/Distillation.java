package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.variants.DistillRecipe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The training half of a {@code distilled:} recipe, in one place for every caller: the student of the recipe
 * trained on the teacher's soft labels, and the same student (same layers, epochs and seed) on the hard labels
 * only. An mnist-cnn student trains with {@link CnnTrainer} ({@link CnnShape} widths), the other zoo students
 * with {@link ChainTrainer} from {@link Students}. The same recipe, data and teacher logits give the same bytes.
 */
public final class Distillation {
    private Distillation() {
    }

    /**
     * @param distilled  the distilled student, with the teacher's input and output names
     * @param hardLabels the hard-label-only student
     * @param layers     the student's layer widths by layer name (conv output channels, dense units)
     * @param parameters the student's parameter count
     * @param seconds    wall time of the distilled run (the teacher logits are not included)
     */
    public record Trained(ModelProto distilled, ModelProto hardLabels, Map<String, Integer> layers, long parameters,
                           double seconds) {
        public Trained {
            Objects.requireNonNull(distilled, "distilled is null");
            Objects.requireNonNull(hardLabels, "hardLabels is null");
            layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers)); // layer order
        }
    }

    /**
     * @param soft        the teacher's logits over {@code train} with the recipe's T and alpha
     * @param description doc string of the distilled model
     * @param listener    (run, epoch) after every epoch; run is "distil" or "hard labels"
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR if the student cannot take the images
     */
    public static Trained train(DistillRecipe recipe, LabeledImages train, SoftTargets soft, String inputName,
                                 String outputName, String description, BiConsumer<String, EpochStats> listener) {
        TrainingOptions options = recipe.options();
        long start = System.nanoTime();
        if (recipe.mnistCnn()) {
            CnnShape shape = recipe.shape(train.height(), train.width(), train.classes());
            TrainingResult distilled = CnnTrainer.distill(train, shape, soft, options, s -> listener.accept("distil", s));
            double seconds = (System.nanoTime() - start) / 1e9;
            // alpha = 0 is the hard-label loss bit for bit (DistillationTest), so its run is not repeated.
            TrainingResult hard = recipe.alpha() == 0 ? distilled
                    : CnnTrainer.train(train, shape, options, s -> listener.accept("hard labels", s));
            Map<String, Integer> layers = new LinkedHashMap<>();
            layers.put("conv1", shape.conv1());
            layers.put("conv2", shape.conv2());
            layers.put("hidden", shape.hidden());
            return new Trained(MnistCnnOnnx.export(distilled.weights(), description, inputName, outputName),
                    MnistCnnOnnx.export(hard.weights(), "hard-label student", inputName, outputName), layers,
                    shape.parameterCount(), seconds);
        }
        ModelProto template = Students.student(recipe.student(), recipe.width(), train.height(),
                train.width(), train.classes(), inputName, outputName, recipe.seed());
        ChainNet distilled = ChainNet.of(template);
        ChainTrainer.train(distilled, train, soft, null, options, s -> listener.accept("distil", s));
        double seconds = (System.nanoTime() - start) / 1e9;
        ChainNet hard = distilled;
        if (recipe.alpha() != 0) {
            hard = ChainNet.of(template);
            ChainTrainer.train(hard, train, null, null, options, s -> listener.accept("hard labels", s));
        }
        Map<String, Integer> layers = new LinkedHashMap<>();
        for (int t = 0; t < distilled.names.length; t++) {
            if (distilled.dims[t].length > 1) {
                layers.put(distilled.names[t].replace(".weight", ""), (int) distilled.dims[t][0]);
            }
        }
        ModelProto model = distilled.withWeights(template);
        return new Trained(model.toBuilder().setDocString(description)
                .setGraph(model.getGraph().toBuilder().setDocString(description)).build(),
                hard.withWeights(template), layers, distilled.parameterCount(), seconds);
    }

    /** "conv1 6, conv2 16, fc1 120, ..." in layer order. */
    public static String describe(Map<String, Integer> layers) {
        StringBuilder s = new StringBuilder();
        layers.forEach((name, width) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(' ').append(width));
        return s.toString();
    }
}
