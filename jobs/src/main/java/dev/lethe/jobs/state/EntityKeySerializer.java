package dev.lethe.jobs.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * (every entity id Lethe makes of a numeric key) goes out as its length and one copy of its bytes
 * instead of one call per character. Keys are written for every entity at every checkpoint of a
 * heap state backend, and with one id per entity ever changed Flink's per-character path was a
 * tenth of the audit job's CPU (docs/benchmarks/history/audit.md). Same bytes, so checkpoints
 * written with {@link StringSerializer} restore as they are, and the other way round.
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
        // an ASCII id's UTF-8 bytes are its chars, one each (the JDK copies them in one piece);
        // any other char takes two bytes or more, except a lone surrogate, which becomes '?'
        byte[] ascii = record == null ? null : record.getBytes(StandardCharsets.UTF_8);
        if (ascii == null || ascii.length != record.length() || replaced(record, ascii)) {
            StringValue.writeString(record, target);
            return;
        }
        // StringValue's format: the length + 1 as a base-128 varint, then each char as a varint,
        // which for an ASCII char is the char's one byte
        int lenToWrite = ascii.length + 1;
        while (lenToWrite >= HIGH_BIT) {
            target.writeByte(lenToWrite | HIGH_BIT);
            lenToWrite >>>= 7;
        }
        target.writeByte(lenToWrite);
        target.write(ascii);
    }

    /** Whether a '?' in {@code utf8} stands for another char of {@code s} (a lone surrogate). */
    private static boolean replaced(String s, byte[] utf8) {
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == '?' && s.charAt(i) != '?') {
                return true;
            }
        }
        return false;
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
