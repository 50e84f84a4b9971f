package dev.edgeperf.agent.measure;

/**
 * Measures one configuration: in this JVM ({@link InferenceRunner}) or in a forked worker JVM
 * ({@link ForkedRunner}).
 */
public interface MeasurementRunner {
    /**
     * Measures {@code request}.
     *
     * @throws dev.edgeperf.core.EdgeperfException with the reason, when the model cannot be measured
     */
    MeasurementResult measure(MeasurementRequest request, ProgressListener progress);

    /** Measures without progress reports. */
    default MeasurementResult measure(MeasurementRequest request) {
        return measure(request, ProgressListener.NONE);
    }
}
