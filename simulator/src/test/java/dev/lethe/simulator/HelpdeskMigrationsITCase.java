package dev.lethe.simulator;

import static dev.lethe.simulator.HelpdeskPostgres.HELPDESK_TABLES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class HelpdeskMigrationsITCase {

    @Test
    void appliesTheSchemaOnceAndIsThenCurrent() throws Exception {
        String database = HelpdeskPostgres.emptyDatabase();
        String url = HelpdeskPostgres.jdbcUrl(database);

        // V1 the schema, V2 the email trigger's exception for the purge's anonymization, V3 the
        // indexes of the audit job's look-ups, V4 Debezium's signalling table
        assertThat(HelpdeskMigrations.migrate(url, "postgres", "postgres")).isEqualTo(4);
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
