package dev.edgeperf.core.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Classification accuracy of an ONNX model as ONNX Runtime computes it (CPU, default graph
 * optimisations), so the figure is what a deployment would see, not what the trainer believes.
 * The model must take one float input [N, C, H, W] and give one output [N, classes] (scores or
 * probabilities; the argmax is the prediction).
 */
public final class Evaluator {
    /** Images per session run: large enough to amortise the call, small enough for modest memory. */
    static final int BATCH = 500;

    private Evaluator() {
    }

    /**
     * Fraction of {@code data} whose argmax output equals the label, in [0, 1].
     *
     * @throws EdgeperfException USER_ERROR if ORT cannot load or run the model on these images
     */
    public static double accuracy(byte[] model, LabeledImages data) {
        int[] predicted = predict(model, data);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == data.labels()[i] ? 1 : 0;
        }
        return predicted.length == 0 ? 0 : (double) correct / predicted.length;
    }

    /**
     * The argmax class of every image.
     *
     * @throws EdgeperfException USER_ERROR if ORT cannot load or run the model on these images
     */
    public static int[] predict(byte[] model, LabeledImages data) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int[] predicted = new int[data.count()];
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(TrainingOptions.DEFAULT_THREADS);
            try (OrtSession session = env.createSession(model, options)) {
                String input = session.getInputNames().iterator().next();
                int size = data.imageSize();
                for (int from = 0; from < data.count(); from += BATCH) {
                    int n = Math.min(BATCH, data.count() - from);
                    FloatBuffer pixels = FloatBuffer.wrap(data.images(), from * size, n * size).slice();
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, pixels, data.batchShape(n));
                         OrtSession.Result result = session.run(Map.of(input, tensor))) {
                        Object value = result.get(0).getValue();
                        if (!(value instanceof float[][] scores)) {
                            throw EdgeperfException.userError("model output is not a float [N, classes] tensor: "
                                    + result.get(0).getInfo());
                        }
                        for (int i = 0; i < n; i++) {
                            predicted[from + i] = argmax(scores[i]);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw EdgeperfException.userError("ONNX Runtime cannot evaluate the model on images "
                    + java.util.Arrays.toString(data.batchShape(BATCH)) + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        return predicted;
    }

    private static int argmax(float[] scores) {
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        return best;
    }
}
