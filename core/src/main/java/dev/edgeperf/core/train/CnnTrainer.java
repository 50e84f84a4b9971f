package dev.edgeperf.core.train;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.LabeledImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Trains an mnist-cnn-style network with mini-batch Adam on softmax cross-entropy.
 *
 * <p>Each mini-batch is split into {@code threads} contiguous slices; every worker runs its
 * slice sample by sample into its own gradient buffers, and the buffers are summed in worker
 * order, so a run is deterministic for a given seed, data set and thread count.
 */
public final class CnnTrainer {
    private CnnTrainer() {
    }

    /**
     * Trains from fresh weights ({@link CnnWeights#initial} with the options' seed).
     *
     * @param listener called after every epoch (e.g. to print progress); may be a no-op
     * @throws EdgeperfException USER_ERROR if the images do not fit the shape
     */
    public static TrainingResult train(LabeledImages data, CnnShape shape, TrainingOptions options,
                                       Consumer<EpochStats> listener) {
        return run(CnnWeights.initial(shape, options.seed()), null, null, data, options, listener);
    }

    /**
     * Trains fresh weights (as {@link #train}) on the distillation loss against a teacher's logits, see
     * {@link SoftTargets}; the same seed and options with {@code alpha = 0} give exactly {@link #train}.
     *
     * @throws EdgeperfException USER_ERROR if the images or the teacher logits do not fit the shape
     */
    public static TrainingResult distill(LabeledImages data, CnnShape shape, SoftTargets soft, TrainingOptions options,
                                         Consumer<EpochStats> listener) {
        Objects.requireNonNull(soft, "soft is null");
        if (soft.logits().length != (long) data.count() * shape.classes()) {
            throw EdgeperfException.userError("teacher logits hold " + soft.logits().length + " values, expected "
                    + data.count() + " images x " + shape.classes() + " classes");
        }
        return run(CnnWeights.initial(shape, options.seed()), null, soft, data, options, listener);
    }

