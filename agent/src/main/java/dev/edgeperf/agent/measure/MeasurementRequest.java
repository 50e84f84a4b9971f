package dev.edgeperf.agent.measure;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One configuration to measure.
 *
 * @param model          the ONNX file
 * @param batchSize      samples per run, >= 1
 * @param intraOpThreads ONNX Runtime intra-op threads, 0 = engine default
 * @param concurrency    threads calling {@code run} on one shared session at once, >= 1; 1 =
 *                       single-stream latency mode, more = throughput mode
 */
public record MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings,
                                 int concurrency) {
    public MeasurementRequest {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(settings, "settings is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
    }

    /** A single-stream request. */
    public MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings) {
        this(model, batchSize, intraOpThreads, settings, MeasurementDefaults.CONCURRENCY);
    }
}
