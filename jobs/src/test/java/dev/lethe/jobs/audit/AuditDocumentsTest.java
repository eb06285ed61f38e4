package dev.lethe.jobs.audit;

import static dev.lethe.jobs.audit.AuditTestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.EntryHasher;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDocumentReadsBackAsTheEntryItCopiesSoItsHashCanBeRecomputed() throws Exception {
        AuditEntry change = hashed(changeWithPersonalAndPlainValues());

        AuditEntry copy = AuditDocuments.fromJson(JSON.readTree(AuditDocuments.toJson(change)));

        assertThat(copy).isEqualTo(change);
        assertThat(new EntryHasher().hash(copy)).isEqualTo(bytes(change.getHash()));
    }

    @Test
    void anEntryThatIsNotAboutARowReadsBackToo() throws Exception {
        AuditEntry receipt =
                hashed(
                        changeWithPersonalAndPlainValues()
                                .setKind("purge-receipt")
                                .setTable("")
                                .setKey(Map.of())
                                .setOp("PURGE")
                                .setChanges(List.of())
                                .setLsn(null)
                                .setTxId(null)
                                .setSourceTopic(null)
                                .setSourcePartition(null)
                                .setSourceOffset(null)
                                .setActor(new AuditActor("lethe-purge", null, null)));

        assertThat(AuditDocuments.fromJson(JSON.readTree(AuditDocuments.toJson(receipt))))
                .isEqualTo(receipt);
    }

    @Test
    void aDocumentWhoseContentWasChangedNoLongerHashesToItsStoredHash() throws Exception {
        AuditEntry change = hashed(changeWithPersonalAndPlainValues());
        ObjectNode doc = (ObjectNode) JSON.readTree(AuditDocuments.toJson(change));
        doc.put("op", "DELETE");

        AuditEntry copy = AuditDocuments.fromJson(doc);

        assertThat(copy.getHash()).isEqualTo(change.getHash()); // the stored hash was kept
        assertThat(new EntryHasher().hash(copy)).isNotEqualTo(bytes(change.getHash()));
    }

    @Test
    void aDocumentWithoutEncodingIsReadAsEncodingOne() throws Exception {
        AuditEntry change = hashed(changeWithPersonalAndPlainValues());
        ObjectNode doc = (ObjectNode) JSON.readTree(AuditDocuments.toJson(change));
        doc.remove("encoding");

        assertThat(AuditDocuments.fromJson(doc).getEncoding()).isEqualTo(1);
    }

    @Test
    void somethingElseIsAClearErrorNamingTheMissingField() throws Exception {
        ObjectNode doc =
                (ObjectNode)
                        JSON.readTree(
                                AuditDocuments.toJson(hashed(changeWithPersonalAndPlainValues())));
        doc.remove("entityId");

        assertThatThrownBy(() -> AuditDocuments.fromJson(doc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entityId");
    }

    private static AuditEntry.Builder changeWithPersonalAndPlainValues() {
        return AuditEntry.newBuilder()
                .setLogIndex(41)
                .setEntityId("contacts/7")
                .setTable("contacts")
                .setKey(Map.of("id", "7"))
                .setSeq(3)
                .setOp("UPDATE")
                .setChanges(
                        List.of(
                                new AuditFieldChange(
                                        "email",
                                        true,
                                        ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xff}),
                                        null),
                                new AuditFieldChange("locale", false, "de", "fr"),
                                new AuditFieldChange("status", false, null, "open")))
                .setSubjectIds(List.of("contact:7"))
                .setActor(new AuditActor("agent", "7", "fixed a typo"))
                .setCommitTime(Instant.ofEpochMilli(T0))
                .setCaptureTime(Instant.ofEpochMilli(T0 + 9))
                .setLsn(123456789L)
                .setTxId(777L)
                .setSourceTopic("helpdesk.public.contacts")
                .setSourcePartition(0)
                .setSourceOffset(55L)
                .setAttributes(Map.of("redacted", "mentioned-subject-erased"))
                .setPrevHash(ByteBuffer.wrap(new byte[32]))
                .setHash(ByteBuffer.wrap(new byte[32]));
    }

    private static AuditEntry hashed(AuditEntry.Builder builder) {
        AuditEntry entry = builder.build();
        entry.setHash(ByteBuffer.wrap(new EntryHasher().hash(entry)));
        return entry;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
