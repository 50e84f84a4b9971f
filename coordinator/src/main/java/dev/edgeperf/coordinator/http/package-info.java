/**
 * The coordinator's HTTP face: a read-only JSON API over {@link dev.edgeperf.coordinator.http.DashboardData},
 * Prometheus {@code /metrics}, and the static dashboard page packaged in the {@code dashboards} jar.
 */
package dev.edgeperf.coordinator.http;
