package dev.lethe.jobs.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of the entity ids that key the audit job's per-entity state ({@code contacts/42}),
 * written byte for byte as Flink's {@link StringSerializer} writes them, only faster: an ASCII id
 * (every entity id Lethe makes of a numeric key) goes out in one write instead of one call per
 * character. Keys are written for every entity at every checkpoint of a heap state backend, and
 * with one id per entity ever changed Flink's per-character path was a tenth of the audit job's CPU
 * (docs/benchmarks.md). Same bytes, so checkpoints written with {@link StringSerializer} restore as
 * they are, and the other way round.
 */
public final class EntityKeySerializer extends TypeSerializerSingleton<String> {

    private static final long serialVersionUID = 1L;

    public static final EntityKeySerializer INSTANCE = new EntityKeySerializer();

    private static final int HIGH_BIT = 0x80;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String record, DataOutputView target) throws IOException {
        if (record == null || !isAscii(record)) {
            StringValue.writeString(record, target);
            return;
        }
        // StringValue's format: the length + 1 as a base-128 varint, then each char as a varint,
        // which for an ASCII char is the char's one byte
        int len = record.length();
        int lenToWrite = len + 1;
        byte[] bytes = new byte[varintSize(lenToWrite) + len];
        int at = 0;
        while (lenToWrite >= HIGH_BIT) {
            bytes[at++] = (byte) (lenToWrite | HIGH_BIT);
            lenToWrite >>>= 7;
        }
        bytes[at++] = (byte) lenToWrite;
        for (int i = 0; i < len; i++) {
            bytes[at++] = (byte) record.charAt(i);
        }
        target.write(bytes);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= HIGH_BIT) {
                return false;
            }
        }
        return true;
    }

    private static int varintSize(int v) {
        int n = 1;
        while (v >= HIGH_BIT) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    @Override
    public String deserialize(DataInputView source) throws IOException {
        return StringValue.readString(source);
    }

    @Override
    public String deserialize(String reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        StringValue.copyString(source, target);
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new EntityKeySerializerSnapshot();
    }

    /** Compatible as is with itself and with {@link StringSerializer} (the same bytes). */
    public static final class EntityKeySerializerSnapshot
            extends SimpleTypeSerializerSnapshot<String> {

        public EntityKeySerializerSnapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
                TypeSerializerSnapshot<String> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof StringSerializer.StringSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return super.resolveSchemaCompatibility(oldSerializerSnapshot);
        }
    }
}
