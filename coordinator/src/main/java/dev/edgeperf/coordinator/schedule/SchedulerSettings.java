package dev.edgeperf.coordinator.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * Lease policy.
 *
 * @param leaseTimeout an agent silent (no heartbeat, result or failure) this long loses its stream
 *                     and its lease; the job is queued again with attempt+1
 * @param maxAttempts  attempts a job gets when its agents keep disappearing; then it fails with the reason
 * @param shareHosts   false (the default): agents on one physical host ({@link
 *                     dev.edgeperf.coordinator.fleet.ConnectedAgent#host()}) run one job at a time between
 *                     them, so measurements never share a board; true: every agent gets its own job at once
 * @param profileMaxAge an agent's device profile calibrated or refreshed longer ago than this is stale
 *                      ({@link ProfileStaleness#age}); {@link Duration#ZERO} = never by age
 */
public record SchedulerSettings(Duration leaseTimeout, int maxAttempts, boolean shareHosts, Duration profileMaxAge) {
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final boolean DEFAULT_SHARE_HOSTS = false;
    public static final Duration DEFAULT_PROFILE_MAX_AGE = Duration.ofDays(7);
    public static final SchedulerSettings DEFAULTS = new SchedulerSettings(DEFAULT_LEASE_TIMEOUT,
            DEFAULT_MAX_ATTEMPTS, DEFAULT_SHARE_HOSTS, DEFAULT_PROFILE_MAX_AGE);

    public SchedulerSettings {
        Objects.requireNonNull(leaseTimeout, "leaseTimeout is null");
        if (leaseTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("lease timeout must be at least 100 ms, got " + leaseTimeout.toMillis()
                    + " ms");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(profileMaxAge, "profileMaxAge is null");
        if (profileMaxAge.isNegative()) {
            throw new IllegalArgumentException("profile max age must be >= 0, got " + profileMaxAge);
        }
    }

    /** The default profile age limit. */
    public SchedulerSettings(Duration leaseTimeout, int maxAttempts, boolean shareHosts) {
        this(leaseTimeout, maxAttempts, shareHosts, DEFAULT_PROFILE_MAX_AGE);
    }

    /** One job per host at a time (the default). */
    public SchedulerSettings(Duration leaseTimeout, int maxAttempts) {
        this(leaseTimeout, maxAttempts, DEFAULT_SHARE_HOSTS);
    }

    /** Agents beat three times per lease timeout (at most every 5 s), so one lost beat never costs a lease. */
    public int heartbeatIntervalMs() {
        return (int) Math.max(30, Math.min(5_000, leaseTimeout.toMillis() / 3));
    }

    /** How often silent agents are looked for. */
    public Duration reapInterval() {
        return Duration.ofMillis(Math.max(25, Math.min(1_000, leaseTimeout.toMillis() / 4)));
    }
}
