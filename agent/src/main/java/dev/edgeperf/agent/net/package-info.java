/**
 * The agent's side of the wire contract: the AgentService stream to the coordinator, artifact fetch
 * and verification, the on-disk result spool, and the mapping of measurements to proto messages.
 */
package dev.edgeperf.agent.net;
