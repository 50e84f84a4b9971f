package dev.edgeperf.agent.measure;

import com.google.protobuf.ByteString;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HostProvenance;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.proto.LayerTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of measuring one configuration: everything a {@code JobResult} needs.
 *
 * @param intraOpThreads         threads the session used (the engine default resolved to a number)
 * @param concurrency            threads that called {@code run} at once (1 = single-stream)
 * @param computeLatency         per-batch {@code session.run} latency, inputs prepared beforehand
 * @param computeHistogram       {@code computeLatency}'s histogram, nanoseconds, compressed encoding
 * @param endToEndLatency        per-batch input tensor creation + run + output read; empty in
 *                               throughput mode
 * @param endToEndHistogram      its histogram (nanoseconds, compressed); empty bytes when absent
 * @param throughputSamplesPerS  single-stream: batch x iterations / sum of run durations; throughput
 *                               mode: batch x all calls / wall time of the timed phase; samples per second
 * @param timedSeconds           single-stream: sum of the timed run durations; throughput mode: wall time
 * @param sessionCreateMs        session construction, milliseconds
 * @param firstInferenceMs       first run after construction, milliseconds
 * @param warmupIterations       warm-up runs actually done
 * @param ciRelativeHalfWidth    final half-width of the median's 95 % CI relative to the median
 * @param throttleEvidence       see {@link DeviceState#throttleEvidence(DeviceState, DeviceState)}; empty = not throttled
 * @param inProcess              measured in the agent's JVM rather than a forked worker
 * @param layers                 per-node mean times of the profiled pass after the timed runs; empty when
 *                               it was not made or failed
 */
public record MeasurementResult(int batchSize, int intraOpThreads, int concurrency, LatencySummary computeLatency,
                          ByteString computeHistogram, Optional<LatencySummary> endToEndLatency,
                          ByteString endToEndHistogram, double throughputSamplesPerS, double timedSeconds,
                          double sessionCreateMs, double firstInferenceMs, int warmupIterations,
                          StopReason stopReason, double ciRelativeHalfWidth, String engine, String engineVersion,
                          String executionProvider, DeviceState before, DeviceState after,
                          List<String> throttleEvidence, HostProvenance host, MemoryUse memory, boolean inProcess,
                          List<LayerTime> layers) {
    /** What {@link #computeLatency()} includes. */
    public static final String COMPUTE = "compute";
    /** What {@link #endToEndLatency()} includes. */
    public static final String END_TO_END = "end_to_end";

    public MeasurementResult {
        Objects.requireNonNull(computeLatency, "computeLatency is null");
        Objects.requireNonNull(computeHistogram, "computeHistogram is null");
        Objects.requireNonNull(endToEndLatency, "endToEndLatency is null");
        Objects.requireNonNull(endToEndHistogram, "endToEndHistogram is null");
        Objects.requireNonNull(stopReason, "stopReason is null");
        Objects.requireNonNull(engine, "engine is null");
        Objects.requireNonNull(engineVersion, "engineVersion is null");
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(before, "before is null");
        Objects.requireNonNull(after, "after is null");
        throttleEvidence = List.copyOf(throttleEvidence);
        layers = List.copyOf(layers);
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(memory, "memory is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
    }

    /** Number of timed iterations (calls, in throughput mode). */
    public long iterations() {
        return computeLatency.count();
    }

    /** True when any throttling evidence was found. */
    public boolean throttled() {
        return !throttleEvidence.isEmpty();
    }

    /** The same measurement with the profiled pass's per-node times. */
    public MeasurementResult withLayers(List<LayerTime> newLayers) {
        return new MeasurementResult(batchSize, intraOpThreads, concurrency, computeLatency, computeHistogram,
                endToEndLatency, endToEndHistogram, throughputSamplesPerS, timedSeconds, sessionCreateMs,
                firstInferenceMs, warmupIterations, stopReason, ciRelativeHalfWidth, engine, engineVersion,
                executionProvider, before, after, throttleEvidence, host, memory, inProcess, newLayers);
    }

    /** The same measurement reporting {@code provider} as the execution provider(s) used. */
    public MeasurementResult withExecutionProvider(String provider) {
        return new MeasurementResult(batchSize, intraOpThreads, concurrency, computeLatency, computeHistogram,
                endToEndLatency, endToEndHistogram, throughputSamplesPerS, timedSeconds, sessionCreateMs,
                firstInferenceMs, warmupIterations, stopReason, ciRelativeHalfWidth, engine, engineVersion,
                provider, before, after, throttleEvidence, host, memory, inProcess, layers);
    }

    /** The same measurement with another memory figure and isolation flag (set by the forking parent). */
    public MeasurementResult withMemory(MemoryUse newMemory, boolean newInProcess) {
        return new MeasurementResult(batchSize, intraOpThreads, concurrency, computeLatency, computeHistogram,
                endToEndLatency, endToEndHistogram, throughputSamplesPerS, timedSeconds, sessionCreateMs,
                firstInferenceMs, warmupIterations, stopReason, ciRelativeHalfWidth, engine, engineVersion,
                executionProvider, before, after, throttleEvidence, host, newMemory, newInProcess, layers);
    }
}
