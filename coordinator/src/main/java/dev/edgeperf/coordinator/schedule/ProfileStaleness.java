package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.proto.AgentHello;

/**
 * Whether an agent's device profile still describes it: a calibration measured on other hardware
 * (fingerprint) or another engine version than the agent reports now is stale, and so is every
 * prediction made from it. A profile that does not say what it was measured on is taken as current.
 */
public final class ProfileStaleness {
    private ProfileStaleness() {
    }

    /** @return why the agent's calibration is stale; "" when it is current, absent or does not say */
    static String of(AgentHello hello) {
        if (!hello.hasCalibration()) {
            return "";
        }
        return reason(hello.getCalibration().getHardwareFingerprint(), hello.getHardware().getFingerprint(),
                hello.getCalibration().getEngineVersion(), hello.getEngineVersion());
    }

    /**
     * @param calibratedOn   hardware fingerprint the profile was measured on; "" = not recorded
     * @param fingerprint    the agent's fingerprint now
     * @param calibratedWith engine version the profile was measured with; "" = not recorded
     * @param engine         the agent's engine version now
     * @return why the profile is stale; "" when it is current or either side is unknown
     */
    public static String reason(String calibratedOn, String fingerprint, String calibratedWith, String engine) {
        StringBuilder why = new StringBuilder();
        if (differ(calibratedOn, fingerprint)) {
            why.append("calibrated on hardware ").append(calibratedOn.strip()).append(", agent now reports ")
                    .append(fingerprint.strip());
        }
        if (differ(calibratedWith, engine)) {
            why.append(why.isEmpty() ? "" : "; ").append("calibrated with engine ").append(calibratedWith.strip())
                    .append(", agent now runs ").append(engine.strip());
        }
        return why.toString();
    }

    private static boolean differ(String then, String now) {
        return !then.isBlank() && !now.isBlank() && !then.strip().equals(now.strip());
    }
}
