package dev.lethe.jobs.discovery;

import dev.lethe.discovery.DiscoveryRows;
import dev.lethe.jobs.testing.DebeziumLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helpdesk rows for the discovery operator tests; their changes are made with core's {@link
 * DiscoveryRows}.
 */
final class DiscoveryTestData {

    static final Instant AT = DiscoveryRows.AT;

    private DiscoveryTestData() {}

    /**
     * Anna Müller (contact 1, a phone and an email of her own) as a raw topic's row ({@link
     * DebeziumLog#row}), for the job's ITCases.
     */
    static Map<String, Object> annaRaw() {
        return DebeziumLog.row(
                "contacts",
                "id",
                1,
                "first_name",
                "Anna",
                "last_name",
                "Müller",
                "email",
                "anna.mueller@example.eu",
                "phone",
                "030 23125000",
                "locale",
                "de-DE",
                "region",
                "EU");
    }

    static Map<String, String> contact(
            long id, String first, String last, String email, String mobile) {
        return row(
                "id",
                id,
                "account_id",
                null,
                "first_name",
                first,
                "last_name",
                last,
                "email",
                email,
                "phone",
                null,
                "mobile",
                mobile,
                "twitter_handle",
                null,
                "locale",
                "de-DE",
                "region",
                "EU",
                "created_at",
                AT,
                "updated_at",
                AT,
                "deleted_at",
                null);
    }

    static Map<String, String> ticket(long id, long contactId, String description) {
        return row(
                "id",
                id,
                "contact_id",
                contactId,
                "agent_id",
                null,
                "subject",
                "Rückruf bitte",
                "description",
                description,
                "status",
                "open",
                "channel",
                "email",
                "custom_fields",
                "{\"iban\":\"DE89370400440532013000\"}",
                "created_at",
                AT,
                "updated_at",
                AT,
                "closed_at",
                null,
                "deleted_at",
                null);
    }

    private static Map<String, String> row(Object... kv) {
        Map<String, String> r = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String) kv[i], kv[i + 1] == null ? null : kv[i + 1].toString());
        }
        return r;
    }
}
