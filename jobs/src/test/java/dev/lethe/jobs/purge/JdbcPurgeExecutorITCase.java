package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.jobs.config.HelpdeskDataSources;
import dev.lethe.retention.FileStore;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import dev.lethe.simulator.HelpdeskMigrations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The purge executor on a real, migrated helpdesk database. */
class JdbcPurgeExecutorITCase {

    private static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();
    private static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\nrules:\n"
                                            + "  - {id: tickets.soft-deleted, table: tickets,"
                                            + " since: deleted_at, after: 5s, action: delete}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    CATALOG);
    private static final Instant LATER = Instant.parse("2100-01-01T00:00:00Z");

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate)
                    .withServerConfig("wal_level", "logical");

    @TempDir static Path attachments;
    private static DataSource db;
    private static JdbcPurgeExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        db = HELPDESK.db();
        executor =
                new JdbcPurgeExecutor(db, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC))
                        .deletingFilesIn(FileStore.directory(attachments));
        executor.createSchema();
    }

    @AfterAll
    static void stop() throws Exception {
        executor.close();
    }

    private static long insert(String sql) throws Exception {
        return HELPDESK.insert(sql);
    }

    private static long count(String sql) throws Exception {
        return HELPDESK.number(sql);
    }

    private static String deletedAt(long ticket) throws Exception {
        return text("SELECT deleted_at FROM tickets WHERE id = " + ticket);
    }

    private static long softDeletedTicketWithThread() throws Exception {
        long contact =
                insert(
                        "INSERT INTO contacts (email) VALUES ('c"
                                + System.nanoTime()
                                + "@example.eu')");
        long ticket =
                insert("INSERT INTO tickets (contact_id, subject) VALUES (" + contact + ", 's')");
        long thread =
                insert("INSERT INTO threads (ticket_id, content) VALUES (" + ticket + ", 'x')");
        insert(
                "INSERT INTO attachments (ticket_id, thread_id, file_name, content_type, size_bytes,"
                        + " storage_key) VALUES ("
                        + ticket
                        + ", "
                        + thread
                        + ", 'f', 't', 1, 'k-"
                        + ticket
                        + "')");
        Files.writeString(attachments.resolve("k-" + ticket), "the file's bytes");
        insert("INSERT INTO comments (ticket_id, content) VALUES (" + ticket + ", 'c')");
        execute("UPDATE tickets SET deleted_at = now() WHERE id = " + ticket);
        return ticket;
    }

    private static PurgeCommand commandFor(long ticket) throws Exception {
        var due =
                POLICY.due("tickets", Map.of("id", "" + ticket, "deleted_at", deletedAt(ticket)))
                        .orElseThrow();
        return PurgeCommand.retention(
                "tickets", Map.of("id", "" + ticket), "tickets/" + ticket, due);
    }

    @Test
    void aPurgeDueBeforeTheAdoptionWaitsForTheBacklogsApprovalUnlessThePolicySaysOtherwise()
            throws Exception {
        long old = softDeletedTicketWithThread();
        // soft-deleted a year before Lethe adopted the database: its deadline is in the backlog
        execute(
                "UPDATE tickets SET deleted_at = (SELECT adopted_at FROM lethe.adoption)"
                        + " - interval '365 days' WHERE id = "
                        + old);
        PurgeCommand command = commandFor(old);
        long receipts = count("SELECT count(*) FROM lethe.purge_log");

        PurgeOutcome held = executor.execute(command);
        assertThat(held.outcome()).isEqualTo(PurgeOutcome.SKIPPED);
        assertThat(held.verdict()).isEqualTo(Verdict.ADOPTION_BACKLOG);
        assertThat(held.retryLater()).isTrue();
        assertThat(held.reason()).startsWith("ADOPTION_BACKLOG: due at ");
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + old)).isOne();
        assertThat(count("SELECT count(*) FROM lethe.purge_log")).isEqualTo(receipts);

        RetentionPolicy immediately =
                RetentionPolicy.load(
                        new ByteArrayInputStream(
                                ("version: 1\nadoption: purge-immediately\nrules:\n"
                                                + "  - {id: tickets.soft-deleted, table: tickets,"
                                                + " since: deleted_at, after: 5s, action: delete}\n")
                                        .getBytes(StandardCharsets.UTF_8)),
                        "test",
                        CATALOG);
        long other = softDeletedTicketWithThread();
        execute(
                "UPDATE tickets SET deleted_at = (SELECT adopted_at FROM lethe.adoption)"
                        + " - interval '365 days' WHERE id = "
                        + other);
        try (JdbcPurgeExecutor anyway =
                new JdbcPurgeExecutor(db, CATALOG, immediately, Clock.fixed(LATER, ZoneOffset.UTC))
                        .deletingFilesIn(FileStore.directory(attachments))) {
            assertThat(anyway.execute(commandFor(other)).done()).isTrue();
        }

        try (Connection c = db.getConnection()) {
            assertThat(AdoptionBacklog.approve(c, "dpo", "decision 7")).isPresent();
            assertThat(AdoptionBacklog.approve(c, "someone-else", null))
                    .as("the first approval stands")
                    .isEmpty();
            assertThat(AdoptionBacklog.read(c).approvedBy()).isEqualTo("dpo");
        }
        try {
            // the executor rereads lethe.adoption at most every few seconds: a new one reads it now
            try (JdbcPurgeExecutor approved =
                    new JdbcPurgeExecutor(db, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC))
                            .deletingFilesIn(FileStore.directory(attachments))) {
                assertThat(approved.execute(command).done()).isTrue();
            }
            assertThat(count("SELECT count(*) FROM tickets WHERE id = " + old)).isZero();
        } finally {
            execute(
                    "UPDATE lethe.adoption SET backlog_approved_at = NULL,"
                            + " backlog_approved_by = NULL, backlog_approval_reason = NULL");
        }
    }

    @Test
    void aDueSoftDeletedTicketIsDeletedWithItsDependentsAndAReceiptOnce() throws Exception {
        long ticket = softDeletedTicketWithThread();
        PurgeCommand command = commandFor(ticket);

        PurgeOutcome first = executor.execute(command);
        assertThat(first.done()).isTrue();
        assertThat(attachments.resolve("k-" + ticket)).as("the attachment's file").doesNotExist();
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isZero();
        assertThat(count("SELECT count(*) FROM threads WHERE ticket_id = " + ticket)).isZero();
        assertThat(count("SELECT count(*) FROM attachments WHERE ticket_id = " + ticket)).isZero();
        assertThat(count("SELECT count(*) FROM comments WHERE ticket_id = " + ticket)).isZero();

        PurgeOutcome replay = executor.execute(command);
        assertThat(replay.replay()).isTrue();
        assertThat(replay.receiptId()).isEqualTo(first.receiptId());
        assertThat(
                        count(
                                "SELECT count(*) FROM lethe.purge_log WHERE command_id = '"
                                        + command.commandId()
                                        + "'"))
                .isEqualTo(1);
    }

    @Test
    void aRestoredTicketIsSkippedWithTheReason() throws Exception {
        long ticket = softDeletedTicketWithThread();
        PurgeCommand command = commandFor(ticket);
        execute("UPDATE tickets SET deleted_at = NULL WHERE id = " + ticket);
        PurgeOutcome outcome = executor.execute(command);
        assertThat(outcome.outcome()).isEqualTo(PurgeOutcome.SKIPPED);
        assertThat(outcome.verdict()).isEqualTo(Verdict.RESTORED);
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isEqualTo(1);
    }

    @Test
    void aHoldOnTheSubjectSuspendsThePurge() throws Exception {
        long ticket = softDeletedTicketWithThread();
        long contact = count("SELECT contact_id FROM tickets WHERE id = " + ticket);
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    "INSERT INTO lethe.legal_holds (subject_id, reason) VALUES ('contact:"
                            + contact
                            + "', 'case 17')");
        }
        PurgeOutcome outcome = executor.execute(commandFor(ticket));
        assertThat(outcome.verdict()).isEqualTo(Verdict.LEGAL_HOLD);
        assertThat(outcome.reason()).contains("case 17");
        assertThat(outcome.retryLater()).isTrue();
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isEqualTo(1);
    }

    @Test
    void thePurgeAndItsReceiptCommitTogether() throws Exception {
        long ticket = softDeletedTicketWithThread();
        PurgeCommand command = commandFor(ticket);
        // a receipt row that makes the insert fail after the delete: the delete must roll back
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE OR REPLACE FUNCTION fail_receipt() RETURNS trigger AS $$ BEGIN"
                            + " IF NEW.command_id = '"
                            + command.commandId()
                            + "' THEN RAISE EXCEPTION 'crash'; END IF; RETURN NEW; END; $$"
                            + " LANGUAGE plpgsql");
            s.execute(
                    "CREATE TRIGGER fail_receipt BEFORE INSERT ON lethe.purge_log FOR EACH ROW"
                            + " WHEN (NEW.outcome = 'done') EXECUTE FUNCTION fail_receipt()");
        }
        try {
            assertThat(executor.execute(command).outcome()).isEqualTo(PurgeOutcome.FAILED);
            assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isEqualTo(1);
        } finally {
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER fail_receipt ON lethe.purge_log");
            }
        }
        assertThat(executor.execute(command).done()).isTrue();
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isZero();
    }

    // ---- contacts anonymized rather than deleted (migration V2 lets the purge change the email)

    private static final RetentionPolicy ANONYMIZE_CONTACTS =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\nrules:\n"
                                            + "  - {id: contacts.soft-deleted, table: contacts,"
                                            + " since: deleted_at, after: 5s, action: anonymize,"
                                            + " anonymize: {email: placeholder, first_name:"
                                            + " redacted, last_name: redacted, phone: null}}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    CATALOG);

    private static long softDeletedContact(String email) throws Exception {
        long contact =
                insert(
                        "INSERT INTO contacts (first_name, last_name, email, phone) VALUES"
                                + " ('Anna', 'Berg', '"
                                + email
                                + "', '+4930123456')");
        insert("INSERT INTO tickets (contact_id, subject) VALUES (" + contact + ", 's')");
        execute("UPDATE contacts SET deleted_at = now() WHERE id = " + contact);
        return contact;
    }

    private static PurgeCommand anonymizeCommandFor(long contact) throws Exception {
        String deletedAt = text("SELECT deleted_at FROM contacts WHERE id = " + contact);
        var due =
                ANONYMIZE_CONTACTS
                        .due("contacts", Map.of("id", "" + contact, "deleted_at", deletedAt))
                        .orElseThrow();
        return PurgeCommand.retention(
                "contacts", Map.of("id", "" + contact), "contacts/" + contact, due);
    }

    @Test
    void aContactIsAnonymizedEmailIncludedAndKeepsItsTickets() throws Exception {
        JdbcPurgeExecutor anonymizing =
                new JdbcPurgeExecutor(
                        db, CATALOG, ANONYMIZE_CONTACTS, Clock.fixed(LATER, ZoneOffset.UTC));
        long contact = softDeletedContact("anna." + System.nanoTime() + "@example.eu");
        PurgeCommand command = anonymizeCommandFor(contact);

        PurgeOutcome outcome = anonymizing.execute(command);

        assertThat(outcome.done()).as(outcome.reason()).isTrue();
        assertThat(
                        text(
                                "SELECT email || ' ' || first_name || ' ' || last_name || ' '"
                                        + " || coalesce(phone, 'NULL') FROM contacts WHERE id = "
                                        + contact))
                .isEqualTo("erased-contacts-" + contact + "@erased.invalid [erased] [erased] NULL");
        assertThat(count("SELECT count(*) FROM tickets WHERE contact_id = " + contact))
                .isEqualTo(1);
        assertThat(
                        text(
                                "SELECT action || ' ' || outcome || ' ' || attributes_json FROM"
                                        + " lethe.purge_log WHERE command_id = '"
                                        + command.commandId()
                                        + "'"))
                .startsWith("anonymize done ")
                .contains("email");
        assertThat(anonymizing.execute(command).replay()).isTrue();
    }

    @Test
    void theHelpdeskStillCannotChangeAContactsEmail() throws Exception {
        long contact = softDeletedContact("bert." + System.nanoTime() + "@example.eu");
        String placeholder = "erased-contacts-" + contact + "@erased.invalid";
        // an ordinary update, even to the placeholder
        assertEmailChangeRejected(
                "UPDATE contacts SET email = 'new."
                        + contact
                        + "@example.eu' WHERE id = "
                        + contact);
        assertEmailChangeRejected(
                "UPDATE contacts SET email = '" + placeholder + "' WHERE id = " + contact);
        // with the purge's marker, but a value other than this contact's placeholder
        assertEmailChangeRejected(
                "SELECT set_config('lethe.purge', 'on', true);"
                        + " UPDATE contacts SET email = 'new."
                        + contact
                        + "@example.eu' WHERE id = "
                        + contact);
        assertEmailChangeRejected(
                "SELECT set_config('lethe.purge', 'on', true);"
                        + " UPDATE contacts SET email = 'erased-contacts-"
                        + (contact + 1)
                        + "@erased.invalid' WHERE id = "
                        + contact);
        // the marker is local to the transaction that set it
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT set_config('lethe.purge', 'on', true)");
            c.commit();
            assertThatThrownBy(
                            () ->
                                    s.execute(
                                            "UPDATE contacts SET email = '"
                                                    + placeholder
                                                    + "' WHERE id = "
                                                    + contact))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cannot be changed");
            c.rollback();
        }
        // other columns stay editable
        execute("UPDATE contacts SET locale = 'de' WHERE id = " + contact);
        assertThat(text("SELECT email FROM contacts WHERE id = " + contact))
                .startsWith("bert.")
                .endsWith("@example.eu");
    }

    private static void assertEmailChangeRejected(String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> s.execute(sql))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining(
                            "contacts.email identifies the contact and cannot be" + " changed");
            c.rollback();
        }
    }

    private static void execute(String sql) {
        HELPDESK.exec(sql);
    }

    private static String text(String sql) throws Exception {
        return HELPDESK.text(sql);
    }

    @Test
    void closingTheExecutorClosesThePoolTheJobGaveIt() throws Exception {
        HikariDataSource pool =
                (HikariDataSource)
                        HelpdeskDataSources.pooled(
                                HELPDESK.jdbcUrl(), "postgres", "lethe-purge-test", 2);
        JdbcPurgeExecutor pooled =
                new JdbcPurgeExecutor(pool, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC))
                        .deletingFilesIn(FileStore.directory(attachments))
                        .closing(pool);
        long ticket = softDeletedTicketWithThread();
        assertThat(pooled.execute(commandFor(ticket)).done()).isTrue();
        assertThat(pool.isClosed()).isFalse();

        pooled.close();

        assertThat(pool.isClosed()).isTrue();
    }

    @Test
    void closingTheExecutorLeavesAPoolItDoesNotOwnOpen() throws Exception {
        // a closeable pool, so that closing it by mistake would show (a PGSimpleDataSource
        // cannot be closed, and a test on one could not fail); the shared executor stays open
        try (HikariDataSource pool =
                (HikariDataSource)
                        HelpdeskDataSources.pooled(
                                HELPDESK.jdbcUrl(), "postgres", "lethe-purge-test-borrowed", 2)) {
            JdbcPurgeExecutor borrowing =
                    new JdbcPurgeExecutor(pool, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC))
                            .deletingFilesIn(FileStore.directory(attachments));
            long ticket = softDeletedTicketWithThread();
            assertThat(borrowing.execute(commandFor(ticket)).done()).isTrue();

            borrowing.close();

            assertThat(pool.isClosed()).isFalse();
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r =
                            s.executeQuery("SELECT count(*) FROM tickets WHERE id = " + ticket)) {
                r.next();
                assertThat(r.getLong(1)).isZero();
            }
        }
    }

    @Test
    void theRecordsOfADoneDeleteAreHandedToTheLocationsIndexAfterTheCommitOnce() throws Exception {
        PurgedLocationsTest.RecordingIndex index = new PurgedLocationsTest.RecordingIndex();
        PurgedLocations locations = PurgedLocations.start(index, Duration.ofHours(1));
        JdbcPurgeExecutor removing =
                new JdbcPurgeExecutor(db, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC))
                        .deletingFilesIn(FileStore.directory(attachments))
                        .removingLocations(locations);
        long ticket = softDeletedTicketWithThread();
        long thread = count("SELECT id FROM threads WHERE ticket_id = " + ticket);
        long comment = count("SELECT id FROM comments WHERE ticket_id = " + ticket);
        long attachment = count("SELECT id FROM attachments WHERE ticket_id = " + ticket);
        long restored = softDeletedTicketWithThread();
        PurgeCommand restoredCommand = commandFor(restored);
        execute("UPDATE tickets SET deleted_at = NULL WHERE id = " + restored);

        PurgeCommand command = commandFor(ticket);
        assertThat(removing.execute(command).done()).isTrue();
        assertThat(removing.execute(command).replay()).isTrue();
        assertThat(removing.execute(restoredCommand).verdict()).isEqualTo(Verdict.RESTORED);
        removing.close();

        assertThat(index.forgotten())
                .containsExactlyInAnyOrder(
                        "tickets/" + ticket,
                        "threads/" + thread,
                        "comments/" + comment,
                        "attachments/" + attachment);
        assertThat(index.closed).isTrue();
    }

    @Test
    void aPurgeWhoseFileCannotBeDeletedFailsAndLeavesTheRowsForARetry() throws Exception {
        long ticket = softDeletedTicketWithThread();
        JdbcPurgeExecutor noStore =
                new JdbcPurgeExecutor(db, CATALOG, POLICY, Clock.fixed(LATER, ZoneOffset.UTC));

        PurgeOutcome failed = noStore.execute(commandFor(ticket));

        assertThat(failed.done()).isFalse();
        assertThat(failed.retryLater()).isTrue();
        assertThat(failed.reason()).contains("FILE_STORE_NOT_CONFIGURED");
        assertThat(count("SELECT count(*) FROM tickets WHERE id = " + ticket)).isOne();
        assertThat(count("SELECT count(*) FROM attachments WHERE ticket_id = " + ticket)).isOne();
        assertThat(attachments.resolve("k-" + ticket)).exists();
    }
}
