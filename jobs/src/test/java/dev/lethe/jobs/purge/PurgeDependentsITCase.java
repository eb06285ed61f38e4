package dev.lethe.jobs.purge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.catalog.HelpdeskDatabase;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.simulator.HelpdeskMigrations;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A contact's retention purge never takes live work with it: an open ticket nobody deleted blocks
 * the purge (retried later) and nothing is deleted; once the ticket is closed, the contact goes
 * with its tickets.
 */
class PurgeDependentsITCase {

    @RegisterExtension
    static final HelpdeskDatabase HELPDESK =
            HelpdeskDatabase.migratedBy(HelpdeskMigrations::migrate);

    private static JdbcPurgeExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        executor = ContactPurges.executor(HELPDESK.db());
        executor.createSchema();
    }

    @Test
    void anOpenTicketBlocksItsSoftDeletedContactsPurgeUntilItIsClosed() throws Exception {
        long contact = HELPDESK.insert("INSERT INTO contacts (email) VALUES ('gone@example.eu')");
        long ticket =
                HELPDESK.insert(
                        "INSERT INTO tickets (contact_id, subject) VALUES ("
                                + contact
                                + ", 'still open')");
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
        return ContactPurges.commandFor(HELPDESK.db(), contact);
    }

    private static void exec(String sql) {
        HELPDESK.exec(sql);
    }

    private static long count(String sql) throws Exception {
        return HELPDESK.number(sql);
    }
}
