package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.simulator.HelpdeskMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A contact's retention purge never takes live work with it: an open ticket nobody deleted blocks
 * the purge (retried later) and nothing is deleted; once the ticket is closed, the contact goes
 * with its tickets.
 */
class PurgeDependentsITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    /** Rows here are soft-deleted a day back, before the adoption: purged at once all the same. */
    private static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\nadoption: purge-immediately\nrules:\n"
                                            + "  - {id: contacts.soft-deleted, table: contacts,"
                                            + " since: deleted_at, after: 5s, action: delete}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    CATALOG);

    private static EmbeddedPostgres postgres;
    private static DataSource db;
    private static JdbcPurgeExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        HelpdeskMigrations.migrate(db);
        executor =
                new JdbcPurgeExecutor(
                        db,
                        CATALOG,
                        POLICY,
                        Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC));
        executor.createSchema();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void anOpenTicketBlocksItsSoftDeletedContactsPurgeUntilItIsClosed() throws Exception {
        long contact = id("INSERT INTO contacts (email) VALUES ('gone@example.eu') RETURNING id");
        long ticket =
                id(
                        "INSERT INTO tickets (contact_id, subject) VALUES ("
                                + contact
                                + ", 'still open') RETURNING id");
        exec("UPDATE contacts SET deleted_at = now() - interval '1 day' WHERE id = " + contact);
        PurgeCommand command = commandFor(contact);

        PurgeOutcome blocked = executor.execute(command);

        assertThat(blocked.done()).isFalse();
        assertThat(blocked.verdict()).isEqualTo(Verdict.DEPENDENT_IN_USE);
        assertThat(blocked.retryLater()).isTrue();
        assertThat(blocked.reason()).contains("tickets/" + ticket);
        assertThat(count("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isOne();

        exec("UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = " + ticket);
        PurgeOutcome done = executor.execute(command);

        assertThat(done.done()).isTrue();
        assertThat(count("SELECT count(*) FROM contacts WHERE id = " + contact)).isZero();
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isZero();
    }

    private static PurgeCommand commandFor(long contact) throws Exception {
        return ContactPurges.commandFor(db, POLICY, contact);
    }

    private static long id(String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static long count(String sql) throws Exception {
        return id(sql);
    }
}
