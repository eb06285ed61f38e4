package dev.lethe.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroRecordsTest {

    private static AuditEntry entry(String entityId, int changedColumns) {
        List<AuditFieldChange> changes = new java.util.ArrayList<>();
        for (int i = 0; i < changedColumns; i++) {
            changes.add(
                    AuditFieldChange.newBuilder()
                            .setColumn("col" + i)
                            .setPersonal(i % 2 == 0)
                            .setBefore(i % 2 == 0 ? ByteBuffer.wrap(new byte[40 + i]) : "before")
                            .setAfter(i % 3 == 0 ? null : "after " + "x".repeat(i * 50))
                            .build());
        }
        return AuditEntry.newBuilder()
                .setLogIndex(7)
                .setEntityId(entityId)
                .setTable("contacts")
                .setKey(Map.of("id", entityId.substring(entityId.indexOf('/') + 1)))
                .setSeq(3)
                .setOp("UPDATE")
                .setChanges(changes)
                .setSubjectIds(List.of("contact:1"))
                .setActor(new AuditActor("agent", "17", "ticket reply"))
                .setCommitTime(Instant.parse("2025-03-01T10:00:00Z"))
                .setCaptureTime(Instant.parse("2025-03-01T10:00:00.005Z"))
                .setLsn(1234L)
                .setTxId(99L)
                .setPrevHash(ByteBuffer.wrap(new byte[32]))
                .setHash(ByteBuffer.wrap(new byte[32]))
                .build();
    }

    private static byte[] generated(SpecificRecordBase r) throws Exception {
        ByteBuffer b = (ByteBuffer) r.getClass().getMethod("toByteBuffer").invoke(r);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void writesExactlyTheGeneratedSingleObjectEncodingAcrossRecordsAndTypes() throws Exception {
        AvroRecords.SingleObjectWriter writer = new AvroRecords.SingleObjectWriter();
        // large, small, another type, large again: the reused buffer and encoder must not leak
        // bytes of one record into the next
        List<SpecificRecordBase> records =
                List.of(
                        entry("contacts/1", 12),
                        entry("contacts/2", 0),
                        AuditCheckpoint.newBuilder()
                                .setCheckpointSeq(4)
                                .setTreeSize(100)
                                .setMerkleRoot(ByteBuffer.wrap(new byte[32]))
                                .setPrevCheckpointHash(ByteBuffer.wrap(new byte[32]))
                                .setCreatedAt(Instant.parse("2025-03-01T10:00:00Z"))
                                .setSigningKeyId("k1")
                                .setPublicKey(ByteBuffer.wrap(new byte[44]))
                                .setSignature(ByteBuffer.wrap(new byte[64]))
                                .build(),
                        entry("contacts/3", 5));
        for (SpecificRecordBase r : records) {
            assertThat(writer.write(r)).isEqualTo(generated(r));
        }
        AuditEntry back = AuditEntry.fromByteBuffer(ByteBuffer.wrap(writer.write(records.get(0))));
        assertThat(back).isEqualTo(records.get(0));
    }

    @Test
    void producerRecordCarriesTopicKeyAndValue() throws Exception {
        AvroRecords<AuditEntry> schema = new AvroRecords<>("lethe.audit", AuditEntry::getEntityId);
        AuditEntry e = entry("contacts/9", 3);

        ProducerRecord<byte[], byte[]> r = schema.serialize(e, null, 42L);

        assertThat(r.topic()).isEqualTo("lethe.audit");
        assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("contacts/9");
        assertThat(r.timestamp()).isEqualTo(42L);
        assertThat(r.value()).isEqualTo(generated(e));
        assertThat(AvroRecords.bytes(e)).isEqualTo(generated(e));
    }
}
