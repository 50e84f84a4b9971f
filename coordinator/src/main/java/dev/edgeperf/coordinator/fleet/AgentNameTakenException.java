package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;

/** A second live agent tried to connect under a name that is already connected (gRPC ALREADY_EXISTS). */
public final class AgentNameTakenException extends EdgeperfException {
    public AgentNameTakenException(String name) {
        super(ErrorCategory.USER_ERROR, "agent name '" + name + "' is already connected");
    }
}
