package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Flink's serializer contract (copy, snapshot, concurrency, reuse), and Avro's bytes. */
class AuditEntrySerializerTest extends SerializerTestBase<AuditEntry> {

    @Override
    protected TypeSerializer<AuditEntry> createSerializer() {
        return AuditEntrySerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<AuditEntry> getTypeClass() {
        return AuditEntry.class;
    }

    @Override
    protected AuditEntry[] getTestData() {
        AuditEntry plain = AuditTestData.draft("contacts/1", 100, AuditTestData.T0, 7L);
        AuditEntry noSource = AuditTestData.draft("tickets/2", 101, AuditTestData.T0, null);
        noSource.setSourceTopic(null);
        noSource.setSourcePartition(null);
        noSource.setSourceOffset(null);
        noSource.setLsn(null);
        AuditEntry sealed = AuditTestData.draft("contacts/3", 102, AuditTestData.T0 + 9, 8L);
        List<AuditFieldChange> changes = new ArrayList<>();
        changes.add(new AuditFieldChange("email", true, null, ByteBuffer.wrap(new byte[90])));
        changes.add(new AuditFieldChange("status", false, "open", "closed"));
        changes.add(new AuditFieldChange("note", false, "Grüße 名前 😀", null));
        sealed.setChanges(changes);
        sealed.setSubjectIds(List.of("contact:3", "contact:4"));
        sealed.setActor(new AuditActor("agent", "17", "reply"));
        sealed.setAttributes(Map.of("purge.receipt", "r-1", "k", ""));
        sealed.setKey(Map.of("ticket_id", "42", "tag_id", "7"));
        sealed.setLogIndex(123_456_789_012L);
        sealed.setPrevHash(ByteBuffer.wrap(new byte[32]));
        sealed.setHash(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        return new AuditEntry[] {plain, noSource, sealed};
    }

    @Test
    void writesItsLengthThenAvrosBinaryEncoding() throws Exception {
        // (Flink's own Avro serializer writes fixed-width numbers: not Avro's encoding)
        for (AuditEntry entry : getTestData()) {
            DataOutputSerializer ours = new DataOutputSerializer(256);
            AuditEntrySerializer.INSTANCE.serialize(entry, ours);
            byte[] theirs = lengthThenAvro(entry, 0);

            assertThat(ours.getCopyOfBuffer()).isEqualTo(theirs);
            assertThat(AuditEntrySerializer.INSTANCE.deserialize(new DataInputDeserializer(theirs)))
                    .isEqualTo(entry);
        }
    }

    @Test
    void aLengthThatDoesNotMatchTheEntryOrIsNegativeFails() throws Exception {
        AuditEntry entry = getTestData()[2];
        // one byte more than the entry: the entry ends before its length does
        byte[] longer = lengthThenAvro(entry, 1);
        assertThatThrownBy(
                        () ->
                                AuditEntrySerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(longer)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1 bytes after its end");
        DataOutputSerializer negative = new DataOutputSerializer(8);
        negative.writeInt(-5);
        assertThatThrownBy(
                        () ->
                                AuditEntrySerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(negative.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a length of -5");
    }

    /**
     * The entry's length (plus {@code extra}) as 4 bytes big endian, Avro's binary, extra zeros.
     */
    private static byte[] lengthThenAvro(AuditEntry entry, int extra) throws IOException {
        ByteArrayOutputStream avro = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
        new SpecificDatumWriter<>(AuditEntry.class).write(entry, encoder);
        encoder.flush();
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(avro.size() + extra);
        out.write(avro.toByteArray());
        out.write(new byte[extra]);
        return out.getCopyOfBuffer();
    }

    @Test
    void isTheSerializerOfTheJobsEntryStreams() {
        assertThat(AuditEntryType.TYPE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(AuditEntrySerializer.INSTANCE);
        assertThat(AuditEntryType.TYPE.getTypeClass()).isEqualTo(AuditEntry.class);
    }
}
