package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of the audit job's streams of entries: {@link AuditEntry}, written between tasks by
 * {@link AuditEntrySerializer}. Set where an operator emits entries ({@code returns(TYPE)});
 * without it Flink picks its Avro serializer.
 */
public final class AuditEntryType extends TypeInformation<AuditEntry> {

    private static final long serialVersionUID = 1L;

    public static final AuditEntryType TYPE = new AuditEntryType();

    private AuditEntryType() {}

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<AuditEntry> getTypeClass() {
        return AuditEntry.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<AuditEntry> createSerializer(SerializerConfig config) {
        return AuditEntrySerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "AuditEntry (AuditEntryBinary)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AuditEntryType;
    }

    @Override
    public int hashCode() {
        return AuditEntryType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof AuditEntryType;
    }

    private Object readResolve() {
        return TYPE;
    }
}
