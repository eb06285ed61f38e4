package dev.lethe.jobs.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.retention.RetentionPolicyException;
import dev.lethe.retention.RetentionSchemaCheck;
import dev.lethe.simulator.HelpdeskMigrations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retention policy is checked against the live helpdesk schema before the job starts. */
class RetentionSchemaCheckITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate);

    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        db = HELPDESK.db();
        HELPDESK.exec("INSERT INTO contacts (email) VALUES ('c@example.eu')");
        HELPDESK.exec(
                "INSERT INTO tickets (contact_id, subject, custom_fields) SELECT id, 's',"
                        + " '{\"order_ref\": \"A-1\"}' FROM contacts");
    }

    private static RetentionPolicy policy(String anonymize) {
        String yaml =
                """
                version: 1
                erasure: { deadline: P1M }
                rules:
                  - id: tickets.closed
                    table: tickets
                    since: closed_at
                    when: { status: closed }
                    after: P6Y
                    action: anonymize
                    anonymize: %s
                holds: []
                """
                        .formatted(anonymize);
        return RetentionPolicy.load(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test", CATALOG);
    }

    @Test
    void theShippedPolicyFitsTheHelpdeskSchema() throws Exception {
        try (Connection c = db.getConnection()) {
            assertThat(RetentionSchemaCheck.problems(c, RetentionPolicy.loadDefault(CATALOG)))
                    .isEmpty();
        }
    }

    @Test
    void nullForANotNullColumnNamesTheRuleAndTheColumn() throws Exception {
        try (Connection c = db.getConnection()) {
            assertThatThrownBy(
                            () ->
                                    RetentionSchemaCheck.require(
                                            c,
                                            policy("{ subject: redacted, custom_fields: null }")))
                    .isInstanceOf(RetentionPolicyException.class)
                    .hasMessageContaining("retention rule tickets.closed")
                    .hasMessageContaining("tickets.custom_fields")
                    .hasMessageContaining("NOT NULL");
        }
    }

    @Test
    void aReplacementThatBreaksACheckConstraintIsFoundOnATemporaryCopy() throws Exception {
        try (Connection c = db.getConnection()) {
            assertThat(RetentionSchemaCheck.problems(c, policy("{ status: redacted }")))
                    .singleElement()
                    .asString()
                    .contains("retention rule tickets.closed")
                    .contains("constraint tickets_status_check");
            // nothing of the trial is left
            try (Statement s = c.createStatement();
                    var r = s.executeQuery("SELECT count(*) FROM tickets WHERE status = 'open'")) {
                r.next();
                assertThat(r.getLong(1)).isOne();
            }
        }
    }

    @Test
    void wrongTypesAndForeignKeysAreNamed() throws Exception {
        try (Connection c = db.getConnection()) {
            assertThat(RetentionSchemaCheck.problems(c, policy("{ agent_id: redacted }")))
                    .singleElement()
                    .asString()
                    .contains("tickets.agent_id")
                    .contains("bigint");
            assertThat(
                            RetentionSchemaCheck.problems(
                                    c, policy("{ custom_fields: empty, description: empty }")))
                    .isEmpty();
        }
    }
}
