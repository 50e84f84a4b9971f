package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;

/** Work was submitted while no agent is connected (gRPC FAILED_PRECONDITION). */
public final class NoAgentConnectedException extends EdgeperfException {
    public NoAgentConnectedException() {
        super(ErrorCategory.INSUFFICIENT_RESOURCES, "no agent is connected to the coordinator");
    }
}
