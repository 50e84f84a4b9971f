package dev.edgeperf.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.testing.Fixtures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Migration V5 on a database created at schema version 4 holding a campaign cancelled the old way
 * (open jobs set to {@code failed} with the reason "cancelled by the user"): after migrating, those
 * jobs are {@code cancelled}, a job that really failed stays failed, and the state check accepts
 * {@code cancelled} but nothing unknown. The same assertions run on H2 ({@link StoreTest}) and on
 * PostgreSQL ({@link PostgresStoreIT}), whose check constraints are named differently.
 */
final class CancelledStateMigrationCheck {
    private static final String OLD_CANCEL_REASON = "cancelled by the user";
    /** Columns of versions after 5 that today's store writes (V6: input shapes, V12: input values). */
    private static final String[] LATER_COLUMNS = {
        "ALTER TABLE jobs ADD COLUMN input_shapes VARCHAR(8000) DEFAULT '' NOT NULL",
        "ALTER TABLE results ADD COLUMN input_shapes VARCHAR(4000)",
        // V9: what an agent's calibration was measured on
        "ALTER TABLE agents ADD COLUMN calib_hardware_fingerprint VARCHAR(128) DEFAULT '' NOT NULL",
        "ALTER TABLE agents ADD COLUMN calib_engine_version VARCHAR(64) DEFAULT '' NOT NULL",
        "ALTER TABLE agents ADD COLUMN calib_node_overhead_us DOUBLE PRECISION",
        "ALTER TABLE results ADD COLUMN input_values VARCHAR(2000)",
        // V13: the on-device agreement check
        "ALTER TABLE results ADD COLUMN device_agreement_cosine DOUBLE PRECISION",
        "ALTER TABLE results ADD COLUMN device_max_abs_diff DOUBLE PRECISION",
        "ALTER TABLE results ADD COLUMN device_disagrees BOOLEAN",
        "ALTER TABLE results ADD COLUMN device_agreement_error VARCHAR(500)",
        // V11: nodes per execution provider
        "ALTER TABLE results ADD COLUMN provider_nodes VARCHAR(2000)"};

    private CancelledStateMigrationCheck() {
    }

    static void run(DataSource dataSource) throws SQLException {
        Flyway atV4 = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("4").load();
        atV4.migrate();
        assertThat(atV4.info().current().getVersion().getVersion()).isEqualTo("4");

        // Every write below touches only tables and columns version 4 already has, but for the columns of
        // later versions today's store writes too: they are added for the writes and dropped before migrating.
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String column : LATER_COLUMNS) {
                st.executeUpdate(column);
            }
        }
        Store store = new Store(dataSource, Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));
        String agent = store.registerAgent(Fixtures.hello("pi-1", 10.0));
        NewJob done = Fixtures.job(agent, 1, 1_060_400, 10.0);
        NewJob failed = Fixtures.job(agent, 8, 8_483_200, 10.0);
        NewJob held = Fixtures.job(agent, 32, 33_932_800, 10.0);
        NewJob queued = Fixtures.job(agent, 64, 67_865_600, 10.0);
        store.insertCampaign("old", "cancelled before v5", "{}", "", List.of(done, failed, held, queued));
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.commitResult(agent, Fixtures.result(done.id(), 1, 1, 0.2))).isEqualTo(CommitOutcome.STORED);
        Fixtures.leaseNext(store, agent).orElseThrow();
        assertThat(store.failJob(failed.id(), 1, agent, "ONNX Runtime cannot load model x.onnx: bad opset")).isTrue();
        Fixtures.leaseNext(store, agent).orElseThrow();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            // the cancel as the coordinator wrote it before version 5
            st.executeUpdate("UPDATE jobs SET state = 'failed', failure_reason = '" + OLD_CANCEL_REASON
                    + "', finished_ms = 1714564800000 WHERE campaign_id = 'old' AND state IN ('queued', 'leased')");
            st.executeUpdate("UPDATE job_attempts SET ended_ms = 1714564800000, outcome = 'released', reason = '"
                    + OLD_CANCEL_REASON + "' WHERE ended_ms IS NULL");
            st.executeUpdate("UPDATE campaigns SET cancelled_ms = 1714564800000 WHERE id = 'old'");
            assertThatThrownBy(() -> st.executeUpdate("UPDATE jobs SET state = 'cancelled' WHERE id = '"
                    + queued.id() + "'")).as("version 4 knows no cancelled state").isInstanceOf(SQLException.class);
        }

        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("ALTER TABLE jobs DROP COLUMN input_shapes");
            st.executeUpdate("ALTER TABLE results DROP COLUMN input_shapes");
            st.executeUpdate("ALTER TABLE agents DROP COLUMN calib_hardware_fingerprint");
            st.executeUpdate("ALTER TABLE agents DROP COLUMN calib_engine_version");
            st.executeUpdate("ALTER TABLE agents DROP COLUMN calib_node_overhead_us");
            st.executeUpdate("ALTER TABLE results DROP COLUMN input_values");
            for (String column : List.of("device_agreement_cosine", "device_max_abs_diff", "device_disagrees",
                    "device_agreement_error")) {
                st.executeUpdate("ALTER TABLE results DROP COLUMN " + column);
            }
            st.executeUpdate("ALTER TABLE results DROP COLUMN provider_nodes");
        }

        Database.migrate(dataSource);

        // V5 applied (later migrations, e.g. V7's no-op columns, may follow it)
        assertThat(java.util.Arrays.stream(Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                .load().info().applied()).map(i -> i.getVersion().getVersion())).contains("5");
        CampaignSummary summary = store.campaignSummary("old").orElseThrow();
        assertThat(summary.done()).isEqualTo(1);
        assertThat(summary.failed()).as("the real failure only").isEqualTo(1);
        assertThat(summary.cancelled()).isEqualTo(2);
        assertThat(summary.state()).isEqualTo(CampaignState.CANCELLED);
        Map<String, JobState> states = summary.rows().stream().collect(Collectors.toMap(
                r -> r.text(ResultField.JOB_ID), ResultRecord::state));
        assertThat(states).containsEntry(done.id(), JobState.DONE).containsEntry(failed.id(), JobState.FAILED)
                .containsEntry(held.id(), JobState.CANCELLED).containsEntry(queued.id(), JobState.CANCELLED);
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE jobs SET state = ? WHERE id = ?")) {
            st.setString(1, "cancelled");
            st.setString(2, failed.id());
            assertThat(st.executeUpdate()).as("version 5 accepts cancelled").isEqualTo(1);
            st.setString(1, "lost");
            assertThatThrownBy(st::executeUpdate).as("and still refuses unknown states").isInstanceOf(SQLException.class);
        }
    }
}
