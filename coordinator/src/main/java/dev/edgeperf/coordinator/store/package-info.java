/**
 * The coordinator's SQL store: Flyway migrations, agents, campaigns, jobs and results over any JDBC
 * {@link javax.sql.DataSource} (embedded H2 by default). Results are idempotent by (job, attempt).
 */
package dev.edgeperf.coordinator.store;
