package dev.lethe.normalize;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns of each helpdesk table that Debezium captures, as created by {@code
 * V1__helpdesk_schema.sql} (module connectors). A migration that adds, drops or renames a column
 * must change this list too; until it does, {@link ChangeNormalizer} rejects the table's rows as
 * {@code SCHEMA_CHANGE}, so nothing is processed under a wrong idea of what a row holds.
 */
public final class HelpdeskTables {

    /** Table name (without schema) -> its columns, in table order. Unmodifiable. */
    public static final Map<String, Set<String>> COLUMNS = columnsByTable();

    /** Every helpdesk table has the single-column primary key {@code id}. */
    public static final List<String> PRIMARY_KEY = List.of("id");

    private HelpdeskTables() {}

    /** The columns of {@code table}, or an empty set if it is not a helpdesk table. */
    public static Set<String> columns(String table) {
        return COLUMNS.getOrDefault(table, Set.of());
    }

    private static Map<String, Set<String>> columnsByTable() {
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        table(
                tables,
                "accounts",
                "id",
                "name",
                "domain",
                "region",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "contacts",
                "id",
                "account_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "mobile",
                "twitter_handle",
                "locale",
                "region",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "agents",
                "id",
                "name",
                "email",
                "role",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "custom_field_definitions",
                "id",
                "name",
                "label",
                "field_type",
                "encrypted",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "tickets",
                "id",
                "contact_id",
                "agent_id",
                "subject",
                "description",
                "status",
                "channel",
                "custom_fields",
                "created_at",
                "updated_at",
                "closed_at",
                "deleted_at");
        table(
                tables,
                "threads",
                "id",
                "ticket_id",
                "direction",
                "from_address",
                "to_address",
                "content",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "comments",
                "id",
                "ticket_id",
                "agent_id",
                "is_public",
                "content",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "attachments",
                "id",
                "ticket_id",
                "thread_id",
                "file_name",
                "content_type",
                "size_bytes",
                "storage_key",
                "created_at",
                "updated_at",
                "deleted_at");
        table(
                tables,
                "consents",
                "id",
                "contact_id",
                "purpose",
                "granted",
                "form",
                "source",
                "recorded_at",
                "created_at",
                "updated_at",
                "deleted_at");
        return Collections.unmodifiableMap(tables);
    }

    private static void table(Map<String, Set<String>> tables, String table, String... columns) {
        tables.put(table, Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(columns))));
    }
}
