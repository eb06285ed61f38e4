package dev.lethe.server;

import java.time.Instant;

/**
 * A page of the audit log, newest first ({@link Order#NEWEST}, the default) or oldest first.
 *
 * @param table only entries about rows of this table, or null
 * @param key only this record: an entity id ({@code contacts/42}), {@code id=42} or {@code 42}
 * @param subject only entries naming this subject id, or null
 * @param actor an actor type, {@code type:id}, or {@code application=…}/{@code role=…}/{@code
 *     client=…}, or null
 * @param op an operation ({@code INSERT}, {@code PURGE}, …), or null
 * @param kind an entry kind ({@code change}, {@code access}, …), or null
 * @param since committed at or after, or null
 * @param until committed before, or null
 * @param before the cursor of a newest-first page: only entries with a smaller log index, or null
 *     for the newest
 * @param after the cursor of an oldest-first page: only entries with a greater log index, or null
 *     for the oldest
 * @param order the order of the page's entries, by log index
 * @param limit at most this many entries (1 to {@value #MAX_LIMIT})
 */
public record AuditQuery(
        String table,
        String key,
        String subject,
        String actor,
        String op,
        String kind,
        Instant since,
        Instant until,
        Long before,
        Long after,
        Order order,
        int limit) {

    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 100;

    /** The order of a page's entries by log index; the next page continues in it. */
    public enum Order {
        /** Newest first (descending log index); the next page is older. */
        NEWEST,
        /** Oldest first (ascending log index); the next page is newer. */
        OLDEST;

        /** The parameter's value: {@code newest} or {@code oldest}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AuditQuery {
        if (order == null) {
            order = Order.NEWEST;
        }
    }

    /** A newest-first page below {@code before} (null: from the newest). */
    public AuditQuery(
            String table,
            String key,
            String subject,
            String actor,
            String op,
            String kind,
            Instant since,
            Instant until,
            Long before,
            int limit) {
        this(table, key, subject, actor, op, kind, since, until, before, null, Order.NEWEST, limit);
    }

    /** Whether the page reads oldest first. */
    public boolean oldestFirst() {
        return order == Order.OLDEST;
    }

    /**
     * Whether an entry at {@code logIndex} is within the cursors ({@link #before}, {@link #after}).
     */
    public boolean withinCursors(long logIndex) {
        return (before == null || logIndex < before) && (after == null || logIndex > after);
    }
}
