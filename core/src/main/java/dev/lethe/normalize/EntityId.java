package dev.lethe.normalize;

import dev.lethe.events.ChangeEvent;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stable, readable id of one helpdesk row: {@code <table>/<key>}, e.g. {@code contacts/42}.
 *
 * <p>A single-column key is its value ({@code contacts/42}); a multi-column key lists its columns
 * sorted by name as {@code column=value} joined by {@code ,} ({@code
 * ticket_tags/tag_id=7,ticket_id=42}). In column names and values {@code %}, {@code ,} and {@code
 * =} are percent-encoded ({@code %25}, {@code %2C}, {@code %3D}), so different keys never give the
 * same id, and a single-column id never looks like a multi-column one. Table names contain no
 * {@code /}, so the first {@code /} ends the table.
 */
public final class EntityId {

    private EntityId() {}

    /** The entity id of the row a change is about. */
    public static String of(ChangeEvent change) {
        return of(change.getTable(), change.getKey());
    }

    /**
     * @throws IllegalArgumentException if the key is empty or a key column is null (naming the
     *     column, not the value)
     */
    public static String of(String table, Map<String, String> key) {
        if (table == null || table.isEmpty() || table.indexOf('/') >= 0) {
            throw new IllegalArgumentException("table must be a non-empty name without '/'");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("table " + table + ": key is empty");
        }
        StringBuilder id = new StringBuilder(table.length() + 16).append(table).append('/');
        if (key.size() == 1) {
            Map.Entry<String, String> only = key.entrySet().iterator().next();
            appendEscaped(id, requireValue(table, only.getKey(), only.getValue()));
            return id.toString();
        }
        boolean first = true;
        for (Map.Entry<String, String> column : new TreeMap<>(key).entrySet()) {
            if (!first) {
                id.append(',');
            }
            first = false;
            appendEscaped(id, column.getKey());
            id.append('=');
            appendEscaped(id, requireValue(table, column.getKey(), column.getValue()));
        }
        return id.toString();
    }

    private static String requireValue(String table, String column, String value) {
        if (value == null) {
            throw new IllegalArgumentException(
                    "table " + table + ": key column " + column + " is null");
        }
        return value;
    }

    private static void appendEscaped(StringBuilder id, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '%':
                    id.append("%25");
                    break;
                case ',':
                    id.append("%2C");
                    break;
                case '=':
                    id.append("%3D");
                    break;
                default:
                    id.append(c);
            }
        }
    }
}
