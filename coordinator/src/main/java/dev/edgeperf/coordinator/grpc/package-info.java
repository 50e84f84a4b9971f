/**
 * The coordinator's gRPC surface: join-token authentication, thin service implementations that
 * delegate to the fleet/schedule/artifact domain classes, one
 * {@link dev.edgeperf.coordinator.grpc.AgentSession} per agent stream (the wire protocol),
 * {@link dev.edgeperf.coordinator.grpc.CampaignMessages} (campaign messages to and from domain
 * records), the server wrapper (bounded inbound messages, one log line per call refused for size)
 * and the mapping of {@link dev.edgeperf.core.EdgeperfException} to {@link io.grpc.Status}.
 */
package dev.edgeperf.coordinator.grpc;
