package dev.lethe.catalog;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded PostgreSQL with the helpdesk's schema for the tests of one class: a JUnit extension
 * for a static {@code @RegisterExtension} field, started before the class's {@code @BeforeAll}
 * methods and closed after its {@code @AfterAll} ones; with the one-statement queries the tests run
 * on it.
 */
public final class HelpdeskDatabase implements BeforeAllCallback, AfterAllCallback {

    /** How the helpdesk's schema gets into the new database. */
    @FunctionalInterface
    public interface Migrations {
        void apply(DataSource db) throws Exception;
    }

    private final Migrations migrations;
    private final Map<String, String> serverConfig = new LinkedHashMap<>();
    private EmbeddedPostgres postgres;
    private DataSource db;

    /** The helpdesk's migrations applied in order from the source tree ({@link HelpdeskSchema}). */
    public HelpdeskDatabase() {
        this(HelpdeskSchema::apply);
    }

    private HelpdeskDatabase(Migrations migrations) {
        this.migrations = migrations;
    }

    /**
     * The schema made by {@code migrations}: where a module has the simulator, its Flyway
     * migrations ({@code HelpdeskMigrations::migrate}), as a real helpdesk gets them.
     */
    public static HelpdeskDatabase migratedBy(Migrations migrations) {
        return new HelpdeskDatabase(migrations);
    }

    /** The server started with {@code name = value} (e.g. {@code wal_level}). */
    public HelpdeskDatabase withServerConfig(String name, String value) {
        serverConfig.put(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        serverConfig.forEach(builder::setServerConfig);
        postgres = builder.start();
        db = postgres.getPostgresDatabase();
        migrations.apply(db);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        postgres.close();
    }

    /** The {@code postgres} database, the helpdesk's schema applied. */
    public DataSource db() {
        return db;
    }

    /** The JDBC URL of the {@code postgres} database, as user {@code postgres}. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Runs {@code insertSql} {@code RETURNING id}; returns the id. */
    public long insert(String insertSql) throws SQLException {
        return number(insertSql + " RETURNING id");
    }

    /** The first column of the first row of {@code sql} as a number (a count, an id). */
    public long number(String sql) throws SQLException {
        return first(sql, r -> r.getLong(1));
    }

    /** The first column of the first row of {@code sql} as text. */
    public String text(String sql) throws SQLException {
        return first(sql, r -> r.getString(1));
    }

    private interface Column<T> {
        T of(ResultSet r) throws SQLException;
    }

    private <T> T first(String sql, Column<T> column) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return column.of(r);
        }
    }

    /** Runs a statement that returns no rows; a failure is an {@link IllegalStateException}. */
    public void exec(String sql) {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
