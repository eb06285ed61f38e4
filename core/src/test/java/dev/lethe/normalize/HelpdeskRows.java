package dev.lethe.normalize;

import java.util.List;
import java.util.Map;

/**
 * Helpdesk rows as Debezium renders them with the helpdesk connector's settings: BIGINT as a JSON
 * number, BOOLEAN as a JSON boolean, TIMESTAMPTZ as an ISO-8601 string (ZonedTimestamp), JSONB as a
 * string holding the JSON text (io.debezium.data.Json), SQL NULL as null. Columns as in
 * V1__helpdesk_schema.sql, typed out here rather than taken from {@link HelpdeskTables}.
 */
final class HelpdeskRows {

    static final String CREATED = "2025-03-14T09:26:53.589793Z";
    static final String UPDATED = "2025-03-15T16:02:11.004512Z";

    private HelpdeskRows() {}

    static Row contact(long id) {
        return Row.of(
                "id", id,
                "account_id", 7L,
                "first_name", "Anna",
                "last_name", "Bergström",
                "email", "anna.bergstrom@example.eu",
                "phone", "+46 8 123 456 78",
                "mobile", null,
                "twitter_handle", "@annaberg",
                "locale", "sv-SE",
                "region", "EU",
                "created_at", CREATED,
                "updated_at", CREATED,
                "deleted_at", null);
    }

    static Row account(long id) {
        return Row.of(
                "id",
                id,
                "name",
                "Nordlicht Reisen GmbH",
                "domain",
                "nordlicht-reisen.example",
                "region",
                "EU",
                "created_at",
                CREATED,
                "updated_at",
                CREATED,
                "deleted_at",
                null);
    }

    /** A ticket whose custom_fields jsonb arrives as Debezium sends it: a string of JSON text. */
    static Row ticket(long id, long contactId, String customFieldsJson) {
        return Row.of(
                "id",
                id,
                "contact_id",
                contactId,
                "agent_id",
                null,
                "subject",
                "Refund for order 5531",
                "description",
                "I was charged twice for the same booking.",
                "status",
                "open",
                "channel",
                "email",
                "custom_fields",
                customFieldsJson,
                "created_at",
                CREATED,
                "updated_at",
                CREATED,
                "closed_at",
                null,
                "deleted_at",
                null);
    }

    /**
     * A ticket whose custom_fields arrive as nested JSON (as a converter other than Debezium's may
     * send).
     */
    static Row ticketWithNestedCustomFields(long id, long contactId) {
        return ticket(id, contactId, null)
                .with(
                        "custom_fields",
                        Map.of(
                                "loyalty_number",
                                "LN-88231",
                                "vip",
                                true,
                                "tags",
                                List.of(1, 2.50)));
    }

    static Row consent(long id, long contactId, boolean granted) {
        return Row.of(
                "id", id,
                "contact_id", contactId,
                "purpose", "newsletter",
                "granted", granted,
                "form", "signup-2025-03",
                "source", "web",
                "recorded_at", CREATED,
                "created_at", CREATED,
                "updated_at", CREATED,
                "deleted_at", null);
    }

    static Row attachment(long id, long ticketId, long sizeBytes) {
        return Row.of(
                "id",
                id,
                "ticket_id",
                ticketId,
                "thread_id",
                null,
                "file_name",
                "passport-scan.pdf",
                "content_type",
                "application/pdf",
                "size_bytes",
                sizeBytes,
                "storage_key",
                "s3://helpdesk-attachments/2025/03/9f1c2e",
                "created_at",
                CREATED,
                "updated_at",
                CREATED,
                "deleted_at",
                null);
    }
}
