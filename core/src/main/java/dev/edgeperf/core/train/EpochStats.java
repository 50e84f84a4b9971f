package dev.edgeperf.core.train;

/**
 * What one epoch of training did.
 *
 * @param epoch         1-based epoch number
 * @param samples       training images seen
 * @param learningRate  Adam step size used in this epoch
 * @param meanLoss      mean cross-entropy (nats) over the epoch, computed on the fly while the weights changed
 * @param trainAccuracy fraction of training images classified correctly on the fly, in [0, 1]
 * @param seconds       wall-clock time of the epoch in seconds
 */
public record EpochStats(int epoch, int samples, double learningRate, double meanLoss, double trainAccuracy,
                         double seconds) {
    public EpochStats {
        if (epoch < 1 || samples < 0 || seconds < 0) {
            throw new IllegalArgumentException("bad epoch stats: epoch=" + epoch + " samples=" + samples + " seconds=" + seconds);
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "epoch %d: %d images, lr %.2e, loss %.4f, train accuracy %.2f%%, %.1f s",
                epoch, samples, learningRate, meanLoss, 100 * trainAccuracy, seconds);
    }
}
