package dev.edgeperf.core.cost;

import java.util.Map;
import java.util.Objects;

/**
 * What to resolve symbolic dimensions with and which convention to count by.
 *
 * @param batch        value for a symbolic/unknown leading (batch) dimension of every input, >= 1
 * @param inputShapes  explicit full shapes per input name; override {@code batch} for that input
 * @param convention   counting rules
 */
public record ProfileOptions(long batch, Map<String, long[]> inputShapes, CountingConvention convention) {
    public ProfileOptions {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        inputShapes = Map.copyOf(Objects.requireNonNull(inputShapes, "inputShapes is null"));
        Objects.requireNonNull(convention, "convention is null");
    }

    public static ProfileOptions batch(long batch) {
        return new ProfileOptions(batch, Map.of(), CountingConvention.DETAILED);
    }
}
