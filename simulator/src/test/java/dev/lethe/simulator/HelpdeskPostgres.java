package dev.lethe.simulator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL (wal_level=logical) for the whole test run; every test takes a fresh,
 * migrated database of its own.
 */
final class HelpdeskPostgres {

    static final List<String> HELPDESK_TABLES =
            List.of(
                    "accounts",
                    "agents",
                    "attachments",
                    "comments",
                    "consents",
                    "contacts",
                    "custom_field_definitions",
                    "threads",
                    "tickets");

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private HelpdeskPostgres() {}

    static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres =
                        EmbeddedPostgres.builder()
                                .setServerConfig("wal_level", "logical")
                                .setServerConfig("max_replication_slots", "20")
                                .setServerConfig("max_wal_senders", "20")
                                // logical decoding reads only flushed WAL: flush at commit
                                .setServerConfig("synchronous_commit", "on")
                                .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new java.lang.Thread(HelpdeskPostgres::close));
        }
        return postgres;
    }

    /** A new empty database (not migrated). */
    static String emptyDatabase() throws SQLException {
        String name = "helpdesk_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** A new database with the helpdesk schema. */
    static DataSource migratedDatabase() throws SQLException {
        DataSource ds = server().getDatabase("postgres", emptyDatabase());
        HelpdeskMigrations.migrate(ds);
        return ds;
    }

    static String jdbcUrl(String database) {
        return server().getJdbcUrl("postgres", database);
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> strings(DataSource ds, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A test_decoding slot on the database: what it decodes shows the actor messages. */
    static void createDecodingSlot(DataSource ds, String slot) throws SQLException {
        execute(ds, "SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
    }

    /** Consumes and returns the slot's changes, one test_decoding line each. */
    static List<String> decodedChanges(DataSource ds, String slot) throws SQLException {
        return strings(
                ds, "SELECT data FROM pg_logical_slot_get_changes('" + slot + "', NULL, NULL)");
    }

    private static synchronized void close() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            // shutting down anyway
        }
    }
}
