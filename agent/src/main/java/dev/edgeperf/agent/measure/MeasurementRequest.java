package dev.edgeperf.agent.measure;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration to measure.
 *
 * @param model          the ONNX file
 * @param batchSize      samples per run, >= 1
 * @param intraOpThreads ONNX Runtime intra-op threads, 0 = engine default
 * @param settings       how long and how hard; its {@code concurrency} is the number of threads
 *                       calling {@code run} on one shared session at once (1 = single-stream)
 * @param inputShapes    full shapes per input name ({@code --input}); the leading dim of an input whose
 *                       model dim is open is replaced by {@code batchSize}
 * @param dims           values of named symbolic dims ({@code --dim sequence=128})
 * @param inputValues    values of integer inputs ({@code sr=16000}), row-major, fed instead of generated data
 */
public record MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings,
                                 Map<String, long[]> inputShapes, Map<String, Long> dims,
                                 Map<String, long[]> inputValues) {
    /** A request without input values: every input generated. */
    public MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings,
                              Map<String, long[]> inputShapes, Map<String, Long> dims) {
        this(model, batchSize, intraOpThreads, settings, inputShapes, dims, Map.of());
    }

    public MeasurementRequest {
        Map<String, long[]> values = new LinkedHashMap<>();
        Objects.requireNonNull(inputValues, "inputValues is null").forEach((k, v) -> values.put(k, v.clone()));
        inputValues = java.util.Collections.unmodifiableMap(values);
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(settings, "settings is null");
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Objects.requireNonNull(inputShapes, "inputShapes is null").forEach((k, v) -> shapes.put(k, v.clone()));
        inputShapes = java.util.Collections.unmodifiableMap(shapes);
        dims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(dims, "dims is null")));
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
    }

    /** A request whose inputs are sized by the batch alone (every other open dim is an error). */
    public MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings) {
        this(model, batchSize, intraOpThreads, settings, Map.of(), Map.of());
    }

    /** Threads calling {@code run} at once, >= 1. */
    public int concurrency() {
        return settings.concurrency();
    }
}
