package dev.lethe.discovery;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.events.SourcePosition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helpdesk rows and their normalized changes, as the discovery tests need them (core's, and the
 * discovery operators' in {@code jobs}, through core's test-jar).
 */
public final class DiscoveryRows {

    /** The commit time of every change made here. */
    public static final Instant AT = Instant.parse("2025-03-14T09:26:53Z");

    private DiscoveryRows() {}

    static Map<String, String> contact(long id, String first, String last, String email) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("account_id", null);
        r.put("first_name", first);
        r.put("last_name", last);
        r.put("email", email);
        r.put("phone", null);
        r.put("mobile", null);
        r.put("twitter_handle", null);
        r.put("locale", "de-DE");
        r.put("region", "EU");
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("deleted_at", null);
        return r;
    }

    static Map<String, String> ticket(
            long id, long contactId, String subject, String description, String customFields) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("contact_id", Long.toString(contactId));
        r.put("agent_id", null);
        r.put("subject", subject);
        r.put("description", description);
        r.put("status", "open");
        r.put("channel", "email");
        r.put("custom_fields", customFields);
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("closed_at", null);
        r.put("deleted_at", null);
        return r;
    }

    static Map<String, String> thread(
            long id, long ticketId, String from, String to, String content) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("ticket_id", Long.toString(ticketId));
        r.put("direction", "in");
        r.put("from_address", from);
        r.put("to_address", to);
        r.put("content", content);
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("deleted_at", null);
        return r;
    }

    static Map<String, String> fieldDefinition(long id, String name, boolean encrypted) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", Long.toString(id));
        r.put("name", name);
        r.put("label", name);
        r.put("field_type", "text");
        r.put("encrypted", Boolean.toString(encrypted));
        r.put("created_at", AT.toString());
        r.put("updated_at", AT.toString());
        r.put("deleted_at", null);
        return r;
    }

    public static Map<String, String> with(Map<String, String> row, String column, String value) {
        Map<String, String> r = new LinkedHashMap<>(row);
        r.put(column, value);
        return r;
    }

    public static ChangeEvent inserted(String table, Map<String, String> row, long lsn) {
        return change(table, Operation.INSERT, null, row, lsn);
    }

    public static ChangeEvent updated(
            String table, Map<String, String> before, Map<String, String> after, long lsn) {
        return change(table, Operation.UPDATE, before, after, lsn);
    }

    public static ChangeEvent deleted(String table, Map<String, String> before, long lsn) {
        return change(table, Operation.DELETE, before, null, lsn);
    }

    public static ChangeEvent change(
            String table,
            Operation op,
            Map<String, String> before,
            Map<String, String> after,
            long lsn) {
        Map<String, String> image = after != null ? after : before;
        return new ChangeEvent(
                table,
                Map.of("id", image.get("id")),
                op,
                before,
                after,
                new SourcePosition(lsn, 1L, AT, AT, false, "helpdesk.public." + table, 0, lsn),
                null);
    }
}
