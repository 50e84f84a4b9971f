package dev.edgeperf.coordinator.app;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.grpc.AgentServiceImpl;
import dev.edgeperf.coordinator.grpc.ArtifactServiceImpl;
import dev.edgeperf.coordinator.grpc.CampaignServiceImpl;
import dev.edgeperf.coordinator.grpc.ConnectionFailureLog;
import dev.edgeperf.coordinator.grpc.CoordinatorGrpcServer;
import dev.edgeperf.coordinator.grpc.TokenAuthInterceptor;
import dev.edgeperf.coordinator.http.DashboardServer;
import dev.edgeperf.coordinator.http.PemKeyStore;
import dev.edgeperf.coordinator.http.ViewerAccess;
import dev.edgeperf.coordinator.schedule.CampaignPlanner;
import dev.edgeperf.coordinator.schedule.Campaigns;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.coordinator.schedule.VariantPreparation;
import dev.edgeperf.coordinator.schedule.VariantProfiles;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.KeyStore;
import java.util.Optional;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.NaivePredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running coordinator: database migrated, gRPC and HTTP servers listening. */
public final class CoordinatorRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRuntime.class);

    private final CoordinatorConfig config;
    private final DataSource dataSource;
    private final Store store;
    private final FleetRegistry fleet;
    private final Campaigns campaigns;
    private final String joinToken;
    private final CoordinatorGrpcServer grpc;
    private final DashboardServer http;
    private final ScheduledExecutorService reaper;
    private final ExecutorService grpcExecutor;
    private final DataDirLock lock;
    /** Threads serving gRPC calls; handlers only touch memory and the database, never wait on agents. */
    static final int GRPC_THREADS = 16;

    private CoordinatorRuntime(CoordinatorConfig config, DataSource dataSource, Store store, FleetRegistry fleet,
                               Campaigns campaigns, String joinToken, CoordinatorGrpcServer grpc,
                               DashboardServer http, ScheduledExecutorService reaper, ExecutorService grpcExecutor,
                               DataDirLock lock) {
        this.lock = lock;
        this.reaper = reaper;
        this.grpcExecutor = grpcExecutor;
        this.config = config;
        this.dataSource = dataSource;
        this.store = store;
        this.fleet = fleet;
        this.campaigns = campaigns;
        this.joinToken = joinToken;
        this.grpc = grpc;
        this.http = http;
    }

    /**
     * Migrates the database, writes/reads the join token and starts both servers; on any failure,
     * whatever was started is stopped again before the exception leaves.
     *
     * @throws EdgeperfException USER_ERROR naming the holder when another coordinator holds the data folder
     */
    public static CoordinatorRuntime start(CoordinatorConfig config) {
        Path dataDir = config.dataDir();
        // the operator's files are checked before anything in the data folder changes
        Optional<String> operatorViewerToken = config.dashboard().viewerTokenFile().map(ViewerToken::readPrivate);
        Optional<KeyStore> https = httpsKeys(config);
        // First of all: a second coordinator must not touch the token, the database or the agents' rows.
        DataDirLock lock = DataDirLock.acquire(dataDir);
        String token;
        DataSource dataSource;
        try {
            token = JoinToken.loadOrCreate(dataDir);
            dataSource = Database.open(config.jdbcUrl().orElse(Database.defaultUrl(dataDir)));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        CoordinatorGrpcServer grpc = null;
        DashboardServer http = null;
        ScheduledExecutorService reaper = null;
        ExecutorService grpcExecutor = null;
        try {
            Database.migrate(dataSource);
            Store store = new Store(dataSource, Clock.systemUTC());
            store.resetAfterRestart(config.scheduler().maxAttempts());
            ArtifactStore artifacts = new ArtifactStore(dataDir.resolve("artifacts"));
            FleetRegistry fleet = new FleetRegistry();
            JobScheduler scheduler = new JobScheduler(store, fleet, config.scheduler(), System::nanoTime,
                    new NaivePredictor(), VariantProfiles.of(artifacts, 64));
            Campaigns campaigns = new Campaigns(store, fleet, scheduler, new CampaignPlanner(),
                    new VariantPreparation(artifacts));
            NettyServerBuilder builder = NettyServerBuilder.forAddress(
                    new InetSocketAddress(config.bindHost(), config.grpcPort()));
            config.tls().ifPresent(tls -> useTls(builder, tls));
            // garbage on the port: one WARN line per peer a minute instead of a stack trace per connection
            ConnectionFailureLog.install(builder);
            // A bounded pool: with a thousand agents, gRPC's default cached pool runs a thread per busy
            // stream and they all fight (unfairly) over the ten database connections; a fixed pool
            // queues the work in arrival order instead.
            grpcExecutor = Executors.newFixedThreadPool(GRPC_THREADS, r -> {
                Thread t = new Thread(r, "edgeperf-grpc");
                t.setDaemon(true);
                return t;
            });
            builder.executor(grpcExecutor);
            // Agents may ping to keep NAT/firewall state alive; a dead peer is found by leases anyway.
            builder.permitKeepAliveTime(5, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                    .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS);
            grpc = new CoordinatorGrpcServer(builder,
                    new TokenAuthInterceptor(token),
                    List.of(new AgentServiceImpl(scheduler, artifacts), new ArtifactServiceImpl(artifacts),
                            new CampaignServiceImpl(campaigns)),
                    "gRPC port " + config.grpcPort() + " on " + config.bindHost());
            grpc.start();
            Optional<String> viewerToken = operatorViewerToken.isPresent() || isLoopback(config.httpBindHost())
                    ? operatorViewerToken : Optional.of(ViewerToken.loadOrCreate(dataDir));
            http = new DashboardServer(store, config.httpBindHost(), config.httpPort(),
                    viewerToken.map(ViewerAccess::token).orElse(ViewerAccess.open()), https);
            http.start();
            reaper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "edgeperf-lease-reaper");
                t.setDaemon(true);
                return t;
            });
            long every = config.scheduler().reapInterval().toMillis();
            reaper.scheduleWithFixedDelay(() -> {
                try {
                    store.probeHealthIfFailed();
                    scheduler.expireSilentAgents();
                } catch (RuntimeException e) {
                    LOG.warn("lease check failed: {}", e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            lock.describe(config.bindHost() + ":" + grpc.port(), config.httpBindHost() + ":" + http.port());
            return new CoordinatorRuntime(config, dataSource, store, fleet, campaigns, token, grpc, http, reaper,
                    grpcExecutor, lock);
        } catch (RuntimeException e) {
            if (reaper != null) {
                reaper.shutdownNow();
            }
            if (grpcExecutor != null) {
                grpcExecutor.shutdownNow();
            }
            if (http != null) {
                http.stop();
            }
            if (grpc != null) {
                grpc.stop();
            }
            Database.close(dataSource);
            lock.close();
            throw e;
        }
    }

    private static Optional<KeyStore> httpsKeys(CoordinatorConfig config) {
        if (!config.dashboard().https()) {
            return Optional.empty();
        }
        CoordinatorConfig.Tls tls = config.tls().orElseThrow(() -> EdgeperfException.userError(
                "--http-tls serves the dashboard with the gRPC certificate; give --tls-cert and --tls-key too"));
        checkReadable(tls);
        return Optional.of(PemKeyStore.load(tls.certChain(), tls.privateKey()));
    }

    /** Loopback names and addresses; a name that does not resolve is not loopback (so it needs the token). */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkReadable(CoordinatorConfig.Tls tls) {
        for (Path file : List.of(tls.certChain(), tls.privateKey())) {
            if (!Files.isReadable(file)) {
                throw EdgeperfException.userError("TLS file " + file + " does not exist or is not readable");
            }
        }
    }

    private static void useTls(NettyServerBuilder builder, CoordinatorConfig.Tls tls) {
        checkReadable(tls);
        try {
            builder.useTransportSecurity(tls.certChain().toFile(), tls.privateKey().toFile());
        } catch (RuntimeException e) {
            throw EdgeperfException.userError("cannot use --tls-cert " + tls.certChain() + " / --tls-key "
                    + tls.privateKey() + " (expected a PEM certificate chain and a PKCS#8 PEM private key): "
                    + e.getMessage());
        }
    }

    /** The one line tests and scripts parse: ports actually bound and the absolute data folder. */
    public String listeningLine() {
        return "edgeperf coordinator listening: grpc=" + config.bindHost() + ":" + grpcPort() + " http=" + (config.dashboard().https() ? "https" : "http") + "://"
                + config.httpBindHost() + ":" + httpPort() + "/ data-dir=" + config.dataDir();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    public CoordinatorConfig config() {
        return config;
    }

    public String joinToken() {
        return joinToken;
    }

    /** The file holding the token the dashboard requires; empty when it is open (loopback, no token file). */
    public Optional<Path> viewerTokenFile() {
        return config.dashboard().viewerTokenFile().or(() -> isLoopback(config.httpBindHost()) ? Optional.empty()
                : Optional.of(config.dataDir().resolve(ViewerToken.FILE_NAME)));
    }

    public Path joinTokenFile() {
        return config.dataDir().resolve(JoinToken.FILE_NAME);
    }

    public Store store() {
        return store;
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    public Campaigns campaigns() {
        return campaigns;
    }

    /** Returns once gRPC has stopped and, when {@link #close} stopped it, once close has finished too. */
    public void blockUntilShutdown() throws InterruptedException {
        grpc.blockUntilShutdown();
        if (closed) {
            // the caller exits next, and H2's shutdown hook must not close the database under close()
            stopped.await();
        }
    }

    /**
     * Stops everything that may still write (lease reaper, HTTP, gRPC and the calls it is running),
     * then closes the database, then releases the data folder. Idempotent, for shutdown hooks.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reaper.shutdownNow();
        try {
            http.stop();
        } catch (RuntimeException e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        grpc.stop();
        grpcExecutor.shutdown();
        try {
            // stream clean-ups (agent disconnected, lease released) run here and need the database
            if (!grpcExecutor.awaitTermination(5, TimeUnit.SECONDS) || !reaper.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.info("gRPC calls still running after 5 s; closing the database under them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        grpcExecutor.shutdownNow();
        Database.close(dataSource);
        lock.close();
        stopped.countDown();
    }

    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

}
