package dev.lethe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Columns the catalog does not classify, read from the helpdesk's live schema. */
class UnclassifiedColumnsITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();
    private static EmbeddedPostgres postgres;
    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        HelpdeskSchema.apply(db);
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void theShippedCatalogClassifiesEveryColumnOfTheHelpdeskAndAnAddedOneIsNamed()
            throws Exception {
        try (Connection c = db.getConnection()) {
            assertThat(UnclassifiedColumns.find(c, CATALOG)).isEmpty();
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE contacts ADD COLUMN nickname text");
            }
            try {
                assertThat(UnclassifiedColumns.find(c, CATALOG))
                        .containsExactly("contacts.nickname");
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE contacts DROP COLUMN nickname");
                }
            }
        }
    }
}
