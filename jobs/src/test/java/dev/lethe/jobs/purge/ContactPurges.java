package dev.lethe.jobs.purge;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.retention.RetentionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Soft-deleted contacts purged on a helpdesk database: the policy, the executor, the retention
 * command the policy schedules for a contact as the job would.
 */
final class ContactPurges {

    static final PersonalDataCatalog CATALOG = PersonalDataCatalog.loadDefault();

    /**
     * Soft-deleted contacts go 5 s after {@code deleted_at}; rows soft-deleted before the adoption
     * (a day back, say) are purged at once all the same.
     */
    static final RetentionPolicy POLICY =
            RetentionPolicy.load(
                    new ByteArrayInputStream(
                            ("version: 1\nadoption: purge-immediately\nrules:\n"
                                            + "  - {id: contacts.soft-deleted, table: contacts,"
                                            + " since: deleted_at, after: 5s, action: delete}\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    "test",
                    CATALOG);

    private ContactPurges() {}

    /** An executor of {@link #POLICY} on {@code db}, its clock in 2100: every deadline passed. */
    static JdbcPurgeExecutor executor(DataSource db) {
        return new JdbcPurgeExecutor(
                db,
                CATALOG,
                POLICY,
                Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    static PurgeCommand commandFor(DataSource db, long contact) throws Exception {
        String deletedAt;
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT deleted_at FROM contacts WHERE id = " + contact)) {
            r.next();
            deletedAt = r.getString(1);
        }
        var due =
                POLICY.due("contacts", Map.of("id", "" + contact, "deleted_at", deletedAt))
                        .orElseThrow();
        return PurgeCommand.retention(
                "contacts", Map.of("id", "" + contact), "contacts/" + contact, due);
    }
}
