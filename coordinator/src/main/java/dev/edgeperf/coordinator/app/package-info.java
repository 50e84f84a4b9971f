/**
 * Wires a running coordinator together (store, artifacts, fleet, scheduler, gRPC and HTTP servers)
 * for {@code serve} and {@code demo}, and manages the join token file.
 */
package dev.edgeperf.coordinator.app;
