package dev.edgeperf.agent.measure;

import dev.edgeperf.core.measure.MeasurementSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One configuration to measure.
 *
 * @param model          the ONNX file
 * @param batchSize      samples per run, >= 1
 * @param intraOpThreads ONNX Runtime intra-op threads, 0 = engine default
 * @param settings       how long and how hard; its {@code concurrency} is the number of threads
 *                       calling {@code run} on one shared session at once (1 = single-stream)
 */
public record MeasurementRequest(Path model, int batchSize, int intraOpThreads, MeasurementSettings settings) {
    public MeasurementRequest {
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(settings, "settings is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
    }

    /** Threads calling {@code run} at once, >= 1. */
    public int concurrency() {
        return settings.concurrency();
    }
}
