/**
 * The coordinator's gRPC surface: join-token authentication, thin service implementations that
 * delegate to the fleet/schedule/artifact domain classes, the server wrapper and the mapping of
 * {@link dev.edgeperf.core.EdgeperfException} to {@link io.grpc.Status}.
 */
package dev.edgeperf.coordinator.grpc;
