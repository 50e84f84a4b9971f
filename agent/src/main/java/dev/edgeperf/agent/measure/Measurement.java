package dev.edgeperf.agent.measure;

import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.core.stats.LatencySummary;
import java.util.Objects;

/**
 * The result of measuring one configuration: everything a {@code JobResult} needs.
 *
 * @param intraOpThreads         threads the session used (the engine default resolved to a number)
 * @param computeLatency         per-batch {@code session.run} latency, inputs prepared beforehand
 * @param throughputSamplesPerS  batch x iterations / sum of the timed run durations, samples per second
 * @param timedSeconds           sum of the timed run durations, seconds
 * @param sessionCreateMs        session construction, milliseconds
 * @param firstInferenceMs       first run after construction, milliseconds
 * @param throttled              see {@link DeviceState#throttled(DeviceState, DeviceState)}
 */
public record Measurement(int batchSize, int intraOpThreads, LatencySummary computeLatency,
                          double throughputSamplesPerS, double timedSeconds, double sessionCreateMs,
                          double firstInferenceMs, int warmupIterations, StopReason stopReason, String engine,
                          String engineVersion, String executionProvider, DeviceState before, DeviceState after,
                          boolean throttled) {
    public Measurement {
        Objects.requireNonNull(computeLatency, "computeLatency is null");
        Objects.requireNonNull(stopReason, "stopReason is null");
        Objects.requireNonNull(engine, "engine is null");
        Objects.requireNonNull(engineVersion, "engineVersion is null");
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(before, "before is null");
        Objects.requireNonNull(after, "after is null");
    }

    /** Number of timed iterations. */
    public long iterations() {
        return computeLatency.count();
    }
}
