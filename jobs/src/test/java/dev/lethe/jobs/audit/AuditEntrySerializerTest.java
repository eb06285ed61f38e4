package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.io.ByteArrayOutputStream;
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
    void writesAvrosBinaryEncoding() throws Exception {
        // (Flink's own Avro serializer writes fixed-width numbers: not Avro's encoding)
        SpecificDatumWriter<AuditEntry> avro = new SpecificDatumWriter<>(AuditEntry.class);
        for (AuditEntry entry : getTestData()) {
            DataOutputSerializer ours = new DataOutputSerializer(256);
            AuditEntrySerializer.INSTANCE.serialize(entry, ours);
            ByteArrayOutputStream theirs = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(theirs, null);
            avro.write(entry, encoder);
            encoder.flush();

            assertThat(ours.getCopyOfBuffer()).isEqualTo(theirs.toByteArray());
            assertThat(
                            AuditEntrySerializer.INSTANCE.deserialize(
                                    new DataInputDeserializer(theirs.toByteArray())))
                    .isEqualTo(entry);
        }
    }

    @Test
    void isTheSerializerOfTheJobsEntryStreams() {
        assertThat(AuditEntryType.TYPE.createSerializer(new SerializerConfigImpl()))
                .isSameAs(AuditEntrySerializer.INSTANCE);
        assertThat(AuditEntryType.TYPE.getTypeClass()).isEqualTo(AuditEntry.class);
    }
}
