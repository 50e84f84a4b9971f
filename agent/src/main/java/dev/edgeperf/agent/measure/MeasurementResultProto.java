package dev.edgeperf.agent.measure;

import com.google.protobuf.ByteString;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HostProvenance;
import dev.edgeperf.core.stats.LatencyHistograms;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MeasurementResult} as the measurement fields of a {@code JobResult} and back: the form a
 * forked worker hands its result to the agent in, and the agent sends to the coordinator. Latency
 * summaries come back from the encoded histograms, so nothing is lost but the raw throttling
 * signals (their evidence text travels).
 */
public final class MeasurementResultProto {
    /** Separates throttle evidence items in {@code throttle_evidence}. */
    static final String EVIDENCE_SEPARATOR = "; ";

    private MeasurementResultProto() {
    }

    /** The measurement fields of a {@code JobResult}; the caller adds job id, attempt and host identity. */
    public static JobResult.Builder toProto(MeasurementResult m) {
        LatencySummary l = m.computeLatency();
        JobResult.Builder b = JobResult.newBuilder()
                .setBatchSize(m.batchSize())
                .setIntraOpThreads(m.intraOpThreads())
                .setConcurrency(m.concurrency())
                .setComputeLatency(latency(l))
                .setLatencyHistogram(m.computeHistogram())
                .setP999Ms(l.p999Ms())
                .setP50Ci95LowMs(l.medianCi95().lowMs())
                .setP50Ci95HighMs(l.medianCi95().highMs())
                .setThroughputSamplesPerS(m.throughputSamplesPerS())
                .setSessionCreateMs(m.sessionCreateMs())
                .setFirstInferenceMs(m.firstInferenceMs())
                .setWarmupIterations(m.warmupIterations())
                .setStopReason(m.stopReason().wireName())
                .setEngine(m.engine())
                .setEngineVersion(m.engineVersion())
                .setExecutionProvider(m.executionProvider())
                .addAllExecutionProvidersAvailable(m.host().executionProvidersAvailable())
                .setBefore(deviceState(m.before()))
                .setAfter(deviceState(m.after()))
                .setThrottled(m.throttled())
                .setThrottleEvidence(String.join(EVIDENCE_SEPARATOR, m.throttleEvidence()))
                .setCpuGovernor(m.host().cpuGovernor().orElse(""))
                .setWorkerPeakRssBytes(m.memory().peakRssBytes())
                .setSessionFootprintBytes(m.memory().sessionFootprintBytes())
                .setInProcess(m.inProcess())
                .addAllLayers(m.layers())
                .setProviderNodes(SessionProviders.nodesByProvider(m.layers()));
        m.endToEndLatency().ifPresent(e -> b.setEndToEndLatency(latency(e)));
        m.host().loadAverage1m().ifPresent(b::setLoadAverage1M);
        return b;
    }

    /**
     * The measurement in {@code r}.
     *
     * @param endToEndHistogram the end-to-end histogram's compressed bytes (not a {@code JobResult}
     *                          field); empty when there was none
     * @throws IllegalArgumentException when the result carries no compute histogram
     */
    public static MeasurementResult fromProto(JobResult r, ByteString endToEndHistogram) {
        if (r.getLatencyHistogram().isEmpty()) {
            throw new IllegalArgumentException("result has no latency_histogram");
        }
        LatencySummary compute = LatencySummary.from(LatencyHistograms.decode(r.getLatencyHistogram().toByteArray()),
                TimeUnit.NANOSECONDS);
        Optional<LatencySummary> e2e = endToEndHistogram.isEmpty() ? Optional.empty()
                : Optional.of(LatencySummary.from(LatencyHistograms.decode(endToEndHistogram.toByteArray()),
                TimeUnit.NANOSECONDS));
        List<String> evidence = r.getThrottleEvidence().isEmpty() ? List.of()
                : Arrays.asList(r.getThrottleEvidence().split(EVIDENCE_SEPARATOR));
        HostProvenance host = new HostProvenance(
                r.getCpuGovernor().isEmpty() ? Optional.empty() : Optional.of(r.getCpuGovernor()),
                r.hasLoadAverage1M() ? OptionalDouble.of(r.getLoadAverage1M()) : OptionalDouble.empty(),
                new ArrayList<>(r.getExecutionProvidersAvailableList()));
        double timedSeconds = r.getThroughputSamplesPerS() > 0
                ? r.getBatchSize() * (double) compute.count() / r.getThroughputSamplesPerS() : 0;
        return new MeasurementResult(r.getBatchSize(), r.getIntraOpThreads(), Math.max(1, r.getConcurrency()), compute,
                r.getLatencyHistogram(), e2e, endToEndHistogram, r.getThroughputSamplesPerS(), timedSeconds,
                r.getSessionCreateMs(), r.getFirstInferenceMs(), r.getWarmupIterations(),
                StopReason.fromWireName(r.getStopReason()), compute.medianCi95().relativeHalfWidth(compute.p50Ms()),
                r.getEngine(), r.getEngineVersion(), r.getExecutionProvider(), deviceState(r.getBefore()),
                deviceState(r.getAfter()), evidence, host,
                new MemoryUse(r.getSessionFootprintBytes(), r.getWorkerPeakRssBytes()), r.getInProcess(),
                r.getLayersList());
    }

    public static LatencyStats latency(LatencySummary s) {
        return LatencyStats.newBuilder()
                .setCount(s.count())
                .setMeanMs(s.meanMs())
                .setStdevMs(s.stdevMs())
                .setMinMs(s.minMs())
                .setP50Ms(s.p50Ms())
                .setP90Ms(s.p90Ms())
                .setP95Ms(s.p95Ms())
                .setP99Ms(s.p99Ms())
                .setMaxMs(s.maxMs())
                .build();
    }

    public static dev.edgeperf.proto.DeviceState deviceState(DeviceState d) {
        var b = dev.edgeperf.proto.DeviceState.newBuilder();
        d.cpuTempC().ifPresent(b::setCpuTempC);
        d.cpuFreqHz().ifPresent(b::setCpuFreqHz);
        return b.build();
    }

    static DeviceState deviceState(dev.edgeperf.proto.DeviceState d) {
        return new DeviceState(d.hasCpuTempC() ? OptionalDouble.of(d.getCpuTempC()) : OptionalDouble.empty(),
                d.hasCpuFreqHz() ? OptionalLong.of(d.getCpuFreqHz()) : OptionalLong.empty());
    }
}