    /**
     * Fine-tunes a copy of {@code start}, keeping every weight that is exactly zero at zero (the
     * masks of an unstructured-pruned variant stay fixed; biases are always trained). A
     * structurally pruned variant simply has a smaller {@link CnnShape} and trains the same way.
     *
     * @return the fine-tuned weights; {@code start} is not modified
     * @throws EdgeperfException USER_ERROR if the images do not fit the shape
     */
    public static TrainingResult finetune(CnnWeights start, LabeledImages data, TrainingOptions options,
                                          Consumer<EpochStats> listener) {
        CnnWeights weights = start.copy();
        float[][] masks = new float[CnnWeights.NAMES.size()][];
        for (int t : new int[] {CnnWeights.CONV1_W, CnnWeights.CONV2_W, CnnWeights.FC1_W, CnnWeights.FC2_W}) {
            float[] w = weights.tensor(t);
            boolean anyZero = false;
            float[] mask = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                mask[i] = w[i] == 0f ? 0f : 1f;
                anyZero |= w[i] == 0f;
            }
            masks[t] = anyZero ? mask : null;
        }
        return run(weights, masks, null, data, options, listener);
    }

    /**
     * Fine-tunes the weights of a serialized mnist-cnn-shaped ONNX model (the baseline or a pruned
     * variant: zeroed weights stay zero, removed channels stay removed) and returns the same model
     * with only its eight parameter initializers replaced.
     *
     * @throws EdgeperfException USER_ERROR if the model is not mnist-cnn shaped or the images do not fit
     */
    public static byte[] finetuneModel(byte[] model, LabeledImages data, TrainingOptions options,
                                       Consumer<EpochStats> listener) {
        ai.onnx.proto.OnnxMl.ModelProto proto = MnistCnnOnnx.parse(model);
        TrainingResult result = finetune(MnistCnnOnnx.weightsOf(proto), data, options, listener);
        return MnistCnnOnnx.withWeights(proto, result.weights()).toByteArray();
    }

    /**
     * Fraction of {@code data} this pure-Java network classifies correctly (argmax of the
     * logits), in [0, 1]. For the figure ONNX Runtime gives, use {@link Evaluator#accuracy}.
     */
    public static double accuracy(CnnWeights weights, LabeledImages data) {
        checkFits(weights.shape(), data);
        CnnNetwork net = new CnnNetwork(weights.shape());
        float[] fc1T = transposedFc1(weights);
        int correct = 0;
        for (int n = 0; n < data.count(); n++) {
            net.forward(weights, fc1T, data.images(), n * data.imageSize());
            correct += net.predicted() == data.labels()[n] ? 1 : 0;
        }
        return data.count() == 0 ? 0 : (double) correct / data.count();
    }

    private static TrainingResult run(CnnWeights weights, float[][] masks, SoftTargets soft, LabeledImages data, TrainingOptions options,
                                      Consumer<EpochStats> listener) {
        Objects.requireNonNull(data, "data is null");
        Objects.requireNonNull(options, "options is null");
        Objects.requireNonNull(listener, "listener is null");
        CnnShape shape = weights.shape();
        checkFits(shape, data);
        if (data.count() == 0) {
            throw EdgeperfException.userError("training set is empty");
        }
        int threads = Math.min(options.threads(), options.batchSize());
        Worker[] workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(shape);
        }
        Adam adam = new Adam(weights);
        float[] fc1T = new float[weights.tensor(CnnWeights.FC1_W).length];
        List<EpochStats> history = new ArrayList<>();
        ExecutorService pool = pool(threads, "edgeperf-train");
        try {
            double rate = options.learningRate();
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long start = System.nanoTime();
                int[] order = shuffled(data.count(), new SplittableRandom(options.seed() * 31 + epoch));
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < order.length; from += options.batchSize()) {
                    int to = Math.min(order.length, from + options.batchSize());
                    Kernels.transpose(weights.tensor(CnnWeights.FC1_W), shape.hidden(), shape.flat(), fc1T);
                    float scale = 1f / (to - from);
                    runBatch(pool, workers, weights, fc1T, soft, data, order, from, to, scale);
                    for (int i = 1; i < threads; i++) {
                        workers[0].addGradients(workers[i]);
                    }
                    for (Worker w : workers) {
                        lossSum += w.loss;
                        correct += w.correct;
                    }
                    adam.step(weights, workers[0].grads, masks, rate);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                EpochStats stats = new EpochStats(epoch, order.length, rate, lossSum / order.length,
                        (double) correct / order.length, seconds);
                history.add(stats);
                listener.accept(stats);
                rate *= options.learningRateDecay();
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new TrainingResult(weights, history);
    }

    private static void runBatch(ExecutorService pool, Worker[] workers, CnnWeights weights, float[] fc1T,
                                 SoftTargets soft, LabeledImages data, int[] order, int from, int to, float scale) {
        runSlices(pool, workers.length, from, to, (i, a, b) -> workers[i].run(weights, fc1T, soft, data, order, a, b, scale));
    }

    /** Work on samples [a, b) by worker {@code worker}. */
    interface Slice {
        void run(int worker, int a, int b);
    }

    /** A pool of {@code threads} daemon threads, or null for one thread (the work then runs on the caller). */
    static ExecutorService pool(int threads, String name) {
        return threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Splits [from, to) into {@code threads} contiguous slices, runs slice i as worker i (on the pool, or all on
     * the caller when it is null) and waits for all of them.
     */
    static void runSlices(ExecutorService pool, int threads, int from, int to, Slice slice) {
        if (pool == null) {
            slice.run(0, from, to);
            return;
        }
        int per = (to - from + threads - 1) / threads;
        List<Future<?>> futures = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int worker = i;
            int a = Math.min(to, from + i * per);
            int b = Math.min(to, a + per);
            futures.add(pool.submit(() -> slice.run(worker, a, b)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EdgeperfException.internal("training interrupted", e);
        } catch (ExecutionException e) {
            throw EdgeperfException.internal("training worker failed: " + e.getCause(), e.getCause());
        }
    }

    static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static float[] transposedFc1(CnnWeights weights) {
        float[] fc1T = new float[weights.tensor(CnnWeights.FC1_W).length];
        Kernels.transpose(weights.tensor(CnnWeights.FC1_W), weights.shape().hidden(), weights.shape().flat(), fc1T);
        return fc1T;
    }

    private static void checkFits(CnnShape shape, LabeledImages data) {
        if (data.channels() != 1 || data.height() != shape.height() || data.width() != shape.width()
                || data.classes() != shape.classes()) {
            throw EdgeperfException.userError("images [" + data.channels() + "," + data.height() + "," + data.width()
                    + "] with " + data.classes() + " classes do not fit the network, expected [1," + shape.height() + ","
                    + shape.width() + "] with " + shape.classes() + " classes");
        }
    }

    /** One thread's network buffers, gradient sums and counters for the current mini-batch. */
    private static final class Worker {
        final CnnNetwork net;
        final float[][] grads;
        double loss;
        int correct;

        Worker(CnnShape shape) {
            net = new CnnNetwork(shape);
            long[][] dims = shape.tensorDims();
            grads = new float[dims.length][];
            for (int t = 0; t < dims.length; t++) {
                grads[t] = new float[Math.toIntExact(CnnWeights.size(dims[t]))];
            }
        }

        void run(CnnWeights weights, float[] fc1T, SoftTargets soft, LabeledImages data, int[] order, int from, int to, float scale) {
            for (float[] g : grads) {
                java.util.Arrays.fill(g, 0f);
            }
            loss = 0;
            correct = 0;
            int size = data.imageSize();
            for (int k = from; k < to; k++) {
                int n = order[k];
                net.forward(weights, fc1T, data.images(), n * size);
                correct += net.predicted() == data.labels()[n] ? 1 : 0;
                loss += net.backward(weights, data.images(), n * size, data.labels()[n], soft,
                        n * data.classes(), scale, grads);
            }
        }

        void addGradients(Worker other) {
            for (int t = 0; t < grads.length; t++) {
                float[] mine = grads[t];
                float[] theirs = other.grads[t];
                for (int i = 0; i < mine.length; i++) {
                    mine[i] += theirs[i];
                }
            }
        }
    }
}
