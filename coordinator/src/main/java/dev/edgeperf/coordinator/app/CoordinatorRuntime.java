package dev.edgeperf.coordinator.app;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.grpc.AgentServiceImpl;
import dev.edgeperf.coordinator.grpc.ArtifactServiceImpl;
import dev.edgeperf.coordinator.grpc.CampaignServiceImpl;
import dev.edgeperf.coordinator.grpc.CoordinatorGrpcServer;
import dev.edgeperf.coordinator.grpc.TokenAuthInterceptor;
import dev.edgeperf.coordinator.http.DashboardServer;
import dev.edgeperf.coordinator.schedule.CampaignManager;
import dev.edgeperf.coordinator.schedule.JobScheduler;
import dev.edgeperf.coordinator.store.Database;
import dev.edgeperf.coordinator.store.Store;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
    private final CampaignManager campaigns;
    private final String joinToken;
    private final CoordinatorGrpcServer grpc;
    private final DashboardServer http;

    private CoordinatorRuntime(CoordinatorConfig config, DataSource dataSource, Store store, FleetRegistry fleet,
                               CampaignManager campaigns, String joinToken, CoordinatorGrpcServer grpc,
                               DashboardServer http) {
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
     */
    public static CoordinatorRuntime start(CoordinatorConfig config) {
        Path dataDir = config.dataDir();
        String token = JoinToken.loadOrCreate(dataDir);
        DataSource dataSource = Database.open(config.jdbcUrl().orElse(Database.defaultUrl(dataDir)));
        CoordinatorGrpcServer grpc = null;
        DashboardServer http = null;
        try {
            Database.migrate(dataSource);
            Store store = new Store(dataSource, Clock.systemUTC());
            store.resetAfterRestart(JobScheduler.MAX_ATTEMPTS);
            ArtifactStore artifacts = new ArtifactStore(dataDir.resolve("artifacts"));
            FleetRegistry fleet = new FleetRegistry();
            JobScheduler scheduler = new JobScheduler(store, fleet);
            CampaignManager campaigns = new CampaignManager(store, artifacts, fleet, scheduler);
            grpc = new CoordinatorGrpcServer(
                    NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.grpcPort())),
                    new TokenAuthInterceptor(token),
                    List.of(new AgentServiceImpl(scheduler), new ArtifactServiceImpl(artifacts),
                            new CampaignServiceImpl(campaigns)),
                    "gRPC port " + config.grpcPort() + " on " + config.bindHost());
            grpc.start();
            http = new DashboardServer(store, config.bindHost(), config.httpPort());
            http.start();
            return new CoordinatorRuntime(config, dataSource, store, fleet, campaigns, token, grpc, http);
        } catch (RuntimeException e) {
            if (http != null) {
                http.stop();
            }
            if (grpc != null) {
                grpc.stop();
            }
            Database.close(dataSource);
            throw e;
        }
    }

    /** The one line tests and scripts parse: ports actually bound and the absolute data folder. */
    public String listeningLine() {
        return "edgeperf coordinator listening: grpc=" + config.bindHost() + ":" + grpcPort() + " http=http://"
                + config.bindHost() + ":" + httpPort() + "/ data-dir=" + config.dataDir();
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

    public Path joinTokenFile() {
        return config.dataDir().resolve(JoinToken.FILE_NAME);
    }

    public Store store() {
        return store;
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    public CampaignManager campaigns() {
        return campaigns;
    }

    public void blockUntilShutdown() throws InterruptedException {
        grpc.blockUntilShutdown();
    }

    /** Stops HTTP, then gRPC (bounded), then releases the database. Idempotent enough for shutdown hooks. */
    @Override
    public synchronized void close() {
        try {
            http.stop();
        } catch (RuntimeException e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        grpc.stop();
        Database.close(dataSource);
    }

}
