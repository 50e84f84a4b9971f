package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;

/**
 * Whether an agent's device profile still describes it: a calibration measured on other hardware
 * (fingerprint) or another engine version than the agent reports now is stale, and so is every
 * prediction made from it. A profile that does not say what it was measured on is taken as current.
 */
final class ProfileStaleness {
    private ProfileStaleness() {
    }

    /** @return why the agent's calibration is stale; "" when it is current, absent or does not say */
    static String of(AgentHello hello) {
        if (!hello.hasCalibration()) {
            return "";
        }
        Calibration c = hello.getCalibration();
        String fingerprint = hello.getHardware().getFingerprint().strip();
        String measuredOn = c.getHardwareFingerprint().strip();
        StringBuilder why = new StringBuilder();
        if (!measuredOn.isEmpty() && !fingerprint.isEmpty() && !measuredOn.equals(fingerprint)) {
            why.append("calibrated on hardware ").append(measuredOn).append(", agent now reports ").append(fingerprint);
        }
        String engine = hello.getEngineVersion().strip();
        String measuredWith = c.getEngineVersion().strip();
        if (!measuredWith.isEmpty() && !engine.isEmpty() && !measuredWith.equals(engine)) {
            why.append(why.isEmpty() ? "" : "; ").append("calibrated with engine ").append(measuredWith)
                    .append(", agent now runs ").append(engine);
        }
        return why.toString();
    }
}
