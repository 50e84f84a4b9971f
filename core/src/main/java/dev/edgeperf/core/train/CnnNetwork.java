package dev.edgeperf.core.train;

import java.util.Objects;

/**
 * Forward and backward passes of one sample through an mnist-cnn-style network, with the
 * activation buffers of that sample. One instance per worker thread; not thread-safe.
 */
final class CnnNetwork {
    private final CnnShape shape;
    final float[] a1;
    final float[] a2;
    final float[] h;
    final float[] logits;
    private final float[] dLogits;
    private final float[] dH;
    private final float[] dA2;
    private final float[] dA1;

    CnnNetwork(CnnShape shape) {
        this.shape = Objects.requireNonNull(shape, "shape is null");
        a1 = new float[shape.conv1() * shape.h1() * shape.w1()];
        a2 = new float[shape.flat()];
        h = new float[shape.hidden()];
        logits = new float[shape.classes()];
        dLogits = new float[shape.classes()];
        dH = new float[shape.hidden()];
        dA2 = new float[shape.flat()];
        dA1 = new float[a1.length];
    }

    /**
     * Computes the logits of the image at {@code offset} in {@code images} into {@link #logits}.
     *
     * @param fc1T fc1 weights transposed ([flat, hidden]), see {@link Kernels#denseForward}
     */
    void forward(CnnWeights w, float[] fc1T, float[] images, int offset) {
        CnnShape s = shape;
        Kernels.convForward(images, offset, 1, s.height(), s.width(), w.tensor(CnnWeights.CONV1_W),
                w.tensor(CnnWeights.CONV1_B), s.conv1(), a1);
        Kernels.relu(a1, a1.length);
        Kernels.convForward(a1, 0, s.conv1(), s.h1(), s.w1(), w.tensor(CnnWeights.CONV2_W),
                w.tensor(CnnWeights.CONV2_B), s.conv2(), a2);
        Kernels.relu(a2, a2.length);
        Kernels.denseForward(a2, s.flat(), fc1T, w.tensor(CnnWeights.FC1_B), s.hidden(), h);
        Kernels.relu(h, h.length);
        float[] fc2 = w.tensor(CnnWeights.FC2_W);
        float[] b2 = w.tensor(CnnWeights.FC2_B);
        for (int c = 0; c < s.classes(); c++) {
            float z = b2[c];
            int row = c * s.hidden();
            for (int i = 0; i < s.hidden(); i++) {
                z += fc2[row + i] * h[i];
            }
            logits[c] = z;
        }
    }

    /**
     * After {@link #forward} of the same image: accumulates into {@code grads} the gradient of
     * {@code scale} x the cross-entropy loss, and returns the (unscaled) loss.
     */
    float backward(CnnWeights w, float[] images, int offset, int label, float scale, float[][] grads) {
        return backward(w, images, offset, label, null, 0, scale, grads);
    }

    /**
     * As {@link #backward(CnnWeights, float[], int, int, float, float[][])}, with the distillation loss of
     * {@code soft} (teacher logits at {@code teacherOff}) when it is not null.
     */
    float backward(CnnWeights w, float[] images, int offset, int label, SoftTargets soft, int teacherOff, float scale,
                   float[][] grads) {
        CnnShape s = shape;
        float loss = soft == null ? Kernels.softmaxCrossEntropy(logits, s.classes(), label, scale, dLogits)
                : Kernels.distillationLoss(logits, s.classes(), label, soft.logits(), teacherOff, soft.temperature(),
                        soft.alpha(), scale, dLogits);
        Kernels.denseBackward(h, s.hidden(), w.tensor(CnnWeights.FC2_W), s.classes(), dLogits,
                grads[CnnWeights.FC2_W], grads[CnnWeights.FC2_B], dH);
        Kernels.reluBackward(h, dH, dH.length);
        Kernels.denseBackward(a2, s.flat(), w.tensor(CnnWeights.FC1_W), s.hidden(), dH,
                grads[CnnWeights.FC1_W], grads[CnnWeights.FC1_B], dA2);
        Kernels.reluBackward(a2, dA2, dA2.length);
        Kernels.convBackward(a1, 0, s.conv1(), s.h1(), s.w1(), w.tensor(CnnWeights.CONV2_W), s.conv2(), dA2,
                grads[CnnWeights.CONV2_W], grads[CnnWeights.CONV2_B], dA1);
        Kernels.reluBackward(a1, dA1, dA1.length);
        Kernels.convBackward(images, offset, 1, s.height(), s.width(), w.tensor(CnnWeights.CONV1_W), s.conv1(), dA1,
                grads[CnnWeights.CONV1_W], grads[CnnWeights.CONV1_B], null);
        return loss;
    }

    /** Index of the largest logit. */
    int predicted() {
        return Kernels.argmax(logits);
    }
}
