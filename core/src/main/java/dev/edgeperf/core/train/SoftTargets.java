package dev.edgeperf.core.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * A teacher's logits over a training set and the knobs of the distillation loss
 * {@code alpha * T^2 * KL(softmax(teacher/T) || softmax(student/T)) + (1 - alpha) * CE(hard labels)}.
 *
 * @param logits      teacher logits, {@code [images, classes]} row-major, in the training set's order
 * @param temperature T, positive
 * @param alpha       weight of the soft term, in [0, 1]
 */
public record SoftTargets(float[] logits, double temperature, double alpha) {
    public SoftTargets {
        Objects.requireNonNull(logits, "logits is null");
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
    }

    /**
     * Runs {@code teacher} with ONNX Runtime over every image of {@code data} and returns its logits. A
     * teacher whose rows are probabilities (non-negative, summing to 1, e.g. the zoo's models, which end in
     * Softmax) gives {@code ln p}, which differs from its logits by a per-row constant that no softmax sees.
     *
     * @throws EdgeperfException USER_ERROR if ORT cannot run the teacher on these images or its output is
     *                           not a float {@code [N, classes]} tensor with the data set's classes
     */
    public static float[] teacherLogits(byte[] teacher, LabeledImages data) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int classes = data.classes();
        float[] out = new float[data.count() * classes];
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(TrainingOptions.DEFAULT_THREADS);
            try (OrtSession session = env.createSession(teacher, options)) {
                String input = session.getInputNames().iterator().next();
                int size = data.imageSize();
                for (int from = 0; from < data.count(); from += Evaluator.BATCH) {
                    int n = Math.min(Evaluator.BATCH, data.count() - from);
                    FloatBuffer pixels = FloatBuffer.wrap(data.images(), from * size, n * size).slice();
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, pixels, data.batchShape(n));
                         OrtSession.Result result = session.run(Map.of(input, tensor))) {
                        Object value = result.get(0).getValue();
                        if (!(value instanceof float[][] scores) || scores.length != n || scores[0].length != classes) {
                            throw EdgeperfException.userError("teacher output " + result.get(0).getInfo()
                                    + " is not a float [N, " + classes + "] tensor (one score per class of the data)");
                        }
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(toLogits(scores[i]), 0, out, (from + i) * classes, classes);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot run the teacher on images "
                    + java.util.Arrays.toString(data.batchShape(Evaluator.BATCH)) + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return out;
    }

    /** ln p for a probability row, the row itself otherwise. */
    static float[] toLogits(float[] row) {
        double sum = 0;
        for (float v : row) {
            if (v < 0 || !Float.isFinite(v)) {
                return row;
            }
            sum += v;
        }
        if (Math.abs(sum - 1) > 1e-3) {
            return row;
        }
        float[] logits = new float[row.length];
        for (int c = 0; c < row.length; c++) {
            logits[c] = (float) Math.log(Math.max(row[c], 1e-30f));
        }
        return logits;
    }
}
