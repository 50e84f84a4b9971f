package dev.edgeperf.coordinator.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The store's data source: tracks {@link StoreHealth}, and reopens an embedded H2 database that
 * closed itself after an I/O error (H2 does so when a write fails, e.g. on a full disk), so the
 * coordinator resumes when space returns instead of failing every call until a restart.
 */
final class StoreDataSource implements DataSource {
    /** H2: DATABASE_IS_CLOSED, IO_EXCEPTION_1, IO_EXCEPTION_2, FILE_CORRUPTED_1 (a failed page write). */
    private static final int[] H2_REOPEN_CODES = {90098, 90028, 90031, 90030};

    private final Supplier<DataSource> opener;
    private final StoreHealth health = new StoreHealth();
    private DataSource delegate;
    private boolean reopen;

    StoreDataSource(Supplier<DataSource> opener) {
        this.opener = Objects.requireNonNull(opener, "opener is null");
        this.delegate = opener.get();
    }

    StoreHealth health() {
        return health;
    }

    /** Records a failed transaction; a closed or failing embedded database is reopened on next use. */
    synchronized void failed(SQLException e, String message) {
        health.failed(message);
        if (isResourceFailure(e) || hasCode(e, H2_REOPEN_CODES)) {
            reopen = true;
        }
    }

    /** A full disk, or an I/O failure the database reports as such. */
    static boolean isResourceFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("disk full")
                    || m.contains("could not extend file"))) {
                return true;
            }
        }
        return "53100".equals(e.getSQLState()); // PostgreSQL disk_full
    }

    private static boolean hasCode(SQLException e, int[] codes) {
        for (int code : codes) {
            if (e.getErrorCode() == code) {
                return true;
            }
        }
        return false;
    }

    private synchronized DataSource current() {
        if (reopen) {
            reopen = false;
            if (delegate instanceof JdbcConnectionPool pool) {
                pool.dispose();
            }
            delegate = opener.get();
        }
        return delegate;
    }

    synchronized void close() {
        if (delegate instanceof JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return current().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return current().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return current().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        current().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        current().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return current().getLoginTimeout();
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
