package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.proto.AgentHello;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether an agent's device profile still describes it: a calibration measured on other hardware
 * (fingerprint) or another engine version than the agent reports now is stale, and so is every
 * prediction made from it. A profile that does not say what it was measured on is taken as current.
 * So is, past a limit, an old one ({@link #age}): a device's speed drifts (a shared 2-core VM ran the
 * bench's networks 14-25 % slower two days after its calibration, and predictions from that profile
 * went from 65 % to 22 % within 10 %), and a refresh ({@code agent calibrate --refresh}) re-measures it.
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

    /**
     * @param measuredUnixMs when the profile was calibrated or last refreshed; 0 = not recorded
     * @param nowUnixMs      the time now
     * @param maxAge         older than this is stale; {@link Duration#ZERO} = never by age
     * @return why the profile is stale by its age, with the remedy; "" when it is not or its time is unknown
     */
    public static String age(long measuredUnixMs, long nowUnixMs, Duration maxAge) {
        if (measuredUnixMs <= 0 || maxAge.isZero() || nowUnixMs - measuredUnixMs <= maxAge.toMillis()) {
            return "";
        }
        return String.format(Locale.ROOT, "measured %s ago, more than the %s limit (--profile-max-age); the"
                + " device's speed may have drifted since: refresh it with `scripts/agent calibrate --refresh`"
                + " or `scripts/agent run --refresh-calibration 30s --refresh-every 6h`",
                days(nowUnixMs - measuredUnixMs), days(maxAge.toMillis()));
    }

    /** Both reasons, "; "-joined; either may be "". */
    public static String both(String first, String second) {
        return first.isEmpty() ? second : second.isEmpty() ? first : first + "; " + second;
    }

    /** "9.2 days", "1 day", "6.0 hours". */
    private static String days(long ms) {
        double days = ms / 86_400_000.0;
        if (days < 1) {
            return String.format(Locale.ROOT, "%.1f hours", ms / 3_600_000.0);
        }
        return days == Math.rint(days) ? String.format(Locale.ROOT, "%d day%s", (long) days, days == 1 ? "" : "s")
                : String.format(Locale.ROOT, "%.1f days", days);
    }

    private static boolean differ(String then, String now) {
        return !then.isBlank() && !now.isBlank() && !then.strip().equals(now.strip());
    }
}
