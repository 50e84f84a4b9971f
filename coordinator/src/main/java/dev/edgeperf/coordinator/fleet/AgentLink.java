package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.coordinator.store.CommitOutcome;
import dev.edgeperf.coordinator.store.LeasedJob;

/**
 * The coordinator's end of one agent's stream, in domain terms; the gRPC side turns each call into
 * its wire message. Implementations must allow calls from any thread, and report a failure to send
 * by the stream closing, never by an exception.
 */
public interface AgentLink {
    /** The agent is registered under {@code agentId} and should beat every {@code heartbeatIntervalMs}. */
    void welcome(String agentId, int heartbeatIntervalMs);

    /** The agent now holds {@code job} at its attempt and should measure it. */
    void assign(LeasedJob job);

    /**
     * What became of a result the agent sent; every outcome lets it drop its spooled copy.
     *
     * @param message one line for the agent's log, e.g. why a result was not stored
     */
    void acknowledge(String jobId, int attempt, CommitOutcome outcome, String message);

    /**
     * Ends the stream from the coordinator's side with a reason (e.g. its lease expired); the agent
     * sees UNAVAILABLE and reconnects. The default does nothing (test fakes).
     */
    default void close(String reason) {
    }
}
