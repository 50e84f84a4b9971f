package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Accuracy of a classifier and of its variants on labelled data, as ONNX Runtime computes it, plus each
 * variant's fidelity to the baseline on the same data: what a campaign stores for every variant it measures.
 * The baseline is run once ({@link #reference}); each variant is then compared against its outputs.
 */
public final class ModelEvaluator {
    private final OrtRunner runner;

    public ModelEvaluator(OrtRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner is null");
    }

    /**
     * Top-1 and top-5 accuracy.
     *
     * @param samples labelled samples evaluated
     * @param classes classes the model's output has
     * @param top1    fraction of samples whose highest-scoring class is the label, in [0, 1]
     * @param top5    fraction whose label is among the 5 highest; null with 5 classes or fewer
     */
    public record Accuracy(int samples, int classes, double top1, Double top5) {
        public Accuracy {
            if (samples < 1 || classes < 2) {
                throw new IllegalArgumentException("accuracy needs samples >= 1 and classes >= 2, got " + samples
                        + ", " + classes);
            }
        }
    }

    /**
     * One evaluated model.
     *
     * @param accuracy on the evaluation data
     * @param fidelity to the baseline on the same data (cosine, SQNR, top-1 agreement); null for the baseline
     */
    public record Result(Accuracy accuracy, Fidelity fidelity) {
        public Result {
            Objects.requireNonNull(accuracy, "accuracy is null");
        }
    }

    /** The baseline's outputs on the evaluation data, which every variant is compared with. */
    public static final class Reference {
        private final String modelName;
        private final CalibrationData data;
        private final List<OutputTensor> outputs;
        private final List<int[]> labels;
        private final Accuracy accuracy;

        private Reference(String modelName, CalibrationData data, List<OutputTensor> outputs, List<int[]> labels,
                Accuracy accuracy) {
            this.modelName = modelName;
            this.data = data;
            this.outputs = outputs;
            this.labels = labels;
            this.accuracy = accuracy;
        }

        /** The baseline's own result (no fidelity). */
        public Result baseline() {
            return new Result(accuracy, null);
        }
    }

    /**
     * Runs the baseline over {@code data} and checks that its first output is a classifier's with the data's
     * classes.
     *
     * @param data    labelled batches (every batch has labels)
     * @param classes classes the data has, or 0 when only its labels tell
     * @param source  the evaluation source as the user wrote it, for messages
     * @throws EdgeperfException USER_ERROR when the output is not {@code [N, classes]}, its class count is not the
     *         data's, or a label is not one of its classes
     */
    public Reference reference(ModelProto baseline, String modelName, CalibrationData data, int classes, String source) {
        List<int[]> labels = new ArrayList<>();
        for (InputBatch b : data) {
            if (!b.hasLabels()) {
                throw EdgeperfException.userError("evaluation " + source + " has a batch without labels; every sample"
                        + " needs its class");
            }
            labels.add(b.labels());
        }
        if (labels.isEmpty()) {
            throw EdgeperfException.userError("evaluation " + source + " gives no samples for model " + modelName);
        }
        List<OutputTensor> out = runner.runShaped(baseline, data, "model " + modelName + " on evaluation " + source);
        OutputTensor first = out.get(0);
        if (!first.classifierShaped()) {
            throw EdgeperfException.userError("evaluation " + source + ": model " + modelName + " output '"
                    + first.name() + "' is " + Arrays.toString(first.shape()) + "; accuracy needs a classifier output"
                    + " [N, classes]");
        }
        int modelClasses = (int) first.shape()[1];
        if (classes > 0 && classes != modelClasses) {
            throw EdgeperfException.userError("evaluation " + source + " has " + classes + " classes but model "
                    + modelName + " outputs " + modelClasses + "; expected data with one class per model output");
        }
        int maxLabel = labels.stream().flatMapToInt(Arrays::stream).max().orElse(0);
        if (maxLabel >= modelClasses) {
            throw EdgeperfException.userError("evaluation " + source + " has label " + maxLabel + " but model "
                    + modelName + " outputs " + modelClasses + " classes (0.." + (modelClasses - 1) + ")");
        }
        return new Reference(modelName, data, out, labels, accuracy(out, labels));
    }

    /**
     * @param what e.g. {@code "mnist-cnn variant pruned:structured:0.5"}, for messages
     * @throws EdgeperfException USER_ERROR when ORT cannot run the variant on the data
     */
    public Result evaluate(Reference reference, ModelProto variant, String what) {
        List<OutputTensor> out = runner.runShaped(variant, reference.data, what + " on the evaluation data");
        return new Result(accuracy(out, reference.labels), Fidelity.compare(reference.outputs, out, reference.labels));
    }

    /**
     * Top-1 and top-5 accuracy of classifier outputs; ties go to the lower class (as an arg-max does).
     *
     * @param outputs per batch {@code [rows, classes]}
     * @param labels  per batch one class per row
     */
    public static Accuracy accuracy(List<OutputTensor> outputs, List<int[]> labels) {
        if (outputs.size() != labels.size() || outputs.isEmpty()) {
            throw new IllegalArgumentException(outputs.size() + " output batches for " + labels.size() + " label batches");
        }
        int classes = (int) outputs.get(0).shape()[1];
        int samples = 0;
        int top1 = 0;
        int top5 = 0;
        for (int b = 0; b < outputs.size(); b++) {
            float[] v = outputs.get(b).values();
            int rows = outputs.get(b).rows();
            int[] lab = labels.get(b);
            if (lab.length != rows || v.length != rows * classes) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "batch %d: %d rows, %d labels, %d values"
                        + " for %d classes", b, rows, lab.length, v.length, classes));
            }
            for (int r = 0; r < rows; r++) {
                float target = v[r * classes + lab[r]];
                int higher = 0;
                for (int c = 0; c < classes; c++) {
                    float x = v[r * classes + c];
                    // a class beats the label when it scores higher, or the same with a lower index
                    if (x > target || (x == target && c < lab[r])) {
                        higher++;
                    }
                }
                top1 += higher == 0 ? 1 : 0;
                top5 += higher < 5 ? 1 : 0;
                samples++;
            }
        }
        return new Accuracy(samples, classes, (double) top1 / samples, classes > 5 ? (double) top5 / samples : null);
    }
}
