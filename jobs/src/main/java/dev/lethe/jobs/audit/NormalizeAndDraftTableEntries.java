package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.changes.NormalizeRawRecords;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.Normalized;
import org.apache.flink.util.OutputTag;

/**
 * The audit job's normalizer: {@link NormalizeRawRecords}, and the table events the log records. A
 * TRUNCATE of a known table is an entry draft on {@link #TRUNCATES} ({@link
 * SchemaEntries#ofTruncate}; it still needs its transaction's actor), a table's migration a
 * finished entry on {@link #MIGRATIONS} ({@link SchemaEntries#ofMigration}; its actor is in its
 * message).
 */
public final class NormalizeAndDraftTableEntries extends NormalizeRawRecords {

    private static final long serialVersionUID = 1L;

    /** Truncates of known tables as entry drafts. */
    public static final OutputTag<AuditEntry> TRUNCATES =
            new OutputTag<>("truncates", AuditEntryType.TYPE);

    /** Migrations of helpdesk tables as entries, their actor known. */
    public static final OutputTag<AuditEntry> MIGRATIONS =
            new OutputTag<>("migrations", AuditEntryType.TYPE);

    public NormalizeAndDraftTableEntries(String job, ChangeNormalizer normalizer) {
        super(job, normalizer);
    }

    @Override
    protected boolean truncated(Normalized.Truncate truncate, RawRecord raw, Context ctx) {
        ctx.output(TRUNCATES, SchemaEntries.ofTruncate(truncate));
        return true;
    }

    @Override
    protected void migrated(Normalized.Migration migration, RawRecord raw, Context ctx) {
        ctx.output(MIGRATIONS, SchemaEntries.ofMigration(migration.migration()));
    }
}
