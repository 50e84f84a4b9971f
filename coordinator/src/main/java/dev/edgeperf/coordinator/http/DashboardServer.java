package dev.edgeperf.coordinator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgeperf.coordinator.analysis.LearnedCells;
import dev.edgeperf.coordinator.analysis.PredictionErrors;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.coordinator.store.StoreReader;
import dev.edgeperf.coordinator.store.StoredHistogram;
import dev.edgeperf.coordinator.store.StoredLayers;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.util.JavalinBindException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The coordinator's HTTP server (Javalin on Jetty), bound to one host only:
 * <ul>
 *   <li>{@code GET /api/agents}, {@code GET /api/campaigns}, {@code GET /api/results[?campaign=ID]}: the
 *       store's records as JSON ({@link ApiViews}; camelCase; times in Unix ms, latencies in ms,
 *       throughput in samples/s); result rows hold every {@code ResultField} by key, null where
 *       there is no value;</li>
 *   <li>{@code GET /api/schema/results}: the result fields in order (key, CSV name, type, description);</li>
 *   <li>{@code GET /api/results/{jobId}/percentiles[?p=50,99,99.9,99.99]}: any percentile of a stored
 *       result, decoded from its latency histogram ({@link LatencyPercentiles}); 404 when the job has
 *       no stored result or the result no histogram;</li>
 *   <li>{@code GET /api/campaigns/{id}/pareto[?metric=p50|p99|size&batch=N]}: quality (top-1, or fidelity
 *       without labels) vs cost per device and batch, Pareto points marked ({@code ParetoFront});
 *       {@code GET /api/campaigns/{id}/speedups[?batch=N]}: every variant's speedup over its baseline with its
 *       95 % CI ({@code Speedups}); 404 for an unknown campaign, empty lists before anything is measured;</li>
 *   <li>{@code GET /api/compare?a=ID&b=ID}: for every cell both campaigns measured, B p50 / A p50 with its 95 % CI
 *       from the stored histograms and whether it excludes 1 ({@code CampaignComparison}); 404 for an unknown
 *       campaign, 400 without both parameters;</li>
 *   <li>{@code GET /api/jobs/{jobId}/layers}: the measured per-layer times of the job's latest result, each with
 *       the MACs and predicted ms its lease stored for that graph node ({@link ApiViews#layers}); 404 for a job
 *       without a stored result;</li>
 *   <li>{@code GET /health}: {@code {"status":"ok"}}, or 503 {@code {"status":"unhealthy","store":REASON}}
 *       while the store's last transaction failed (e.g. a full disk);</li>
 *   <li>{@code GET /metrics}: Prometheus text format (HTTP request timers, JVM and process metrics);</li>
 *   <li>{@code GET /}: the dashboard page, served from {@code /edgeperf-dashboard/} on the class path.</li>
 * </ul>
 * Every error is a JSON object {@code {"error": "..."}} with a 4xx/5xx status. With a viewer token
 * ({@link ViewerAccess}) every path answers 401 and a basic-auth challenge until the token is presented.
 */
public final class DashboardServer {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    /** Class-path folder of the static dashboard assets (packaged by the {@code dashboards} module). */
    static final String ASSETS = "/edgeperf-dashboard";
    private static final String MATCHED_NANOS = "edgeperf.startNanos";
    /** Set on a request whose handler answered with its own error message. */
    private static final String EXPLAINED = "edgeperf.explained";
    /** Plenty for a dashboard polled every few seconds by a handful of people; Jetty's default is 250. */
    private static final int MAX_THREADS = 16;

    private final StoreReader data;
    private final String bindHost;
    private final int requestedPort;
    private final HttpMetrics metrics;
    private final ViewerAccess access;
    /** Key store of the HTTPS certificate; empty = plain HTTP. */
    private final Optional<KeyStore> https;
    private Javalin app;
    private boolean stopped;

    /**
     * @param data     what the API serves; called on every request, so it must be thread-safe
     * @param bindHost the only interface to listen on, e.g. {@code 127.0.0.1}
     * @param port     TCP port, {@code 0} = any free port (see {@link #port()} after {@link #start()})
     */
    public DashboardServer(StoreReader data, String bindHost, int port) {
        this(data, bindHost, port, HttpMetrics.newRegistry());
    }

    /** As above, exporting {@code registry} on {@code /metrics} so callers can add their own meters. */
    public DashboardServer(StoreReader data, String bindHost, int port, PrometheusMeterRegistry registry) {
        this(data, bindHost, port, registry, ViewerAccess.open(), Optional.empty());
    }

    /**
     * As the first constructor, answering 401 to requests that {@code access} does not permit (every path, static
     * files included) and serving HTTPS with the key and chain in {@code https} (see {@link PemKeyStore}).
     */
    public DashboardServer(StoreReader data, String bindHost, int port, ViewerAccess access,
                           Optional<KeyStore> https) {
        this(data, bindHost, port, HttpMetrics.newRegistry(), access, https);
    }

    /** The constructor above with {@code registry} exported on {@code /metrics}. */
    public DashboardServer(StoreReader data, String bindHost, int port, PrometheusMeterRegistry registry,
                           ViewerAccess access, Optional<KeyStore> https) {
        this.access = Objects.requireNonNull(access, "access is null");
        this.https = Objects.requireNonNull(https, "https is null");
        this.data = Objects.requireNonNull(data, "data is null");
        this.bindHost = Objects.requireNonNull(bindHost, "bindHost is null");
        if (bindHost.isBlank()) {
            throw EdgeperfException.userError("HTTP bind host is blank; expected an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw EdgeperfException.userError("HTTP port " + port + " is out of range; expected 0..65535 (0 = any free port)");
        }
        this.requestedPort = port;
        this.metrics = new HttpMetrics(Objects.requireNonNull(registry, "registry is null"));
    }

    /**
     * Starts listening. Throws a user error when the port is taken or the host cannot be bound, and an
     * internal error when the dashboard assets are missing from the class path.
     */
    public synchronized void start() {
        if (app != null || stopped) {
            throw new IllegalStateException("DashboardServer can be started once; create a new one after stop()");
        }
        if (DashboardServer.class.getResource(ASSETS + "/index.html") == null) {
            throw EdgeperfException.internal("dashboard assets " + ASSETS + "/index.html are not on the class path"
                    + " (edgeperf-dashboards jar missing from lib/?)", null);
        }
        QuietLogging.apply();
        Javalin created = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false;
            config.jsonMapper(new JavalinJackson(objectMapper(), false));
            config.jetty.threadPool = threadPool();
            config.http.defaultContentType = "application/json";
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = ASSETS;
                files.location = Location.CLASSPATH;
                // The page polls the API; stale JS after an upgrade would show wrong columns.
                files.headers = Map.of("Cache-Control", "no-cache");
            });
            https.ifPresent(keys -> config.jetty.addConnector((server, httpConfig) -> httpsConnector(server,
                    httpConfig, keys)));
            routes(config.routes); // Javalin 7 takes routes in the config only
        });
        try {
            created.start(bindHost, requestedPort);
        } catch (JavalinBindException e) {
            safeStop(created);
            throw bindFailure(e);
        } catch (RuntimeException e) {
            safeStop(created);
            if (hasCause(e, java.net.BindException.class) || hasCause(e, JavalinBindException.class)) {
                throw bindFailure(e);
            }
            throw new EdgeperfException(ErrorCategory.EXTERNAL,
                    "HTTP server cannot start on " + bindHost + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        app = created;
        LOG.info("dashboard on {}://{}:{}/{}", https.isPresent() ? "https" : "http", bindHost, port(),
                access.isOpen() ? "" : " (viewer token required)");
    }

    /** The port actually bound; only meaningful after {@link #start()}. */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("DashboardServer not started");
        }
        return app.port();
    }

    /** Registry behind {@code /metrics}, for callers that want to add coordinator meters. */
    public PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** Stops the server; idempotent. A stopped server cannot be started again. */
    public synchronized void stop() {
        if (app != null) {
            safeStop(app);
            app = null;
        }
        if (!stopped) {
            stopped = true;
            metrics.close();
        }
    }

    private void routes(JavalinDefaultRoutingApi javalin) {
        javalin.before(ctx -> {
            ctx.attribute(MATCHED_NANOS, System.nanoTime());
            if (!access.permits(ctx.header("Authorization"))) {
                ctx.header("WWW-Authenticate", ViewerAccess.CHALLENGE);
                throw new UnauthorizedResponse("this dashboard needs the viewer token: send 'Authorization: Bearer"
                        + " TOKEN', or basic auth with any user name and the token as the password");
            }
        });
        javalin.get("/health", ctx -> data.health().failure().ifPresentOrElse(
                reason -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", "unhealthy", "store", reason)),
                () -> ctx.json(Map.of("status", "ok"))));
        javalin.get("/api/agents", ctx -> ctx.json(data.agents().stream().map(ApiViews::agent).toList()));
        javalin.get("/api/campaigns", ctx -> ctx.json(data.campaigns().stream().map(ApiViews::campaign).toList()));
        javalin.get("/api/schema/results", ctx -> ctx.json(ApiViews.resultSchema()));
        javalin.get("/api/results", this::results);
        javalin.get("/api/results/{jobId}/percentiles", this::percentiles);
        javalin.get("/api/campaigns/{id}/pareto", this::pareto);
        javalin.get("/api/campaigns/{id}/speedups", this::speedups);
        javalin.get("/api/campaigns/{id}/analysis", this::analysis);
        javalin.get("/api/compare", this::compare);
        javalin.get("/api/jobs/{jobId}/layers", this::layers);
        javalin.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        javalin.error(HttpStatus.NOT_FOUND.getCode(), ctx -> {
            if (ctx.attribute(EXPLAINED) == null) { // an endpoint's own 404 keeps its message
                ctx.json(error("no such endpoint: " + ctx.method() + " " + ctx.path()));
            }
        });
        javalin.exception(EdgeperfException.class, (e, ctx) -> {
            boolean user = e.category() == ErrorCategory.USER_ERROR;
            if (!user) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
            }
            ctx.status(user ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR).json(error(e.getMessage()));
        });
        javalin.exception(io.javalin.http.HttpResponseException.class, (e, ctx) ->
                ctx.status(e.getStatus()).json(error(e.getMessage())));
        javalin.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(error("internal error: " + e));
        });
        javalin.after(ctx -> {
            Long started = ctx.attribute(MATCHED_NANOS);
            long elapsed = started == null ? 0 : System.nanoTime() - started;
            metrics.recordRequest(ctx.method().name(), routeOf(ctx), ctx.statusCode(), elapsed);
        });
    }

    private void results(Context ctx) {
        String campaign = ctx.queryParam("campaign");
        if (campaign != null && campaign.isBlank()) {
            throw EdgeperfException.userError("query parameter campaign is blank; expected a campaign id or no parameter");
        }
        ctx.json(data.results(Optional.ofNullable(campaign)).stream().map(ApiViews::result).toList());
    }

    private void pareto(Context ctx) {
        var metric = dev.edgeperf.coordinator.review.ParetoFront.Metric.parse(
                Optional.ofNullable(ctx.queryParam("metric")).orElse("p50"));
        Integer batch = batchParam(ctx);
        campaignRows(ctx).ifPresent(rows -> ctx.json(rows.hasMeasurements()
                ? dev.edgeperf.coordinator.review.ParetoFront.of(rows, metric, null, batch).toJson()
                : new dev.edgeperf.coordinator.review.ParetoFront(rows.campaignId(), metric, "top1", List.of()).toJson()));
    }

    private void speedups(Context ctx) {
        Integer batch = batchParam(ctx);
        campaignRows(ctx).ifPresent(rows -> ctx.json(dev.edgeperf.coordinator.review.Speedups.of(rows, batch).toJson()));
    }

    private static Integer batchParam(Context ctx) {
        String b = ctx.queryParam("batch");
        if (b == null || b.isBlank()) {
            return null;
        }
        try {
            int v = Integer.parseInt(b.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw EdgeperfException.userError("query parameter batch is '" + b + "'; expected an integer >= 1");
    }

    private void compare(Context ctx) {
        String a = ctx.queryParam("a");
        String b = ctx.queryParam("b");
        if (a == null || a.isBlank() || b == null || b.isBlank()) {
            throw EdgeperfException.userError("query parameters a and b must both name a campaign id, got a="
                    + (a == null ? "(none)" : "'" + a + "'") + " b=" + (b == null ? "(none)" : "'" + b + "'"));
        }
        campaignRows(ctx, a).ifPresent(rowsA -> campaignRows(ctx, b).ifPresent(rowsB -> ctx.json(
                dev.edgeperf.coordinator.review.CampaignComparison.of(rowsA, rowsB).toJson())));
    }

    private Optional<dev.edgeperf.coordinator.review.CampaignRows> campaignRows(Context ctx) {
        return campaignRows(ctx, ctx.pathParam("id"));
    }

    /** The campaign's rows with their histograms; a 404 answered when the campaign is unknown. */
    private Optional<dev.edgeperf.coordinator.review.CampaignRows> campaignRows(Context ctx, String id) {
        if (data.campaigns().stream().noneMatch(c -> c.id().equals(id))) {
            notFound(ctx, "no campaign '" + id + "'");
            return Optional.empty();
        }
        List<dev.edgeperf.coordinator.store.ResultRecord> rows = data.results(Optional.of(id));
        Map<String, byte[]> histograms = new java.util.LinkedHashMap<>();
        for (var r : rows) {
            if (r.state() == dev.edgeperf.coordinator.store.JobState.DONE) {
                String job = r.text(dev.edgeperf.coordinator.store.ResultField.JOB_ID);
                data.latencyHistogram(job).filter(h -> h.compressed().length > 0)
                        .ifPresent(h -> histograms.put(job, h.compressed()));
            }
        }
        return Optional.of(new dev.edgeperf.coordinator.review.CampaignRows(id, rows, histograms));
    }

    private void layers(Context ctx) {
        String jobId = ctx.pathParam("jobId");
        Optional<StoredLayers> stored = data.layers(jobId);
        if (stored.isEmpty()) {
            notFound(ctx, "job '" + jobId + "' has no stored result");
            return;
        }
        ctx.json(ApiViews.layers(stored.get()));
    }

    private void analysis(Context ctx) {
        String id = ctx.pathParam("id");
        if (data.campaigns().stream().noneMatch(c -> c.id().equals(id))) {
            notFound(ctx, "no campaign has the id '" + id + "'");
            return;
        }
        List<ResultRecord> rows = data.results(Optional.of(id));
        PredictionErrors errors = PredictionErrors.of(id, rows, data.opTypeShares(id),
                LearnedCells.deviceHistory(rows, data::deviceResults));
        if (!errors.hasCells()) {
            notFound(ctx, "campaign " + id + " has no measured result with a stored prediction to analyze ("
                    + errors.rows() + " rows, " + errors.measured() + " measured)");
            return;
        }
        ctx.json(errors.toMap());
    }

    private void percentiles(Context ctx) {
        String jobId = ctx.pathParam("jobId");
        List<Double> ps = LatencyPercentiles.parse(ctx.queryParam("p"));
        Optional<StoredHistogram> stored = data.latencyHistogram(jobId);
        if (stored.isEmpty()) {
            notFound(ctx, "job '" + jobId + "' has no stored result");
            return;
        }
        String which = "the result of job " + jobId + " attempt " + stored.get().attempt();
        if (stored.get().compressed().length == 0) {
            notFound(ctx, which + " has no stored latency histogram");
            return;
        }
        Optional<LatencyPercentiles> answer;
        try {
            answer = LatencyPercentiles.of(stored.get(), ps);
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.internal("the stored latency histogram of " + which + " cannot be decoded: "
                    + e.getMessage(), e);
        }
        if (answer.isEmpty()) {
            notFound(ctx, "the latency histogram of " + which + " holds no latencies");
            return;
        }
        ctx.json(answer.get());
    }

    private static void notFound(Context ctx, String message) {
        ctx.attribute(EXPLAINED, Boolean.TRUE);
        ctx.status(HttpStatus.NOT_FOUND).json(error(message));
    }

    private static String routeOf(Context ctx) {
        // No HTTP endpoint matched for static files and 404s.
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint != null && endpoint.path.startsWith("/")) {
            return endpoint.path;
        }
        return ctx.statusCode() == HttpStatus.NOT_FOUND.getCode() ? "unmatched" : "static";
    }

    static Map<String, String> error(String message) {
        return Map.of("error", message == null ? "unknown error" : message);
    }

    static ObjectMapper objectMapper() {
        return JavalinJackson.defaultMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private ServerConnector httpsConnector(Server server, HttpConfiguration httpConfig, KeyStore keys) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keys);
        ssl.setKeyStorePassword(PemKeyStore.PASSWORD);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(httpConfig));
        connector.setHost(bindHost);
        connector.setPort(requestedPort);
        return connector;
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        pool.setName("edgeperf-http");
        pool.setDaemon(true);
        return pool;
    }

    private EdgeperfException bindFailure(Exception e) {
        return new EdgeperfException(ErrorCategory.USER_ERROR,
                "HTTP port " + requestedPort + " on " + bindHost + " is already in use", e);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void safeStop(Javalin javalin) {
        try {
            javalin.stop();
        } catch (RuntimeException e) {
            LOG.debug("stopping HTTP server failed", e);
        }
    }
}
