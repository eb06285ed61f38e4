package dev.lethe.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class EntityKeySerializerTest {

    private static final List<String> KEYS =
            List.of(
                    "",
                    "contacts/42",
                    "ticket_tags/tag_id=7,ticket_id=42",
                    "x".repeat(126), // the length + 1 fits one varint byte
                    "y".repeat(127), // ... and needs two
                    "z".repeat(20_000), // three
                    "tags/label=Müller", // not ASCII: Flink's own path
                    "tags/label=名前",
                    "\u007f/\u0000",
                    "tags/label=?\ud800?", // a lone surrogate: UTF-8 would make it '?'
                    "tags/label=\ud83d\ude00");

    @Test
    void writesExactlyTheBytesOfFlinksStringSerializer() throws IOException {
        List<String> keys = new ArrayList<>(KEYS);
        keys.add(null);
        for (String key : keys) {
            assertThat(bytes(EntityKeySerializer.INSTANCE, key))
                    .as("key of length %s", key == null ? "null" : key.length())
                    .isEqualTo(bytes(StringSerializer.INSTANCE, key));
        }
    }

    @Test
    void readsBackWhatEitherSerializerWrote() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String key : KEYS) {
            EntityKeySerializer.INSTANCE.serialize(key, out);
            StringSerializer.INSTANCE.serialize(key, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String key : KEYS) {
            assertThat(EntityKeySerializer.INSTANCE.deserialize(in)).isEqualTo(key);
            assertThat(EntityKeySerializer.INSTANCE.deserialize(in)).isEqualTo(key);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void compatibleAsIsWithItselfAndWithStringSerializerCheckpoints() {
        var snapshot = EntityKeySerializer.INSTANCE.snapshotConfiguration();

        assertThat(
                        snapshot.resolveSchemaCompatibility(
                                        StringSerializer.INSTANCE.snapshotConfiguration())
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(
                        snapshot.resolveSchemaCompatibility(
                                        EntityKeySerializer.INSTANCE.snapshotConfiguration())
                                .isCompatibleAsIs())
                .isTrue();
        @SuppressWarnings({"unchecked", "rawtypes"})
        var longs =
                (org.apache.flink.api.common.typeutils.TypeSerializerSnapshot<String>)
                        (org.apache.flink.api.common.typeutils.TypeSerializerSnapshot)
                                LongSerializer.INSTANCE.snapshotConfiguration();
        assertThat(snapshot.resolveSchemaCompatibility(longs).isIncompatible()).isTrue();
        assertThat(EntityKeys.TYPE.createSerializer(null)).isSameAs(EntityKeySerializer.INSTANCE);
    }

    private static byte[] bytes(TypeSerializer<String> serializer, String key) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        serializer.serialize(key, out);
        return out.getCopyOfBuffer();
    }
}
