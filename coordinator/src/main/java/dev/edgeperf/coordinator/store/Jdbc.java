package dev.edgeperf.coordinator.store;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/** Transactions and null-aware parameter helpers; every SQLException leaves here as an EdgeperfException. */
final class Jdbc {
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, String what, SqlWork<T> work) {
        try {
            T result = transaction(dataSource, work);
            if (dataSource instanceof StoreDataSource monitored) {
                monitored.health().succeeded();
            }
            return result;
        } catch (SQLException e) {
            String message = "store cannot " + what + ": " + e.getMessage().lines().findFirst().orElse("");
            if (dataSource instanceof StoreDataSource monitored) {
                monitored.failed(e, message);
                if (StoreDataSource.isResourceFailure(e)) {
                    throw new EdgeperfException(ErrorCategory.INSUFFICIENT_RESOURCES, message, e);
                }
            }
            throw EdgeperfException.external(message, e);
        }
    }

    private static <T> T transaction(DataSource dataSource, SqlWork<T> work) throws SQLException {
        try (Connection connection = connect(dataSource)) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** A pool that was closed under us (H2 after a fatal I/O error) says so with an unchecked exception. */
    private static Connection connect(DataSource dataSource) throws SQLException {
        try {
            return dataSource.getConnection();
        } catch (IllegalStateException e) {
            throw new SQLException("database connection pool is closed: " + e.getMessage(), "08003", e);
        }
    }

    static void setNullableDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    /** True for SQLState class 23 (integrity constraint violation), as H2 and PostgreSQL both report it. */
    static boolean isConstraintViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
