package dev.edgeperf.core.train;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Mini-batch Adam over a {@link ChainNet}, on softmax cross-entropy or on the distillation loss of
 * {@link SoftTargets}. As in {@link CnnTrainer}, each mini-batch is split into contiguous slices, one per worker
 * with its own gradient buffers, summed in worker order: deterministic for a given seed, data and thread count.
 */
public final class ChainTrainer {
    private ChainTrainer() {
    }

    /**
     * Trains {@code net} in place.
     *
     * @param soft  teacher logits and loss knobs, or null for the hard labels only
     * @param masks per tensor: null (train all) or 1/0 per entry (0 = keep at zero); null for none
     * @return one entry per epoch
     * @throws EdgeperfException USER_ERROR if the images or teacher logits do not fit the network
     */
    public static List<EpochStats> train(ChainNet net, LabeledImages data, SoftTargets soft, float[][] masks,
                                         TrainingOptions options, Consumer<EpochStats> listener) {
        Objects.requireNonNull(options, "options is null");
        Objects.requireNonNull(listener, "listener is null");
        checkFits(net, data);
        if (data.count() == 0) {
            throw EdgeperfException.userError("training set is empty");
        }
        if (soft != null && soft.logits().length != (long) data.count() * net.classes) {
            throw EdgeperfException.userError("teacher logits hold " + soft.logits().length + " values, expected "
                    + data.count() + " images x " + net.classes + " classes");
        }
        int threads = Math.min(options.threads(), options.batchSize());
        Worker[] workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(net);
        }
        Adam adam = new Adam(net.tensors);
        List<EpochStats> history = new ArrayList<>();
        ExecutorService pool = CnnTrainer.pool(threads, "edgeperf-train-chain");
        try {
            double rate = options.learningRate();
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long start = System.nanoTime();
                int[] order = CnnTrainer.shuffled(data.count(), new SplittableRandom(options.seed() * 31 + epoch));
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += options.batchSize()) {
                    int to = Math.min(order.length, from + options.batchSize());
                    float scale = 1f / (to - from);
                    CnnTrainer.runSlices(pool, threads, from, to, (w, a, b) -> workers[w].run(data, soft, order, a, b, scale));
                    for (int i = 1; i < threads; i++) {
                        workers[0].add(workers[i]);
                    }
                    for (Worker w : workers) {
                        lossSum += w.loss;
                        correct += w.correct;
                    }
                    adam.step(net.tensors, workers[0].grads, masks, rate);
                }
                EpochStats stats = new EpochStats(epoch, order.length, rate, lossSum / order.length,
                        (double) correct / order.length, (System.nanoTime() - start) / 1e9);
                history.add(stats);
                listener.accept(stats);
                rate *= options.learningRateDecay();
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return history;
    }

    /**
     * Fine-tunes a serialized chain model (a trainable zoo model or its pruned or separable variant): weights
     * that are exactly zero stay zero (the masks of unstructured pruning), removed channels stay removed (they
     * are not in the graph). Returns the same model with only its parameter initializers replaced.
     *
     * @throws EdgeperfException USER_ERROR if the model is not a chain the trainer knows or the images do not fit
     */
    public static byte[] finetuneModel(byte[] model, LabeledImages data, TrainingOptions options,
                                       Consumer<EpochStats> listener) {
        ModelProto proto = MnistCnnOnnx.parse(model);
        ChainNet net = ChainNet.of(proto);
        train(net, data, null, zeroMasks(net), options, listener);
        return net.withWeights(proto).toByteArray();
    }

    /** Per weight tensor (rank > 1) holding an exact zero, 0 where it is zero and 1 elsewhere; null otherwise. */
    static float[][] zeroMasks(ChainNet net) {
        float[][] masks = new float[net.tensors.length][];
        for (int t = 0; t < masks.length; t++) {
            float[] w = net.tensors[t];
            if (net.dims[t].length < 2) {
                continue;
            }
            float[] mask = new float[w.length];
            boolean anyZero = false;
            for (int i = 0; i < w.length; i++) {
                mask[i] = w[i] == 0f ? 0f : 1f;
                anyZero |= w[i] == 0f;
            }
            masks[t] = anyZero ? mask : null;
        }
        return masks;
    }

    /** Fraction of {@code data} the network classifies correctly (argmax of the logits), in [0, 1]. */
    public static double accuracy(ChainNet net, LabeledImages data) {
        checkFits(net, data);
        ChainNet.Pass pass = net.new Pass();
        int correct = 0;
        for (int n = 0; n < data.count(); n++) {
            pass.forward(data.images(), n * data.imageSize());
            correct += pass.predicted() == data.labels()[n] ? 1 : 0;
        }
        return data.count() == 0 ? 0 : (double) correct / data.count();
    }

    private static void checkFits(ChainNet net, LabeledImages data) {
        Objects.requireNonNull(data, "data is null");
        if (data.channels() != net.channels || data.height() != net.height || data.width() != net.width
                || data.classes() != net.classes) {
            throw EdgeperfException.userError("images [" + data.channels() + "," + data.height() + "," + data.width()
                    + "] with " + data.classes() + " classes do not fit the network, expected [" + net.channels + ","
                    + net.height + "," + net.width + "] with " + net.classes + " classes");
        }
    }

    private static final class Worker {
        final ChainNet.Pass pass;
        final float[][] grads;
        double loss;
        int correct;

        Worker(ChainNet net) {
            pass = net.new Pass();
            grads = net.newGradients();
        }

        void run(LabeledImages data, SoftTargets soft, int[] order, int from, int to, float scale) {
            for (float[] g : grads) {
                Arrays.fill(g, 0f);
            }
            loss = 0;
            correct = 0;
            int size = data.imageSize();
            for (int k = from; k < to; k++) {
                int n = order[k];
                pass.forward(data.images(), n * size);
                correct += pass.predicted() == data.labels()[n] ? 1 : 0;
                loss += pass.backward(data.images(), n * size, data.labels()[n], soft, n * data.classes(), scale, grads);
            }
        }

        void add(Worker other) {
            for (int t = 0; t < grads.length; t++) {
                for (int i = 0; i < grads[t].length; i++) {
                    grads[t][i] += other.grads[t][i];
                }
            }
        }
    }
}
