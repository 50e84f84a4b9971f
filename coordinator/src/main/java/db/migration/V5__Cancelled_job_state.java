package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 5: {@code cancelled} becomes a job state of its own. Until now a cancelled job was
 * a failed one whose failure reason was a fixed sentence. Version 1 declared the state check
 * without a name, and H2 and PostgreSQL name such constraints differently, so the check is found
 * through the standard information schema and replaced by a named one; then the old cancelled
 * rows move to the new state.
 */
public class V5__Cancelled_job_state extends BaseJavaMigration {
    private static final String CANCELLED_REASON = "cancelled by the user";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement st = connection.createStatement()) {
            for (String name : stateChecks(connection)) {
                st.execute("ALTER TABLE jobs DROP CONSTRAINT " + quoted(name));
            }
            st.execute("ALTER TABLE jobs ADD CONSTRAINT jobs_state_check"
                    + " CHECK (state IN ('queued', 'leased', 'done', 'failed', 'cancelled'))");
        }
        try (PreparedStatement st = connection.prepareStatement(
                "UPDATE jobs SET state = 'cancelled' WHERE state = 'failed' AND failure_reason = ?")) {
            st.setString(1, CANCELLED_REASON);
            st.executeUpdate();
        }
    }

    /** Check constraints on the jobs table whose clause lists the job states. */
    private static List<String> stateChecks(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT tc.constraint_name, cc.check_clause"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.check_constraints cc ON cc.constraint_name = tc.constraint_name"
                + " AND cc.constraint_schema = tc.constraint_schema"
                + " WHERE LOWER(tc.table_name) = 'jobs' AND tc.constraint_type = 'CHECK'"
                + " AND tc.table_schema = CURRENT_SCHEMA");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                // the quoted literal: PostgreSQL lists NOT NULL as checks too, and "queued_ms IS NOT NULL" is one
                if (rs.getString(2) != null && rs.getString(2).contains("'queued'")) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
