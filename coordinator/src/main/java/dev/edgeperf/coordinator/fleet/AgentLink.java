package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.proto.CoordinatorMessage;

/** The coordinator's end of one agent's stream. Implementations must allow calls from any thread. */
public interface AgentLink {
    /** Sends one message; a failure to send is reported by the stream closing, not by an exception. */
    void send(CoordinatorMessage message);

    /**
     * Ends the stream from the coordinator's side with a reason (e.g. its lease expired); the agent
     * sees UNAVAILABLE and reconnects. The default does nothing (test fakes).
     */
    default void close(String reason) {
    }
}
