package dev.edgeperf.coordinator.store;

import java.util.Optional;

/**
 * Whether the store's last transaction succeeded. A failed write (a full disk, a database the
 * engine closed after an I/O error) makes the coordinator unhealthy: it refuses new campaigns with
 * one line, answers agents' results with "retry later" so they stay in the agents' spools, and
 * reports it on {@code /health}; the first transaction that succeeds again makes it healthy.
 */
public final class StoreHealth {
    private volatile String failure;

    /** Empty when healthy, else the one-line reason of the last failed transaction. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public boolean healthy() {
        return failure == null;
    }

    void failed(String reason) {
        failure = reason;
    }

    void succeeded() {
        failure = null;
    }
}
