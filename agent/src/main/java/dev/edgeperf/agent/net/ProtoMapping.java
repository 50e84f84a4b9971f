package dev.edgeperf.agent.net;

import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.MeasurementResultProto;
import dev.edgeperf.agent.probe.DeviceState;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.core.measure.MeasurementSettings;
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

    /**
     * The job's settings, read by the one rule every side shares
     * ({@link MeasurementSettings#fromProto}): an absent or empty message takes the defaults.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR naming the field out of range
     */
    public static MeasurementSettings settings(JobAssignment job) {
        return MeasurementSettings.fromProto(job.hasSettings() ? job.getSettings() : null);
    }

    public static LatencyStats latency(LatencySummary s) {
        return MeasurementResultProto.latency(s);
    }

    public static dev.edgeperf.proto.DeviceState deviceState(DeviceState d) {
        return MeasurementResultProto.deviceState(d);
    }

    public static JobResult result(JobAssignment job, MeasurementResult m, HardwareInfo hw, String agentVersion,
                                   long finishedUnixMs) {
        return MeasurementResultProto.toProto(m)
                .setJobId(job.getJobId())
                .setAttempt(job.getAttempt())
                .setJvm(hw.jvm())
                .setAgentVersion(agentVersion)
                .setHardwareFingerprint(hw.fingerprint())
                .setFinishedUnixMs(finishedUnixMs)
                .build();
    }
}
