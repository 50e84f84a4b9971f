package dev.edgeperf.agent.net;

import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: 0.5 s doubling up to 10 s, each multiplied by a jitter factor in [0.8, 1.2) so
 * a fleet that lost its coordinator does not reconnect in lock step.
 */
final class Backoff {
    static final long INITIAL_MS = 500;
    static final long MAX_MS = 10_000;

    private final DoubleSupplier random;
    private long nextMs = INITIAL_MS;

    /** @param random uniform in [0, 1), injectable for tests */
    Backoff(DoubleSupplier random) {
        this.random = Objects.requireNonNull(random, "random is null");
    }

    /** The next delay in milliseconds. */
    long nextDelayMs() {
        long base = nextMs;
        nextMs = Math.min(MAX_MS, nextMs * 2);
        return Math.round(base * (0.8 + 0.4 * random.getAsDouble()));
    }

    /** Back to the initial delay, after a successful connection. */
    void reset() {
        nextMs = INITIAL_MS;
    }
}
