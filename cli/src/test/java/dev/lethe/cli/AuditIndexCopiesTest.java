package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.audit.AuditDocuments;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./lethe audit verify} reads of each document of the audit index: its id, logIndex,
 * stored hash, and the hash of its content, which catches a document edited without its hash.
 */
class AuditIndexCopiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "lethe-audit";

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(6, 2, 10);
    private final AuditIndexCopies copies = new AuditIndexCopies(null, INDEX);

    /** The document the audit job's Elasticsearch sink writes for {@code e}. */
    private static ObjectNode document(AuditEntry e) throws Exception {
        return (ObjectNode) JSON.readTree(new AuditDocuments(INDEX).apply(e, null).source());
    }

    private static byte[] bytes(ByteBuffer b) {
        return AuditEntryText.bytes(b);
    }

    @Test
    void everyDocumentAsTheJobWritesItIsReadWithItsLogIndexHashAndAContentHashThatMatches()
            throws Exception {
        for (AuditEntry e : log.entries) {
            IndexedCopy copy = copies.copyOf(AuditDocuments.documentId(e), document(e));

            assertThat(copy.docId()).isEqualTo(e.getEntityId() + "#" + e.getSeq());
            assertThat(copy.logIndex()).isEqualTo(e.getLogIndex());
            assertThat(copy.hash()).isEqualTo(bytes(e.getHash()));
            assertThat(copy.contentHash())
                    .as("content hash of %s", copy.docId())
                    .isEqualTo(copy.hash());
        }
    }

    @Test
    void aDocumentEditedWithoutTouchingItsHashHashesDifferently() throws Exception {
        AuditEntry e = log.entries.get(3);
        ObjectNode edited = document(e);
        edited.put("entityId", "tickets/999");

        IndexedCopy copy = copies.copyOf(AuditDocuments.documentId(e), edited);

        assertThat(copy.hash()).isEqualTo(bytes(e.getHash()));
        assertThat(copy.contentHash()).isNotEmpty().isNotEqualTo(copy.hash());
    }

    @Test
    void aHashThatIsMissingOrNotHexIsReadAsNone() throws Exception {
        AuditEntry e = log.entries.get(0);
        ObjectNode missing = document(e);
        missing.remove("hash");
        ObjectNode notHex = document(e);
        notHex.put("hash", "not-a-hash");

        assertThat(copies.copyOf("a", missing).hash()).isNull();
        assertThat(copies.copyOf("b", notHex).hash()).isNull();
        assertThat(copies.copyOf("b", notHex).logIndex()).isEqualTo(e.getLogIndex());
    }

    @Test
    void aDocumentWithoutSourceOrLogIndexIsReadAsUnplacedAndUnhashed() throws Exception {
        IndexedCopy noSource = copies.copyOf("x#1", null);
        assertThat(noSource.logIndex()).isEqualTo(-1);
        assertThat(noSource.hash()).isNull();
        assertThat(noSource.contentHash()).isEmpty();

        ObjectNode noLogIndex = document(log.entries.get(1));
        noLogIndex.remove("logIndex");
        assertThat(copies.copyOf("y#1", noLogIndex).logIndex()).isEqualTo(-1);
    }

    @Test
    void anUnreadableDocumentHashesToNothingWhichTheCrossCheckReportsAsModified() throws Exception {
        ObjectNode unreadable = document(log.entries.get(2));
        unreadable.remove("actor"); // a required field

        IndexedCopy copy = copies.copyOf("z#1", unreadable);

        assertThat(copy.hash()).isNotNull();
        assertThat(copy.contentHash()).isEmpty();
    }
}
