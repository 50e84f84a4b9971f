/**
 * The coordinator's HTTP face: a read-only JSON API over the store's records ({@link dev.edgeperf.coordinator.store.StoreReader}),
 * Prometheus {@code /metrics}, and the static dashboard page packaged in the {@code dashboards} jar.
 */
package dev.edgeperf.coordinator.http;
