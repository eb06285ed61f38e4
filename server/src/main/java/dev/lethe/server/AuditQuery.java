package dev.lethe.server;

import java.time.Instant;

/**
 * A page of the audit log, newest first.
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
 * @param before the cursor: only entries with a smaller log index, or null for the newest
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
        int limit) {

    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 100;
}
