package dev.lethe.catalog;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded PostgreSQL with the helpdesk's own schema ({@link HelpdeskSchema}) for the tests of
 * one class: a JUnit extension for a static {@code @RegisterExtension} field, started before the
 * class's tests and closed after them.
 */
public final class HelpdeskDatabase implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedPostgres postgres;
    private DataSource db;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        HelpdeskSchema.apply(db);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        postgres.close();
    }

    /** The {@code postgres} database, the helpdesk's schema applied. */
    public DataSource db() {
        return db;
    }
}
