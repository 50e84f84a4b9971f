package dev.edgeperf.core.train;

/**
 * Settings of a training or fine-tuning run.
 *
 * @param epochs            passes over the training set (at least 1)
 * @param batchSize         images per Adam step (at least 1)
 * @param learningRate      Adam step size of the first epoch
 * @param learningRateDecay factor applied to the learning rate after every epoch, in (0, 1]
 * @param seed              seed of the initial weights and of the shuffling; same seed, same
 *                          data and same thread count give bit-identical weights
 * @param threads           worker threads over each mini-batch (at least 1)
 */
public record TrainingOptions(int epochs, int batchSize, double learningRate, double learningRateDecay, long seed,
                              int threads) {
    /** Default epochs of {@code zoo train mnist-cnn}. */
    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_LEARNING_RATE_DECAY = 0.6;
    public static final long DEFAULT_SEED = 20240601L;
    /** The build machine has two cores shared with other work, so training never takes more. */
    public static final int DEFAULT_THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        }
        if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
            throw new IllegalArgumentException("learningRateDecay must be in (0, 1], got " + learningRateDecay);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** The defaults with the given number of epochs. */
    public static TrainingOptions defaults(int epochs) {
        return new TrainingOptions(epochs, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_LEARNING_RATE_DECAY,
                DEFAULT_SEED, DEFAULT_THREADS);
    }

    public TrainingOptions withLearningRate(double rate) {
        return new TrainingOptions(epochs, batchSize, rate, learningRateDecay, seed, threads);
    }

    public TrainingOptions withSeed(long newSeed) {
        return new TrainingOptions(epochs, batchSize, learningRate, learningRateDecay, newSeed, threads);
    }

    public TrainingOptions withThreads(int count) {
        return new TrainingOptions(epochs, batchSize, learningRate, learningRateDecay, seed, count);
    }
}
