package dev.lethe.jobs.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.SourcePosition;
import dev.lethe.normalize.Normalized;
import dev.lethe.normalize.SchemaMigration;
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
 *   <li>A migration changed it ({@link SchemaMigration}, the {@code lethe.schema} message of the
 *       migration's transaction; kind {@value #SCHEMA}, op the command tag: {@code ALTER TABLE},
 *       {@code CREATE TABLE}, {@code DROP TABLE}, {@code ALTER PUBLICATION}, ...): the message's
 *       LSN, transaction, times and source position; actor who ran it (as the database names them,
 *       or as the application did with {@code SET LOCAL lethe.actor}). Attributes {@value #TABLE},
 *       {@value #COMMAND}, {@value #CHANGE} ({@code created}, {@code dropped}, {@code altered},
 *       {@code published}, {@code unknown}), {@value #ADDED}, {@value #REMOVED} and {@value
 *       #COLUMNS} (names, comma-separated), {@value #COLUMN_TYPES} ({@code name type[ NOT NULL]},
 *       {@code "; "}-separated), {@value #RENAMED} ({@code old -> new}, comma-separated), {@value
 *       #RETYPED} ({@code name: old -> new}, {@code "; "}-separated), {@value #RENAMED_FROM} (the
 *       table's earlier name), {@value #PUBLICATIONS}, {@value #PUBLISHED}, {@value #UNPUBLISHED}
 *       (publication names, comma-separated) and, for {@code unknown}, {@value #REASON}. Every
 *       migration of the table is one, whether or not rows follow: a column retyped, a table
 *       created, dropped or added to the publication too.
 *   <li>It was truncated ({@link Normalized.Truncate}; kind {@value #TRUNCATE}, op {@value
 *       #TRUNCATE_OP}): the truncate event's LSN, transaction, times and source position; actor
 *       {@code unknown} in the draft, the truncating transaction's once the actor join has seen its
 *       {@code lethe.actor} message. Attribute {@value #TABLE}.
 * </ul>
 *
 * Each carries {@value LetheActionEntries#ACTION_ID} {@code <kind>:<table>@<lsn>} (a migration's
 * {@code migration:<table>@<lsn>}), so a redelivered event is dropped ({@link DeduplicateActions}).
 * No subject ids and no values: column names are not personal data.
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
    public static final String COMMAND = "command";
    public static final String CHANGE = "change";
    public static final String COLUMN_TYPES = "columnTypes";
    public static final String RENAMED = "renamed";
    public static final String RETYPED = "retyped";
    public static final String RENAMED_FROM = "renamedFrom";
    public static final String PUBLICATIONS = "publications";
    public static final String PUBLISHED = "published";
    public static final String UNPUBLISHED = "unpublished";
    public static final String REASON = "reason";

    /** The chain of a migration the trigger could not attribute to a table. */
    public static final String UNKNOWN_TABLE = "(unknown)";

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

    /** The entry of a migration, its actor the one who ran it. */
    public static AuditEntry ofMigration(SchemaMigration m) {
        String table = m.table() != null ? m.table() : UNKNOWN_TABLE;
        Map<String, String> attributes = new HashMap<>();
        attributes.put(
                LetheActionEntries.ACTION_ID, "migration:" + table + "@" + m.source().getLsn());
        attributes.put(TABLE, table);
        attributes.put(COMMAND, m.command());
        attributes.put(CHANGE, m.change());
        attributes.put(ADDED, String.join(",", SchemaMigration.names(m.added())));
        attributes.put(REMOVED, String.join(",", SchemaMigration.names(m.removed())));
        attributes.put(COLUMNS, String.join(",", SchemaMigration.names(m.columns())));
        attributes.put(COLUMN_TYPES, String.join("; ", m.columns()));
        attributes.put(RENAMED, String.join(",", m.renamed()));
        attributes.put(RETYPED, String.join("; ", m.retyped()));
        attributes.put(PUBLICATIONS, String.join(",", m.publications()));
        attributes.put(PUBLISHED, String.join(",", m.published()));
        attributes.put(UNPUBLISHED, String.join(",", m.unpublished()));
        if (m.renamedFrom() != null) {
            attributes.put(RENAMED_FROM, m.renamedFrom());
        }
        if (m.reason() != null) {
            attributes.put(REASON, m.reason());
        }
        return draft(
                SCHEMA,
                table,
                m.command(),
                new AuditActor(m.actor().getType(), m.actor().getId(), m.actor().getReason()),
                m.source(),
                attributes);
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
