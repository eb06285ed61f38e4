package dev.lethe.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Local users in Lethe's own schema of the helpdesk database ({@code lethe.server_users}), next to
 * the key store: the server holds no state of its own, so several instances can serve the same
 * users.
 */
public final class JdbcUserStore implements UserStore {

    static final String TABLE = "lethe.server_users";

    private final DataSource db;

    public JdbcUserStore(DataSource db) {
        this.db = db;
    }

    /** Creates the table if it is missing. */
    public JdbcUserStore ensureSchema() throws SQLException {
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            // the server's own role may use the table but not create it
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + TABLE + "')")) {
                if (rs.next() && rs.getString(1) != null) {
                    return this;
                }
            }
            st.execute("CREATE SCHEMA IF NOT EXISTS lethe");
            st.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + TABLE
                            + " (name text PRIMARY KEY,"
                            + " role text NOT NULL CHECK (role IN ('dpo', 'auditor', 'admin')),"
                            + " password_hash text NOT NULL,"
                            + " disabled boolean NOT NULL DEFAULT false,"
                            + " created_at timestamptz NOT NULL DEFAULT now(),"
                            + " password_set_at timestamptz NOT NULL DEFAULT now())");
        }
        return this;
    }

    @Override
    public Optional<Credentials> credentials(String name) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT name, role, disabled, created_at, password_set_at,"
                                        + " password_hash FROM "
                                        + TABLE
                                        + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Credentials(user(rs), rs.getString(6)));
            }
        }
    }

    @Override
    public void add(String name, Role role, String passwordHash) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + TABLE
                                        + " (name, role, password_hash) VALUES (?, ?, ?)"
                                        + " ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.setString(2, role.id());
            ps.setString(3, passwordHash);
            if (ps.executeUpdate() == 0) {
                throw new IllegalArgumentException("a user named " + name + " exists already");
            }
        }
    }

    @Override
    public List<User> list() throws SQLException {
        List<User> users = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT name, role, disabled, created_at, password_set_at FROM "
                                        + TABLE
                                        + " ORDER BY name")) {
            while (rs.next()) {
                users.add(user(rs));
            }
        }
        return users;
    }

    @Override
    public boolean disable(String name) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE " + TABLE + " SET disabled = true WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public boolean resetPassword(String name, String passwordHash) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement(
                                "UPDATE "
                                        + TABLE
                                        + " SET password_hash = ?, disabled = false,"
                                        + " password_set_at = now() WHERE name = ?")) {
            ps.setString(1, passwordHash);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(
                rs.getString(1),
                Role.of(rs.getString(2))
                        .orElseThrow(() -> new SQLException("unknown role in " + TABLE)),
                rs.getBoolean(3),
                instant(rs.getTimestamp(4)),
                instant(rs.getTimestamp(5)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
