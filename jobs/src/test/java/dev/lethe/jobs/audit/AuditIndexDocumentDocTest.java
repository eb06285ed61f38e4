package dev.lethe.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.HashChain;
import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the index document of docs/audit-format.md ("Elasticsearch copy") true: it is what {@link
 * AuditDocuments} writes for entry 1 of the worked example, and reads back as that entry.
 */
class AuditIndexDocumentDocTest {

    private static final Path DOC = Path.of("..", "docs", "audit-format.md");
    private static final Instant COMMITTED = Instant.parse("2025-03-01T09:00:00Z");
    private static final String HEADING =
            "Document `contacts/42#2` (entry 1 of the worked example):";

    /** The worked example's entries (as core's AuditFormatDocTest builds them). */
    private static AuditEntry example(long logIndex, String before, String after) {
        HexFormat hex = HexFormat.of();
        return AuditEntry.newBuilder()
                .setLogIndex(logIndex)
                .setEntityId("contacts/42")
                .setTable("contacts")
                .setKey(Map.of("id", "42"))
                .setSeq(0)
                .setOp("UPDATE")
                .setChanges(
                        List.of(
                                new AuditFieldChange(
                                        "email",
                                        true,
                                        ByteBuffer.wrap(hex.parseHex("01010a636f6e7461")),
                                        ByteBuffer.wrap(hex.parseHex("01010a636f6e7462"))),
                                new AuditFieldChange("status", false, before, after)))
                .setSubjectIds(List.of("contact:42"))
                .setActor(new AuditActor("agent", "7", null))
                .setCommitTime(COMMITTED.plusSeconds(logIndex))
                .setCaptureTime(COMMITTED.plusSeconds(logIndex).plusMillis(40))
                .setLsn(24_023_128L + logIndex)
                .setTxId(771L + logIndex)
                .setSourceTopic("helpdesk.public.contacts")
                .setSourcePartition(0)
                .setSourceOffset(9_001L + logIndex)
                .setPrevHash(ByteBuffer.allocate(0))
                .setHash(ByteBuffer.allocate(0))
                .build();
    }

    @Test
    void theDocumentInTheFormatDocumentIsWhatTheIndexSinkWrites() throws Exception {
        EntryHasher hasher = new EntryHasher();
        HashChain.Head head = HashChain.append(null, example(0, "open", "closed"), hasher);
        AuditEntry second = example(1, "closed", "open");
        HashChain.append(head, second, hasher);

        ObjectMapper json = new ObjectMapper();
        JsonNode written = json.readTree(AuditDocuments.toJson(second));
        String doc = Files.readString(DOC);
        int at = doc.indexOf(HEADING);
        assertThat(at).as("docs/audit-format.md has: %s", HEADING).isPositive();
        int start = doc.indexOf("```json\n", at) + "```json\n".length();
        int end = doc.indexOf("```", start);
        JsonNode documented = json.readTree(doc.substring(start, end));

        assertThat(documented)
                .as(
                        "the document of entry 1 in docs/audit-format.md; written:%n%s",
                        json.writerWithDefaultPrettyPrinter().writeValueAsString(written))
                .isEqualTo(written);
        assertThat(AuditDocuments.documentId(second)).isEqualTo("contacts/42#2");
        assertThat(AuditDocuments.fromJson(documented)).isEqualTo(second);
    }
}
