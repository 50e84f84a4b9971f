package dev.edgeperf.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A set of images with one class label each.
 *
 * <p>{@code images} holds {@code count() * channels * height * width} floats in NCHW order, every
 * pixel scaled to [0, 1] (byte / 255). The arrays are shared, not copied, because a training set
 * is tens of megabytes: callers must treat them as read-only.
 *
 * @param images     pixels, NCHW, in [0, 1]
 * @param labels     class index per image, in [0, classes)
 * @param channels   C (1 for MNIST)
 * @param height     H in pixels
 * @param width      W in pixels
 * @param classes    number of classes (10 for MNIST)
 */
public record LabeledImages(float[] images, int[] labels, int channels, int height, int width, int classes) {
    public LabeledImages {
        Objects.requireNonNull(images, "images is null");
        Objects.requireNonNull(labels, "labels is null");
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("channels, height, width and classes must be positive, got "
                    + channels + ", " + height + ", " + width + ", " + classes);
        }
        if ((long) labels.length * channels * height * width != images.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * channels * height * width
                    + " pixels of " + channels + "x" + height + "x" + width + ", got " + images.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", expected 0.." + (classes - 1));
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Floats per image: C * H * W. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Shape of a batch of {@code batch} images: [batch, C, H, W]. */
    public long[] batchShape(int batch) {
        return new long[] {batch, channels, height, width};
    }

    /**
     * Images {@code from} (inclusive) to {@code to} (exclusive), copied.
     *
     * @throws IllegalArgumentException if the range is outside [0, count()]
     */
    public LabeledImages slice(int from, int to) {
        if (from < 0 || to > count() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + count() + ")");
        }
        int size = imageSize();
        return new LabeledImages(Arrays.copyOfRange(images, from * size, to * size),
                Arrays.copyOfRange(labels, from, to), channels, height, width, classes);
    }

    /** The first {@code n} images (all of them if there are fewer). */
    public LabeledImages first(int n) {
        return slice(0, Math.min(n, count()));
    }
}
