package dev.lethe.jobs.purge;

import dev.lethe.retention.RetentionPolicy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/** The retention command a policy schedules for a soft-deleted contact, as the job would. */
final class ContactPurges {

    private ContactPurges() {}

    static PurgeCommand commandFor(DataSource db, RetentionPolicy policy, long contact)
            throws Exception {
        String deletedAt;
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT deleted_at FROM contacts WHERE id = " + contact)) {
            r.next();
            deletedAt = r.getString(1);
        }
        var due =
                policy.due("contacts", Map.of("id", "" + contact, "deleted_at", deletedAt))
                        .orElseThrow();
        return PurgeCommand.retention(
                "contacts", Map.of("id", "" + contact), "contacts/" + contact, due);
    }
}
