package dev.lethe.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.testing.SharedStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The local PostgreSQL as {@code ./lethe up} sets it up: each component has a role of its own with
 * the least it needs, is refused what it does not need, and no role signs in with another's
 * password or with none.
 */
class PostgresRolesITCase {

    private static final String DENIED = "42501"; // insufficient_privilege

    @Test
    void eachRoleSignsInOnlyWithItsOwnPassword() throws Exception {
        StackSettings s = SharedStack.settings();
        for (ComponentRole role : ComponentRole.values()) {
            try (Connection c = connect(s, role.user(), s.postgresPasswordOf(role));
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery(
                                    "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles"
                                            + " WHERE rolname = current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("%s is a superuser", role).isFalse();
                assertThat(rs.getBoolean(2)).as("%s may create roles", role).isFalse();
                assertThat(rs.getBoolean(3)).as("%s may create databases", role).isFalse();
            }
            ComponentRole other =
                    ComponentRole.values()[(role.ordinal() + 1) % ComponentRole.values().length];
            assertThatThrownBy(() -> connect(s, role.user(), s.postgresPasswordOf(other)).close())
                    .as("%s with the password of %s", role, other)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> connect(s, role.user(), null).close())
                    .as("%s without a password", role)
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void theServerReadsButChangesNothingOfTheHelpdesk() throws Exception {
        StackSettings s = SharedStack.settings();
        try (Connection c = as(s, ComponentRole.SERVER)) {
            allowed(c, "SELECT count(*) FROM contacts");
            allowed(c, "SELECT count(*) FROM lethe.erasure_requests");
            allowed(c, "SELECT count(*) FROM lethe.server_users");
            denied(c, "DELETE FROM contacts WHERE false");
            denied(c, "UPDATE tickets SET subject = subject WHERE false");
            denied(
                    c,
                    "INSERT INTO lethe.subject_keys SELECT * FROM lethe.subject_keys WHERE false");
            denied(c, "DELETE FROM lethe.purge_log WHERE false");
            denied(c, "CREATE TABLE public.server_was_here (id int)");
            // a DPO's retry, approval or rejection changes those columns of a request only
            allowed(
                    c,
                    "UPDATE lethe.erasure_requests SET status = status, approved_by = approved_by,"
                            + " rejected_by = rejected_by, retry_requested_by ="
                            + " retry_requested_by, updated_at = updated_at WHERE false");
            denied(c, "UPDATE lethe.erasure_requests SET subject_id = subject_id WHERE false");
            denied(c, "UPDATE lethe.erasure_requests SET requested_by = requested_by WHERE false");
            denied(c, "DELETE FROM lethe.erasure_requests WHERE false");
        }
    }

    @Test
    void thePurgeJobDeletesAndUpdatesGovernedRowsButNeverInsertsOrAltersThem() throws Exception {
        StackSettings s = SharedStack.settings();
        try (Connection c = as(s, ComponentRole.RETENTION)) {
            allowed(c, "DELETE FROM contacts WHERE false");
            allowed(c, "UPDATE contacts SET email = email WHERE false");
            allowed(c, "INSERT INTO lethe.purge_log SELECT * FROM lethe.purge_log WHERE false");
            allowed(c, "DELETE FROM lethe.subject_keys WHERE false");
            denied(c, "INSERT INTO contacts SELECT * FROM contacts WHERE false");
            denied(c, "UPDATE lethe_heartbeat SET beat_at = now() WHERE false");
            denied(
                    c,
                    "INSERT INTO lethe.subject_keys SELECT * FROM lethe.subject_keys WHERE false");
            denied(c, "UPDATE lethe.server_users SET disabled = false WHERE false");
            denied(c, "ALTER TABLE contacts ADD COLUMN purge_was_here int");
            denied(c, "TRUNCATE contacts");
        }
    }

    @Test
    void theAuditJobOnlyKeepsKeys() throws Exception {
        StackSettings s = SharedStack.settings();
        try (Connection c = as(s, ComponentRole.AUDIT)) {
            allowed(
                    c,
                    "INSERT INTO lethe.subject_keys SELECT * FROM lethe.subject_keys WHERE false");
            allowed(c, "SELECT count(*) FROM lethe.erased_subjects");
            denied(c, "DELETE FROM lethe.subject_keys WHERE false");
            denied(c, "SELECT count(*) FROM contacts");
            denied(c, "SELECT count(*) FROM lethe.server_users");
        }
    }

    @Test
    void discoveryAndCaptureOnlyRead() throws Exception {
        StackSettings s = SharedStack.settings();
        try (Connection c = as(s, ComponentRole.DISCOVERY)) {
            allowed(c, "SELECT count(*) FROM comments");
            denied(c, "SELECT count(*) FROM lethe.subject_keys");
            denied(c, "UPDATE comments SET content = content WHERE false");
        }
        try (Connection c = as(s, ComponentRole.CAPTURE)) {
            allowed(c, "SELECT count(*) FROM contacts");
            allowed(c, "INSERT INTO lethe_heartbeat (id, beat_at) SELECT 1, now() WHERE false");
            denied(c, "UPDATE contacts SET email = email WHERE false");
            denied(c, "DELETE FROM lethe_signal WHERE false");
            denied(c, "SELECT count(*) FROM lethe.subject_keys");
        }
    }

    private static Connection as(StackSettings s, ComponentRole role) throws SQLException {
        return connect(s, role.user(), s.postgresPasswordOf(role));
    }

    private static Connection connect(StackSettings s, String user, String password)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(s.postgresJdbcUrl(), p);
    }

    private static void allowed(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void denied(Connection c, String sql) {
        assertThatThrownBy(() -> allowed(c, sql))
                .as(sql)
                .isInstanceOfSatisfying(
                        SQLException.class,
                        e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(DENIED));
    }
}
