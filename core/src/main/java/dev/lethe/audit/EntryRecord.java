package dev.lethe.audit;

import dev.lethe.events.AuditEntry;
import java.util.Iterator;
import java.util.Objects;

/**
 * One record of the log of record as read: the entry it decodes to, or why its bytes are not one
 * ({@link #decode}: strict decoding, docs/audit-format.md "Strict decoding"). {@link AuditVerifier}
 * reports a malformed record as {@link ProblemKind#MALFORMED} at its position.
 *
 * @param entry the decoded entry, or null if the record is malformed
 * @param malformed why the record does not decode (the rule and byte offset, never a value), or
 *     null
 */
public record EntryRecord(AuditEntry entry, String malformed) {

    public EntryRecord {
        if ((entry == null) == (malformed == null)) {
            throw new IllegalArgumentException("a record is either an entry or malformed");
        }
    }

    public static EntryRecord of(AuditEntry entry) {
        return new EntryRecord(Objects.requireNonNull(entry, "entry"), null);
    }

    public static EntryRecord malformed(String why) {
        return new EntryRecord(null, Objects.requireNonNull(why, "why"));
    }

    /**
     * The record for a Kafka record value of the entries topic (Avro single-object encoding),
     * decoded strictly by {@link AuditEntryBinary#fromSingleObject}.
     */
    public static EntryRecord decode(byte[] value) {
        try {
            return of(AuditEntryBinary.fromSingleObject(value));
        } catch (MalformedRecordException e) {
            return malformed(e.getMessage());
        }
    }

    public boolean isMalformed() {
        return entry == null;
    }

    /** Entries already decoded, as records. */
    public static Iterable<EntryRecord> of(Iterable<AuditEntry> entries) {
        return () ->
                new Iterator<>() {
                    private final Iterator<AuditEntry> it = entries.iterator();

                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public EntryRecord next() {
                        return of(it.next());
                    }
                };
    }
}
