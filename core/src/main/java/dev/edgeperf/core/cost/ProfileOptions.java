package dev.edgeperf.core.cost;

import java.util.Map;
import java.util.Objects;

/**
 * What to resolve symbolic dimensions with and which convention to count by.
 *
 * @param batch        value for a symbolic/unknown leading (batch) dimension of every input, >= 1
 * @param inputShapes  explicit full shapes per input name; override {@code batch} for that input
 * @param dims         values of named symbolic dims ({@code dim_param} such as {@code sequence}), shared
 *                     by every input that names them; see {@link dev.edgeperf.core.onnx.InputDims}
 * @param inputValues  known values of integer inputs (row-major), e.g. {@code sr -> [16000]}; what the
 *                     graph computes from them folds to constants, so an {@code If} on them counts the
 *                     branch that runs. Empty: no input value is known
 * @param convention   counting rules
 */
public record ProfileOptions(long batch, Map<String, long[]> inputShapes, Map<String, Long> dims,
                             Map<String, long[]> inputValues, CountingConvention convention) {
    public ProfileOptions {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        inputShapes = Map.copyOf(Objects.requireNonNull(inputShapes, "inputShapes is null"));
        dims = Map.copyOf(Objects.requireNonNull(dims, "dims is null"));
        inputValues = Map.copyOf(Objects.requireNonNull(inputValues, "inputValues is null"));
        Objects.requireNonNull(convention, "convention is null");
    }

    /** Options without input values. */
    public ProfileOptions(long batch, Map<String, long[]> inputShapes, Map<String, Long> dims,
                          CountingConvention convention) {
        this(batch, inputShapes, dims, Map.of(), convention);
    }

    /** Options without named dims. */
    public ProfileOptions(long batch, Map<String, long[]> inputShapes, CountingConvention convention) {
        this(batch, inputShapes, Map.of(), Map.of(), convention);
    }

    public static ProfileOptions batch(long batch) {
        return new ProfileOptions(batch, Map.of(), CountingConvention.DETAILED);
    }
}
