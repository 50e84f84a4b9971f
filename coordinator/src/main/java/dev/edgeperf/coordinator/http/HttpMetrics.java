package dev.edgeperf.coordinator.http;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Objects;

/**
 * Micrometer meters of the HTTP layer: one timer per (method, route, status) plus the standard JVM and
 * process binders, exposed in the Prometheus text format.
 */
final class HttpMetrics implements AutoCloseable {
    /** Prometheus name {@code edgeperf_http_requests_seconds_{count,sum,max}}. */
    static final String REQUESTS = "edgeperf.http.requests";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    HttpMetrics(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry is null");
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Records one finished request. {@code route} must be a route template or a fixed bucket name
     * ("static", "unmatched"), never the raw path, so that scanners cannot blow up the series count.
     */
    void recordRequest(String method, String route, int status, long elapsedNanos) {
        Timer.builder(REQUESTS)
                .description("HTTP requests served by the coordinator")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(Duration.ofNanos(Math.max(0, elapsedNanos)));
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
    }
}
