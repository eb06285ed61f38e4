package dev.lethe.jobs.audit;

import dev.lethe.audit.AuditEntryBinary;
import dev.lethe.events.AuditEntry;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Audit entries between the audit job's tasks, in Avro's binary encoding written by {@link
 * AuditEntryBinary} (Flink's Avro serializer resolves every union by reflection, which made
 * crossing a task boundary a fifth of the job's CPU), after its length (4 bytes, big endian): the
 * receiving task reads an entry's bytes in one piece and decodes them from an array, instead of one
 * bounds-checked copy out of the network buffer per string and byte array (≈ 7 % of the job's CPU).
 * Used for the job's streams ({@link AuditEntryType}); the operators' state keeps Flink's Avro
 * serializer, so existing checkpoints restore unchanged.
 */
public final class AuditEntrySerializer extends TypeSerializerSingleton<AuditEntry> {

    private static final long serialVersionUID = 1L;

    public static final AuditEntrySerializer INSTANCE = new AuditEntrySerializer();

    /** The longest entry read (a corrupt length fails, not allocates). */
    private static final int MAX_LENGTH = 256 * 1024 * 1024;

    /** After an entry above this size, a thread's buffer starts again at its initial size. */
    private static final int KEEP_BUFFER_UP_TO = 64 * 1024;

    /** Where an entry is written to learn its length: one per task thread (this is a singleton). */
    private static final ThreadLocal<DataOutputSerializer> BUFFER =
            ThreadLocal.withInitial(() -> new DataOutputSerializer(2048));

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
        DataOutputSerializer buffer = BUFFER.get();
        buffer.clear();
        AuditEntryBinary.write(entry, buffer);
        int length = buffer.length();
        if (length > MAX_LENGTH) {
            throw new IOException(
                    "an audit entry of table "
                            + entry.getTable()
                            + " at LSN "
                            + entry.getLsn()
                            + " is "
                            + length
                            + " bytes, more than the "
                            + MAX_LENGTH
                            + " an exchange between tasks carries");
        }
        target.writeInt(length);
        target.write(buffer.getSharedBuffer(), 0, length);
        if (length > KEEP_BUFFER_UP_TO) {
            BUFFER.remove(); // a rare large entry: its buffer is not kept
        }
    }

    @Override
    public AuditEntry deserialize(DataInputView source) throws IOException {
        int length = readLength(source);
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        return AuditEntryBinary.read(bytes, 0, length);
    }

    private static int readLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0 || length > MAX_LENGTH) {
            throw new IOException("corrupt audit entry: a length of " + length);
        }
        return length;
    }

    @Override
    public AuditEntry deserialize(AuditEntry reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = readLength(source);
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<AuditEntry> snapshotConfiguration() {
        return new LengthPrefixedSnapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /**
     * The snapshot of this format (length, then Avro binary). The serializer has no configuration:
     * the snapshot only names it. Data written in the earlier format ({@link
     * AuditEntrySerializerSnapshot}) cannot be read by it: such a snapshot is incompatible. Only
     * in-flight data would be (entries are never kept in state with this serializer), and only
     * under unaligned checkpoints, which Lethe does not use; this says so rather than misreading.
     */
    public static final class LengthPrefixedSnapshot
            extends SimpleTypeSerializerSnapshot<AuditEntry> {

        public LengthPrefixedSnapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<AuditEntry> resolveSchemaCompatibility(
                TypeSerializerSnapshot<AuditEntry> oldSnapshot) {
            if (oldSnapshot instanceof AuditEntrySerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }

    /**
     * The snapshot of the earlier format (Avro binary without its length), kept so that a snapshot
     * naming it still loads and is then found incompatible.
     */
    public static final class AuditEntrySerializerSnapshot
            extends SimpleTypeSerializerSnapshot<AuditEntry> {

        public AuditEntrySerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
