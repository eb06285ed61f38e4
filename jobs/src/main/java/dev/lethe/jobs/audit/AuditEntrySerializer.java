package dev.lethe.jobs.audit;

import dev.lethe.audit.AuditEntryBinary;
import dev.lethe.events.AuditEntry;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Audit entries between the audit job's tasks, in Avro's binary encoding written by {@link
 * AuditEntryBinary} (Flink's Avro serializer resolves every union by reflection, which made
 * crossing a task boundary a fifth of the job's CPU). Used for the job's streams ({@link
 * AuditEntryType}); the operators' state keeps Flink's Avro serializer, so existing checkpoints
 * restore unchanged.
 */
public final class AuditEntrySerializer extends TypeSerializerSingleton<AuditEntry> {

    private static final long serialVersionUID = 1L;

    public static final AuditEntrySerializer INSTANCE = new AuditEntrySerializer();

    private AuditEntrySerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public AuditEntry createInstance() {
        return new AuditEntry();
    }

    @Override
    public AuditEntry copy(AuditEntry from) {
        return AuditEntry.newBuilder(from).build();
    }

    @Override
    public AuditEntry copy(AuditEntry from, AuditEntry reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(AuditEntry entry, DataOutputView target) throws IOException {
        AuditEntryBinary.write(entry, target);
    }

    @Override
    public AuditEntry deserialize(DataInputView source) throws IOException {
        return AuditEntryBinary.read(source);
    }

    @Override
    public AuditEntry deserialize(AuditEntry reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<AuditEntry> snapshotConfiguration() {
        return new AuditEntrySerializerSnapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** The serializer has no configuration: its snapshot only names it. */
    public static final class AuditEntrySerializerSnapshot
            extends SimpleTypeSerializerSnapshot<AuditEntry> {

        public AuditEntrySerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
