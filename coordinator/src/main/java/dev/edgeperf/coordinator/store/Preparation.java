package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * Where a campaign's preparation stands.
 *
 * @param total   variants to prepare; 0 for campaigns prepared at submit (before schema version 3)
 * @param done    variants prepared so far
 * @param message what the preparation is doing or last did, e.g. "building mnist-cnn separable"
 * @param failure why it failed, one line; "" = it did not fail
 */
public record Preparation(int total, int done, String message, String failure) {
    public Preparation {
        Objects.requireNonNull(message, "message is null");
        Objects.requireNonNull(failure, "failure is null");
    }

    public boolean failed() {
        return !failure.isEmpty();
    }

    /** Variants are still being prepared: no job exists yet. */
    public boolean preparing() {
        return !failed() && done < total;
    }

    /** Nothing to prepare: a campaign whose jobs were inserted at once. */
    public static final Preparation NONE = new Preparation(0, 0, "", "");
}
