package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.simulator.HelpdeskMigrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A purge that takes many rows with it runs in bounded transactions, each re-checking the row under
 * its lock: a restore or a hold that arrives between two batches stops it, keeping the rows that
 * were eligible when their batch committed; a dependent in use anywhere in the tree stops it before
 * anything is deleted.
 */
class PurgeBatchesITCase {

    private static final int BATCH = 5;

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate);

    private static final List<Runnable> BETWEEN_BATCHES = new ArrayList<>();
    private static JdbcPurgeExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        executor =
                ContactPurges.executor(HELPDESK.db())
                        .inBatchesOf(BATCH)
                        .afterEachBatch(
                                () -> {
                                    if (!BETWEEN_BATCHES.isEmpty()) {
                                        BETWEEN_BATCHES.remove(0).run();
                                    }
                                });
        executor.createSchema();
        // every deleted helpdesk row records the transaction that deleted it
        exec("CREATE TABLE deletions (txid bigint, tbl text)");
        exec(
                "CREATE FUNCTION record_deletion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO deletions VALUES (txid_current(), TG_TABLE_NAME);"
                        + " RETURN OLD; END $$");
        for (String table : List.of("contacts", "tickets", "threads", "comments", "consents")) {
            exec(
                    "CREATE TRIGGER record_deletion AFTER DELETE ON "
                            + table
                            + " FOR EACH ROW EXECUTE FUNCTION record_deletion()");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        executor.close();
    }

    @BeforeEach
    void clear() throws Exception {
        BETWEEN_BATCHES.clear();
        exec("DELETE FROM deletions");
    }

    @Test
    void aContactWithManyRowsIsPurgedInTransactionsOfAtMostTheBatchSize() throws Exception {
        long contact =
                softDeletedContactWithClosedTickets(6); // 6 tickets + 12 threads + 6 comments

        PurgeOutcome done = executor.execute(commandFor(contact));

        assertThat(done.done()).as(done.reason()).isTrue();
        assertThat(count("SELECT count(*) FROM contacts WHERE id = " + contact)).isZero();
        assertThat(count("SELECT count(*) FROM tickets WHERE contact_id = " + contact)).isZero();
        assertThat(count("SELECT count(*) FROM deletions")).isEqualTo(25);
        assertThat(
                        count(
                                "SELECT max(n) FROM (SELECT count(*) n FROM deletions"
                                        + " GROUP BY txid) t"))
                .as("rows deleted by one transaction")
                .isLessThanOrEqualTo(BATCH);
        assertThat(count("SELECT count(DISTINCT txid) FROM deletions")).isEqualTo(5);
        assertThat(receiptAttributes(done.receiptId()))
                .contains("\"rowsDeleted\":\"25\"")
                .contains("\"batches\":\"5\"");
    }

    @Test
    void aRestoreBetweenTwoBatchesStopsThePurgeAndKeepsTheRestOfTheContact() throws Exception {
        long contact = softDeletedContactWithClosedTickets(6);
        BETWEEN_BATCHES.add(
                () -> exec("UPDATE contacts SET deleted_at = NULL WHERE id = " + contact));

        PurgeOutcome stopped = executor.execute(commandFor(contact));

        assertThat(stopped.done()).isFalse();
        assertThat(stopped.verdict()).isEqualTo(Verdict.RESTORED);
        assertThat(count("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(count("SELECT count(*) FROM deletions")).isEqualTo(BATCH);
        assertThat(count("SELECT count(*) FROM tickets WHERE contact_id = " + contact))
                .as("tickets the first batch did not reach")
                .isPositive();
        assertThat(receiptAttributes(stopped.receiptId()))
                .contains("\"rowsDeletedBeforeStop\":\"" + BATCH + "\"");
    }

    @Test
    void aHoldPlacedBetweenTwoBatchesStopsThePurge() throws Exception {
        long contact = softDeletedContactWithClosedTickets(6);
        BETWEEN_BATCHES.add(
                () ->
                        exec(
                                "INSERT INTO lethe.legal_holds (subject_id, reason) VALUES"
                                        + " ('contact:"
                                        + contact
                                        + "', 'litigation')"));

        PurgeOutcome stopped = executor.execute(commandFor(contact));

        assertThat(stopped.verdict()).isEqualTo(Verdict.LEGAL_HOLD);
        assertThat(stopped.retryLater()).isTrue();
        assertThat(count("SELECT count(*) FROM contacts WHERE id = " + contact)).isOne();
        assertThat(count("SELECT count(*) FROM deletions")).isEqualTo(BATCH);
        exec("UPDATE lethe.legal_holds SET released_at = now()");
    }

    @Test
    void anOpenTicketBeyondTheFirstBatchStopsThePurgeBeforeAnythingIsDeleted() throws Exception {
        long contact = softDeletedContactWithClosedTickets(6);
        long open =
                insert(
                        "INSERT INTO tickets (contact_id, subject) VALUES ("
                                + contact
                                + ", 'open')");

        PurgeOutcome blocked = executor.execute(commandFor(contact));

        assertThat(blocked.verdict()).isEqualTo(Verdict.DEPENDENT_IN_USE);
        assertThat(blocked.reason()).contains("tickets/" + open);
        assertThat(count("SELECT count(*) FROM deletions")).isZero();
    }

    private static long softDeletedContactWithClosedTickets(int tickets) throws Exception {
        long contact =
                insert(
                        "INSERT INTO contacts (email) VALUES ('b"
                                + System.nanoTime()
                                + "@example.eu')");
        for (int i = 0; i < tickets; i++) {
            long ticket =
                    insert(
                            "INSERT INTO tickets (contact_id, subject, status, closed_at) VALUES ("
                                    + contact
                                    + ", 's', 'closed', now())");
            for (int t = 0; t < 2; t++) {
                insert("INSERT INTO threads (ticket_id, content) VALUES (" + ticket + ", 'x')");
            }
            insert("INSERT INTO comments (ticket_id, content) VALUES (" + ticket + ", 'c')");
        }
        exec("UPDATE contacts SET deleted_at = now() - interval '1 day' WHERE id = " + contact);
        return contact;
    }

    private static PurgeCommand commandFor(long contact) throws Exception {
        return ContactPurges.commandFor(HELPDESK.db(), contact);
    }

    private static String receiptAttributes(String receiptId) throws Exception {
        try (Connection c = HELPDESK.db().getConnection();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT attributes_json FROM lethe.purge_log WHERE receipt_id = '"
                                        + receiptId
                                        + "'")) {
            assertThat(r.next()).as("receipt " + receiptId).isTrue();
            return r.getString(1);
        }
    }

    private static long insert(String sql) throws Exception {
        return HELPDESK.insert(sql);
    }

    private static long count(String sql) throws Exception {
        return HELPDESK.number(sql);
    }

    private static void exec(String sql) {
        HELPDESK.exec(sql);
    }
}
