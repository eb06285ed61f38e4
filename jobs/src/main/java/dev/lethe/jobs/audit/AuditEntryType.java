package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.state.SerializerTypeInformation;

/**
 * The type of the audit job's streams of entries: {@link AuditEntry}, written between tasks by
 * {@link AuditEntrySerializer}. Set where an operator emits entries ({@code returns(TYPE)});
 * without it Flink picks its Avro serializer.
 */
public final class AuditEntryType extends SerializerTypeInformation<AuditEntry> {

    private static final long serialVersionUID = 1L;

    public static final AuditEntryType TYPE = new AuditEntryType();

    private AuditEntryType() {
        super(
                AuditEntry.class,
                AuditEntrySerializer.INSTANCE,
                false,
                "AuditEntry (AuditEntryBinary)");
    }

    private Object readResolve() {
        return TYPE;
    }
}
