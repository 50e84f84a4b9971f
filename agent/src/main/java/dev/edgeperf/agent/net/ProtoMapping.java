package dev.edgeperf.agent.net;

import dev.edgeperf.agent.measure.Measurement;
import dev.edgeperf.agent.measure.MeasurementProto;
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

    /** The job's settings with zero counts and durations replaced by the agent's defaults. */
    public static MeasurementSettings settings(JobAssignment job) {
        var s = job.getSettings();
        return MeasurementSettings.withDefaults(s.getWarmupIterations(), s.getMinIterations(),
                s.getMinDurationMs(), s.getMaxDurationMs(), s.getTargetCiHalfWidth(), s.getWarmupUntilStable());
    }

    /** The job's concurrency: 0 and 1 are single-stream. */
    public static int concurrency(JobAssignment job) {
        return Math.max(1, job.getSettings().getConcurrency());
    }

    public static LatencyStats latency(LatencySummary s) {
        return MeasurementProto.latency(s);
    }

    public static dev.edgeperf.proto.DeviceState deviceState(DeviceState d) {
        return MeasurementProto.deviceState(d);
    }

    public static JobResult result(JobAssignment job, Measurement m, HardwareInfo hw, String agentVersion,
                                   long finishedUnixMs) {
        return MeasurementProto.toProto(m)
                .setJobId(job.getJobId())
                .setAttempt(job.getAttempt())
                .setJvm(hw.jvm())
                .setAgentVersion(agentVersion)
                .setHardwareFingerprint(hw.fingerprint())
                .setFinishedUnixMs(finishedUnixMs)
                .build();
    }
}
