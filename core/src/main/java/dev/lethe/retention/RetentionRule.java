package dev.lethe.retention;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of the retention policy: rows of {@code table} whose {@code since} column is set (and
 * whose columns match {@code when}) are purged {@code after} that time by {@code action}.
 *
 * @param id stable name, e.g. {@code tickets.soft-deleted}; receipts name it
 * @param table the helpdesk table
 * @param since the timestamp column the window starts from ({@code deleted_at} for soft deletes)
 * @param when column values the row must have for the rule to apply (e.g. status = closed)
 * @param after the window
 * @param action delete or anonymize
 * @param anonymize for anonymize: column -> method, in policy order; empty for delete
 * @param note the reviewer's note, or empty
 */
public record RetentionRule(
        String id,
        String table,
        String since,
        Map<String, String> when,
        RetentionPeriod after,
        PurgeAction action,
        Map<String, AnonymizeMethod> anonymize,
        String note)
        implements Serializable {

    public RetentionRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(action, "action");
        when = Collections.unmodifiableMap(new LinkedHashMap<>(when));
        anonymize = Collections.unmodifiableMap(new LinkedHashMap<>(anonymize));
        note = note == null ? "" : note;
    }

    /**
     * When a row with these column values is due, if the rule applies to it: {@code since + after}.
     * Empty if {@code since} is null (not soft deleted, not closed) or a {@code when} column
     * differs.
     *
     * @throws IllegalArgumentException if the {@code since} value is not a timestamp (names the
     *     column, not the value)
     */
    public Optional<Instant> deadline(Map<String, String> row) {
        return start(row).map(after::after);
    }

    /** The rule's start time in this row, if the rule applies to it. */
    public Optional<Instant> start(Map<String, String> row) {
        if (row == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> condition : when.entrySet()) {
            if (!condition.getValue().equals(row.get(condition.getKey()))) {
                return Optional.empty();
            }
        }
        String value = row.get(since);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(Timestamps.parse(value, table + "." + since));
    }
}
