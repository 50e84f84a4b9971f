package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.schedule.ProfileStaleness;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.DevicePeaks;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.Calibration;

/** The device profile of an agent the coordinator knows ({@code models predict --device NAME}). */
final class AgentProfiles {
    private AgentProfiles() {
    }

    /** @throws EdgeperfException USER_ERROR when the agent never sent a calibration */
    static DevicePeaks peaks(AgentInfo agent) {
        if (!agent.hasCalibration() || !(agent.getCalibration().getMatmulGflops() > 0)) {
            throw EdgeperfException.userError("--device " + agent.getName() + ": the agent never sent a device profile;"
                    + " run `scripts/agent calibrate` on it and restart it, or pass --device-profile FILE");
        }
        Calibration c = agent.getCalibration();
        return new DevicePeaks(Math.max(0, agent.getHardware().getPeakGflopsFp32()), Math.max(0, c.getMatmulGflops()),
                Math.max(0, c.getConvGflops()), Math.max(0, c.getMemoryGbPerS()), Math.max(0, c.getCallOverheadUs()),
                Math.max(0, c.getNodeOverheadUs()), Math.max(0, c.getThreads()));
    }

    /** Why the agent's profile is stale against its current hardware and engine; "" when current or unknown. */
    static String staleReason(AgentInfo agent) {
        Calibration c = agent.getCalibration();
        return ProfileStaleness.reason(c.getHardwareFingerprint(), agent.getHardware().getFingerprint(),
                c.getEngineVersion(), agent.getEngineVersion());
    }
}
