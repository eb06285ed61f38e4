package dev.lethe.jobs.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.SourcePosition;
import dev.lethe.normalize.Normalized;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * What happened to a whole table, as audit entries in the table's chain {@code schema/<table>}.
 * Flink-free.
 *
 * <ul>
 *   <li>Its columns changed ({@link TableShapes.SchemaChange}; kind {@value #SCHEMA}, op {@value
 *       #ALTER}): actor {@code lethe:audit/table-shapes} (the audit job saw it in the changelog;
 *       the migration's author is not in it). Attributes {@value #TABLE}, {@value #ADDED} and
 *       {@value #REMOVED} (column names, sorted, comma-separated; empty for none), {@value
 *       #COLUMNS} (every column from then on), {@value #FIRST_LSN}. The entry's LSN, commit and
 *       capture time and source position are those of the first change of the new shape read.
 *   <li>It was truncated ({@link Normalized.Truncate}; kind {@value #TRUNCATE}, op {@value
 *       #TRUNCATE_OP}): the truncate event's LSN, transaction, times and source position; actor
 *       {@code unknown} in the draft, the truncating transaction's once the actor join has seen its
 *       {@code lethe.actor} message. Attribute {@value #TABLE}.
 * </ul>
 *
 * Both carry {@value LetheActionEntries#ACTION_ID} {@code <kind>:<table>@<lsn>}, so a redelivered
 * event is dropped ({@link DeduplicateActions}). No subject ids and no values: column names are not
 * personal data.
 */
public final class SchemaEntries {

    public static final String SCHEMA = "schema";
    public static final String TRUNCATE = "truncate";
    public static final String ALTER = "ALTER";
    public static final String TRUNCATE_OP = "TRUNCATE";

    public static final String TABLE = "table";
    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
    public static final String COLUMNS = "columns";
    public static final String FIRST_LSN = "firstLsn";

    /** Who reports a change of columns: the audit job, which saw it in the changelog. */
    public static final String OBSERVER_TYPE = "lethe";

    public static final String OBSERVER_ID = "audit/table-shapes";

    private SchemaEntries() {}

    /** The chain of a table's schema changes and truncates: {@code schema/<table>}. */
    public static String entity(String table) {
        return "schema/" + table;
    }

    /** The entry of a change of a table's columns. */
    public static AuditEntry ofSchemaChange(TableShapes.SchemaChange c) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(LetheActionEntries.ACTION_ID, SCHEMA + ":" + c.table() + "@" + c.firstLsn());
        attributes.put(TABLE, c.table());
        attributes.put(ADDED, String.join(",", c.added()));
        attributes.put(REMOVED, String.join(",", c.removed()));
        attributes.put(COLUMNS, String.join(",", c.columns()));
        attributes.put(FIRST_LSN, Long.toString(c.firstLsn()));
        AuditEntry e =
                draft(
                        SCHEMA,
                        c.table(),
                        ALTER,
                        new AuditActor(OBSERVER_TYPE, OBSERVER_ID, null),
                        c.source(),
                        attributes);
        // the first change of the new shape is some writer's, not the migration's transaction
        e.setTxId(null);
        return e;
    }

    /** The entry of a truncate, its actor not known yet. */
    public static AuditEntry ofTruncate(Normalized.Truncate t) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(
                LetheActionEntries.ACTION_ID,
                TRUNCATE + ":" + t.table() + "@" + t.source().getLsn());
        attributes.put(TABLE, t.table());
        return draft(
                TRUNCATE,
                t.table(),
                TRUNCATE_OP,
                AuditDrafts.unknownActor(),
                t.source(),
                attributes);
    }

    private static AuditEntry draft(
            String kind,
            String table,
            String op,
            AuditActor actor,
            SourcePosition source,
            Map<String, String> attributes) {
        AuditEntry e =
                LetheActionEntries.draft(
                        kind,
                        entity(table),
                        table,
                        new HashMap<>(),
                        op,
                        new ArrayList<>(),
                        actor,
                        source.getCommitTime(),
                        source.getCaptureTime(),
                        source.getTopic(),
                        source.getPartition(),
                        source.getOffset(),
                        attributes);
        e.setLsn(source.getLsn());
        e.setTxId(source.getTxId());
        return e;
    }
}
