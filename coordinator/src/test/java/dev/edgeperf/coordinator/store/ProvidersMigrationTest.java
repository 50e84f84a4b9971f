package dev.edgeperf.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** V11 (issue 14) was assigned after V12 landed: a store already at V12 without it gets it applied out of order. */
class ProvidersMigrationTest {
    @Test
    void aStoreAtV12WithoutV11GetsItsColumns(@TempDir Path dir) throws Exception {
        DataSource dataSource = Database.open("jdbc:h2:file:" + dir.resolve("edgeperf"));
        try {
            Database.migrate(dataSource);
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                // the store as a coordinator built before V11 left it
                st.executeUpdate("ALTER TABLE jobs DROP COLUMN providers");
                st.executeUpdate("ALTER TABLE results DROP COLUMN provider_nodes");
                st.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '11'");
            }
            Database.migrate(dataSource);
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE"
                         + " LOWER(COLUMN_NAME) IN ('providers', 'provider_nodes')")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        } finally {
            Database.close(dataSource);
        }
    }
}
