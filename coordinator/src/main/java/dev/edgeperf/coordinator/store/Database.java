package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.EdgeperfException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcConnectionPool;

/** Opens the coordinator database and brings its schema up to date. */
public final class Database {
    private Database() {
    }

    /**
     * The default embedded H2 file under {@code dataDir}. AUTO_SERVER lets tests and tools open the
     * same file over JDBC while the coordinator holds it. WRITE_DELAY=0 writes each commit before it
     * returns: H2 otherwise writes in the background a second later, so a commit acknowledged to an
     * agent could be lost when the disk fills, and the failure would surface nowhere near its cause.
     */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgeperf") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /**
     * A pooled data source for H2 URLs, a plain DriverManager-backed one for any other JDBC URL; both
     * tracked by {@link StoreHealth} (see {@link #health}).
     */
    public static DataSource open(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw EdgeperfException.userError("--db must be a JDBC URL such as jdbc:h2:file:/path/edgeperf, got '"
                    + jdbcUrl + "'");
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return new StoreDataSource(() -> JdbcConnectionPool.create(jdbcUrl, "sa", ""));
        }
        return new StoreDataSource(() -> new DriverManagerDataSource(jdbcUrl));
    }

    /** The health of a data source from {@link #open}; always healthy for any other. */
    public static StoreHealth health(DataSource dataSource) {
        return dataSource instanceof StoreDataSource store ? store.health() : new StoreHealth();
    }

    /** Applies the Flyway migrations under {@code db/migration}. */
    public static void migrate(DataSource dataSource) {
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    // V11 (issue 14) was assigned after V12 landed: stores already at V12 apply it out of order
                    .outOfOrder(true).load().migrate();
        } catch (FlywayException e) {
            throw EdgeperfException.external("cannot migrate the coordinator database: " + e.getMessage(), e);
        }
    }

    /** Releases pooled connections (H2); a no-op for other data sources. */
    public static void close(DataSource dataSource) {
        if (dataSource instanceof StoreDataSource store) {
            store.close();
        } else if (dataSource instanceof JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    /** Credentials, if any, travel in the URL (e.g. PostgreSQL's ?user=..&password=..). */
    private record DriverManagerDataSource(String url) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            DriverManager.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getLogger("dev.edgeperf.coordinator.store");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
