package dev.edgeperf.core.data;

import java.util.Objects;

/**
 * A named dataset with its standard train/test split.
 *
 * @param name  short name, e.g. {@code mnist} or {@code fashion-mnist}
 * @param train training split (60,000 images for MNIST and Fashion-MNIST)
 * @param test  test split (10,000 images)
 */
public record Dataset(String name, LabeledImages train, LabeledImages test) {
    public Dataset {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(train, "train is null");
        Objects.requireNonNull(test, "test is null");
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException(name + ": train and test image shapes differ");
        }
    }
}
