package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;

/**
 * A second live agent tried to connect under a name that is already connected (gRPC ALREADY_EXISTS).
 * The first keeps its stream; the second is refused, and a new agent exits with this message, while
 * an agent reconnecting after a network cut retries until its old stream is gone (lease timeout).
 */
public final class AgentNameTakenException extends EdgeperfException {
    public AgentNameTakenException(String name) {
        super(ErrorCategory.USER_ERROR, "agent name '" + name + "' is already connected; give the second agent"
                + " another --name");
    }
}
