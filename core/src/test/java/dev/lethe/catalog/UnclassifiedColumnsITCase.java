package dev.lethe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Columns the catalog does not classify, read from the helpdesk's live schema. */
class UnclassifiedColumnsITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();
    @RegisterExtension static final HelpdeskDatabase HELPDESK = new HelpdeskDatabase();

    @Test
    void aTableOfTheHelpdeskTheCatalogDoesNotNameIsUngoverned() throws Exception {
        try (Connection c = HELPDESK.db().getConnection()) {
            assertThat(UngovernedTables.find(c, CATALOG)).isEmpty();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE ticket_ratings (id bigint PRIMARY KEY, remark text)");
                s.execute("CREATE TABLE lethe_scratch (id bigint PRIMARY KEY)");
                s.execute("CREATE TABLE flyway_schema_history (id bigint PRIMARY KEY)");
                s.execute("CREATE VIEW open_tickets AS SELECT id FROM tickets");
                s.execute("CREATE TABLE call_logs (id bigint, at date) PARTITION BY RANGE (at)");
                s.execute("CREATE SCHEMA other");
                s.execute("CREATE TABLE other.notes (id bigint PRIMARY KEY)");
            }
            try {
                // Lethe's own tables, the migration tool's, views and other schemas are not the
                // helpdesk's tables
                assertThat(UngovernedTables.find(c, CATALOG))
                        .containsExactly("call_logs", "ticket_ratings");
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute(
                            "DROP VIEW open_tickets; DROP TABLE ticket_ratings, lethe_scratch,"
                                    + " flyway_schema_history, call_logs; DROP SCHEMA other CASCADE");
                }
            }
            assertThat(UngovernedTables.find(c, CATALOG)).isEmpty();
        }
    }

    @Test
    void theShippedCatalogClassifiesEveryColumnOfTheHelpdeskAndAnAddedOneIsNamed()
            throws Exception {
        try (Connection c = HELPDESK.db().getConnection()) {
            assertThat(UnclassifiedColumns.find(c, CATALOG)).isEmpty();
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE contacts ADD COLUMN nickname text");
            }
            try {
                assertThat(UnclassifiedColumns.find(c, CATALOG))
                        .containsExactly("contacts.nickname");

                // classified at run time: no longer unclassified, the latest row wins
                ColumnClassifications.createSchema(c);
                ColumnClassifications.createSchema(c); // idempotent
                Instant at = Instant.parse("2026-12-06T10:00:00Z");
                ColumnClassifications.record(
                        c,
                        new ColumnClassification(
                                "contacts", "nickname", DataCategory.FREE_TEXT, true, "a", at, ""));
                ColumnClassification byTheDpo =
                        new ColumnClassification(
                                "contacts",
                                "nickname",
                                DataCategory.NAME,
                                true,
                                "dpo1",
                                at.plusSeconds(1),
                                "a nickname");
                ColumnClassifications.record(c, byTheDpo);
                assertThat(ColumnClassifications.latest(c)).containsExactly(byTheDpo);
                PersonalDataCatalog live = ColumnClassifications.applied(c, CATALOG);
                assertThat(UnclassifiedColumns.find(c, live)).isEmpty();
                assertThat(live.column("contacts", "nickname").orElseThrow().category())
                        .isEqualTo(DataCategory.NAME);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE contacts DROP COLUMN nickname");
                }
            }
            // dropped later: its classification no longer applies (a query of the catalog's
            // columns, an export or an erasure, would name a column that is not there)
            assertThat(ColumnClassifications.latest(c)).isEmpty();
            assertThat(ColumnClassifications.applied(c, CATALOG).column("contacts", "nickname"))
                    .isEmpty();
            // ... and applies again if a column of that name comes back
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE contacts ADD COLUMN nickname text");
            }
            try {
                assertThat(ColumnClassifications.latest(c))
                        .extracting(ColumnClassification::category)
                        .containsExactly(DataCategory.NAME);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE contacts DROP COLUMN nickname");
                }
            }
        }
    }
}
