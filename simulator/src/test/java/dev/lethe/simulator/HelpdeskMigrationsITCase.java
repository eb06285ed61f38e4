package dev.lethe.simulator;

import static dev.lethe.simulator.HelpdeskPostgres.HELPDESK_TABLES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.Actor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class HelpdeskMigrationsITCase {

    @Test
    void appliesTheSchemaOnceAndIsThenCurrent() throws Exception {
        String database = HelpdeskPostgres.emptyDatabase();
        String url = HelpdeskPostgres.jdbcUrl(database);

        // V1 the schema, V2 the email trigger's exception for the purge's anonymization, V3 the
        // indexes of the audit job's look-ups, V4 Debezium's signalling table, V5 the actor
        // trigger, V6 the schema-migration event triggers
        assertThat(HelpdeskMigrations.migrate(url, "postgres", "postgres")).isEqualTo(6);
        assertThat(HelpdeskMigrations.migrate(url, "postgres", "postgres")).isZero();

        DataSource ds = HelpdeskPostgres.server().getDatabase("postgres", database);
        assertThat(
                        HelpdeskPostgres.strings(
                                ds,
                                "SELECT table_name FROM information_schema.tables"
                                        + " WHERE table_schema = 'public' ORDER BY 1"))
                .containsAll(HELPDESK_TABLES)
                .contains("lethe_heartbeat", "lethe_signal");
    }

    @Test
    void aContactsEmailCannotBeChanged() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        HelpdeskPostgres.execute(
                ds, "INSERT INTO contacts (id, email, phone) VALUES (1, 'anna@example.eu', NULL)");

        assertThatThrownBy(
                        () ->
                                HelpdeskPostgres.execute(
                                        ds,
                                        "UPDATE contacts SET email = 'other@example.eu' WHERE id = 1"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23000"));

        HelpdeskPostgres.execute(ds, "UPDATE contacts SET phone = '+4930123456' WHERE id = 1");
        assertThat(HelpdeskPostgres.strings(ds, "SELECT email || ' ' || phone FROM contacts"))
                .containsExactly("anna@example.eu +4930123456");
    }

    @Test
    void everyCapturedTableNamesTheActorOfEachTransactionOnce() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        assertThat(
                        HelpdeskPostgres.strings(
                                ds,
                                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid ="
                                        + " t.tgrelid WHERE t.tgname = 'lethe_actor' ORDER BY 1"))
                .containsExactlyElementsOf(HELPDESK_TABLES);
        String slot = "actors_" + System.nanoTime();
        HelpdeskPostgres.execute(
                ds, "SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try (Connection c = ds.getConnection()) {
            // a writer that knows nothing of Lethe: one message for a transaction of three
            // statements on two tables
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET application_name = 'helpdesk-app'");
                st.execute("INSERT INTO contacts (id, email) VALUES (11, 'a@example.eu')");
                st.execute("INSERT INTO contacts (id, email) VALUES (12, 'b@example.eu')");
                st.execute("INSERT INTO tickets (contact_id, subject) VALUES (11, 's')");
            }
            c.commit();
            // an application naming its user with SET LOCAL
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lethe.actor = 'agent:7'");
                st.execute("SET LOCAL lethe.actor_reason = 'ticket triage'");
                st.execute("UPDATE contacts SET phone = '+4930123456' WHERE id = 11");
            }
            c.commit();
            // Lethe's own writers emit first: the trigger adds nothing
            Actor.system("loader", "seed").emit(c);
            try (Statement st = c.createStatement()) {
                st.execute("UPDATE contacts SET phone = '+4930999999' WHERE id = 12");
            }
            c.commit();
            c.setAutoCommit(true);
        }
        List<String> messages =
                HelpdeskPostgres.strings(
                        ds,
                        "SELECT data FROM pg_logical_slot_get_changes('"
                                + slot
                                + "', NULL, NULL) WHERE data LIKE 'message:%'");
        HelpdeskPostgres.execute(ds, "SELECT pg_drop_replication_slot('" + slot + "')");
        assertThat(messages).hasSize(3);
        Actor database = Actor.fromJson(content(messages.get(0)));
        assertThat(database.type()).isEqualTo(Actor.DATABASE);
        assertThat(database.id()).isEqualTo("postgres");
        assertThat(database.reason())
                .matches("application=helpdesk-app; role=postgres; client=(local|[0-9a-f.:]+)");
        assertThat(Actor.fromJson(content(messages.get(1))))
                .isEqualTo(new Actor("agent", "7", "ticket triage"));
        assertThat(Actor.fromJson(content(messages.get(2))))
                .isEqualTo(Actor.system("loader", "seed"));
    }

    @Test
    void everyMigrationOfAHelpdeskTableIsAMessageOfItsTransaction() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();
        String slot = "schema_" + System.nanoTime();
        HelpdeskPostgres.execute(
                ds, "SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("SET application_name = 'migrate-tool'");
            st.execute("ALTER TABLE contacts ADD COLUMN nickname varchar(40)");
            st.execute("ALTER TABLE contacts ADD COLUMN tier integer NOT NULL DEFAULT 1");
            st.execute("ALTER TABLE contacts ALTER COLUMN tier TYPE bigint");
            st.execute("ALTER TABLE contacts RENAME COLUMN nickname TO alias");
            st.execute("ALTER TABLE contacts DROP COLUMN alias");
            st.execute(
                    "CREATE TABLE invoices (id bigint PRIMARY KEY, contact_id bigint, total numeric(10,2))");
            st.execute("ALTER PUBLICATION lethe_helpdesk ADD TABLE invoices");
            st.execute("ALTER TABLE invoices RENAME TO bills");
            st.execute("DROP TABLE bills");
            // Lethe's own tables and a rolled-back migration leave nothing
            st.execute("CREATE TABLE lethe_scratch (id int)");
            c.setAutoCommit(false);
            st.execute("ALTER TABLE contacts ADD COLUMN never text");
            c.rollback();
            c.setAutoCommit(true);
        }
        List<String> lines =
                HelpdeskPostgres.strings(
                        ds,
                        "SELECT data FROM pg_logical_slot_get_changes('"
                                + slot
                                + "', NULL, NULL) WHERE data LIKE 'message:%lethe.schema%'");
        HelpdeskPostgres.execute(ds, "SELECT pg_drop_replication_slot('" + slot + "')");
        com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> messages = new java.util.ArrayList<>();
        for (String line : lines) {
            assertThat(line).startsWith("message: transactional: 1 prefix: lethe.schema");
            messages.add(json.readTree(content(line)));
        }
        assertThat(messages)
                .extracting(
                        m ->
                                m.path("command").asText()
                                        + " "
                                        + m.path("table").asText()
                                        + " "
                                        + m.path("change").asText())
                .containsExactly(
                        "ALTER TABLE contacts altered",
                        "ALTER TABLE contacts altered",
                        "ALTER TABLE contacts altered",
                        "ALTER TABLE contacts altered",
                        "ALTER TABLE contacts altered",
                        "CREATE TABLE invoices created",
                        "ALTER PUBLICATION invoices published",
                        "ALTER TABLE bills altered",
                        "DROP TABLE bills dropped");
        assertThat(messages.get(0).path("added").toString())
                .isEqualTo("[\"nickname character varying(40)\"]");
        assertThat(messages.get(1).path("added").toString())
                .isEqualTo("[\"tier integer NOT NULL\"]");
        assertThat(messages.get(2).path("retyped").toString())
                .isEqualTo("[\"tier: integer NOT NULL -> bigint NOT NULL\"]");
        assertThat(messages.get(3).path("renamed").toString()).isEqualTo("[\"nickname -> alias\"]");
        assertThat(messages.get(4).path("removed").toString())
                .isEqualTo("[\"alias character varying(40)\"]");
        assertThat(messages.get(4).path("columns").toString())
                .contains("\"email text NOT NULL\"")
                .contains("tier bigint NOT NULL")
                .doesNotContain("alias");
        assertThat(messages.get(5).path("columns").toString())
                .isEqualTo(
                        "[\"id bigint NOT NULL\",\"contact_id bigint\",\"total numeric(10,2)\"]");
        assertThat(messages.get(5).path("publications").toString()).isEqualTo("[]");
        assertThat(messages.get(6).path("published").toString()).isEqualTo("[\"lethe_helpdesk\"]");
        assertThat(messages.get(7).path("renamedFrom").asText()).isEqualTo("invoices");
        assertThat(messages.get(8).path("removed").size()).isEqualTo(3);
        assertThat(messages.get(8).path("unpublished").toString())
                .isEqualTo("[\"lethe_helpdesk\"]");
        Actor actor = Actor.fromJson(messages.get(0).path("actor").toString());
        assertThat(actor.type()).isEqualTo(Actor.DATABASE);
        assertThat(actor.reason()).startsWith("application=migrate-tool; role=postgres");
    }

    /** The content of a test_decoding message line ({@code ... content:<payload>}). */
    private static String content(String line) {
        return line.substring(line.indexOf("content:") + "content:".length());
    }

    @Test
    void everyHelpdeskTableHasReplicaIdentityFull() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();

        assertThat(
                        HelpdeskPostgres.strings(
                                ds,
                                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                                        + " c.relnamespace WHERE n.nspname = 'public' AND"
                                        + " c.relkind = 'r' AND c.relreplident = 'f' ORDER BY 1"))
                .containsExactlyElementsOf(HELPDESK_TABLES);
    }

    @Test
    void thePublicationListsExactlyTheHelpdeskTablesAndTheSignalTable() throws Exception {
        DataSource ds = HelpdeskPostgres.migratedDatabase();

        assertThat(
                        HelpdeskPostgres.strings(
                                ds,
                                "SELECT tablename FROM pg_publication_tables"
                                        + " WHERE pubname = 'lethe_helpdesk' ORDER BY 1"))
                .containsExactlyInAnyOrderElementsOf(
                        java.util.stream.Stream.concat(
                                        HELPDESK_TABLES.stream(),
                                        java.util.stream.Stream.of("lethe_signal"))
                                .toList());
    }
}
