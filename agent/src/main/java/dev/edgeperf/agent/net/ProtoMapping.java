package dev.edgeperf.agent.net;

import dev.edgeperf.agent.measure.Measurement;
import dev.edgeperf.agent.measure.MeasurementSettings;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.core.stats.LatencySummary;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;

/** Maps agent values to and from the wire contract's messages. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    public static Hardware hardware(HardwareInfo h) {
        return Hardware.newBuilder()
                .setCpuModel(h.cpuModel())
                .setPhysicalCores(h.physicalCores())
                .setLogicalCores(h.logicalCores())
                .setMaxFreqHz(h.maxFreqHz())
                .setMemoryBytes(h.memoryBytes())
                .setOs(h.os())
                .setArch(h.arch())
                .addAllIsaFeatures(h.isaFeatures())
                .setPeakGflopsFp32(h.peakGflopsFp32())
                .setPeakBasis(h.peakBasis())
                .setBoard(h.board())
                .setFingerprint(h.fingerprint())
                .setHostname(h.hostname())
                .setJvm(h.jvm())
                .build();
    }

    /** The job's settings with zero fields replaced by the agent's defaults. */
    public static MeasurementSettings settings(JobAssignment job) {
        var s = job.getSettings();
        return MeasurementSettings.withDefaults(s.getWarmupIterations(), s.getMinIterations(),
                s.getMinDurationMs(), s.getMaxDurationMs());
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

    public static JobResult result(JobAssignment job, Measurement m, HardwareInfo hw, String agentVersion,
                                   long finishedUnixMs) {
        return JobResult.newBuilder()
                .setJobId(job.getJobId())
                .setAttempt(job.getAttempt())
                .setBatchSize(m.batchSize())
                .setIntraOpThreads(m.intraOpThreads())
                .setComputeLatency(latency(m.computeLatency()))
                .setThroughputSamplesPerS(m.throughputSamplesPerS())
                .setSessionCreateMs(m.sessionCreateMs())
                .setFirstInferenceMs(m.firstInferenceMs())
                .setWarmupIterations(m.warmupIterations())
                .setStopReason(m.stopReason().wireName())
                .setEngine(m.engine())
                .setEngineVersion(m.engineVersion())
                .setExecutionProvider(m.executionProvider())
                .setJvm(hw.jvm())
                .setAgentVersion(agentVersion)
                .setHardwareFingerprint(hw.fingerprint())
                .setBefore(deviceState(m.before()))
                .setAfter(deviceState(m.after()))
                .setThrottled(m.throttled())
                .setFinishedUnixMs(finishedUnixMs)
                .build();
    }
}
