package dev.edgeperf.core.train;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, beta1 0.9, beta2 0.999, epsilon 1e-8, over the
 * eight tensors of a {@link CnnWeights}. An optional mask per tensor freezes entries at zero:
 * where the mask is 0 the weight is set to 0 and never updated, which keeps a pruned variant pruned.
 */
final class Adam {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final float[][] m;
    private final float[][] v;
    private int step;

    Adam(CnnWeights weights) {
        this(weights.tensors());
    }

    /** Over any list of parameter tensors (e.g. the ten of a separable network). */
    Adam(float[][] tensors) {
        m = new float[tensors.length][];
        v = new float[tensors.length][];
        for (int t = 0; t < tensors.length; t++) {
            m[t] = new float[tensors[t].length];
            v[t] = new float[tensors[t].length];
        }
    }

    /**
     * One update with the mean gradient {@code grads}.
     *
     * @param masks per tensor: null (train all) or 1/0 per entry (0 = keep at zero)
     */
    void step(CnnWeights weights, float[][] grads, float[][] masks, double learningRate) {
        step(weights.tensors(), grads, masks, learningRate);
    }

    /** As {@link #step(CnnWeights, float[][], float[][], double)} over the tensors given to the constructor. */
    void step(float[][] tensors, float[][] grads, float[][] masks, double learningRate) {
        step++;
        float correction1 = (float) (1 - Math.pow(BETA1, step));
        float correction2 = (float) (1 - Math.pow(BETA2, step));
        float rate = (float) learningRate * (float) Math.sqrt(correction2) / correction1;
        for (int t = 0; t < tensors.length; t++) {
            float[] w = tensors[t];
            float[] g = grads[t];
            float[] mt = m[t];
            float[] vt = v[t];
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                mt[i] = BETA1 * mt[i] + (1 - BETA1) * gi;
                vt[i] = BETA2 * vt[i] + (1 - BETA2) * gi * gi;
                w[i] -= rate * mt[i] / ((float) Math.sqrt(vt[i]) + EPSILON);
            }
            float[] mask = masks == null ? null : masks[t];
            if (mask != null) {
                for (int i = 0; i < w.length; i++) {
                    w[i] *= mask[i];
                }
            }
        }
    }
}
