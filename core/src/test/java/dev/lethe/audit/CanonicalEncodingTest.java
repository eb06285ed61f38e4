package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.contactUpdate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class CanonicalEncodingTest {

    private final EntryHasher hasher = new EntryHasher();

    @Test
    void theHashIsSha256OfTheCanonicalEncoding() {
        AuditEntry entry = linked(contactUpdate(42, "open", "closed").build());

        assertThat(hasher.hash(entry)).isEqualTo(Sha256.of(CanonicalEncoding.encode(entry)));
    }

    @Test
    void theHashFieldItselfIsNotEncoded() {
        AuditEntry entry = linked(contactUpdate(42, "open", "closed").build());
        byte[] before = CanonicalEncoding.encode(entry);

        entry.setHash(ByteBuffer.wrap(new byte[32]));

        assertThat(CanonicalEncoding.encode(entry)).isEqualTo(before);
    }

    @Test
    void mapOrderDoesNotMatterButMapContentDoes() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("ticket_id", "7");
        ab.put("tag_id", "3");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("tag_id", "3");
        ba.put("ticket_id", "7");

        AuditEntry one = linked(contactUpdate(1, "a", "b").setKey(ab).build());
        AuditEntry other = linked(contactUpdate(1, "a", "b").setKey(ba).build());
        AuditEntry different =
                linked(
                        contactUpdate(1, "a", "b")
                                .setKey(Map.of("tag_id", "3", "ticket_id", "8"))
                                .build());

        assertThat(hasher.hash(one)).isEqualTo(hasher.hash(other));
        assertThat(hasher.hash(one)).isNotEqualTo(hasher.hash(different));
    }

    @Test
    void mapKeysSortByCodePointWhichIsUtf8ByteOrder() {
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00"; // U+1F600: after U+E000, though its UTF-16 sorts first
        assertThat(emoji.compareTo(privateUse)).isNegative();
        assertThat(CanonicalEncoding.compareCodePoints(privateUse, emoji)).isNegative();

        Map<String, String> map = new LinkedHashMap<>();
        map.put(emoji, "x");
        map.put(privateUse, "y");
        byte[] encoded =
                CanonicalEncoding.encode(
                        linked(contactUpdate(1, "a", "b").setAttributes(map).build()));

        String hex = Hex.of(encoded);
        String privateUseHex = Hex.of(privateUse.getBytes(StandardCharsets.UTF_8));
        String emojiHex = Hex.of(emoji.getBytes(StandardCharsets.UTF_8));
        assertThat(hex.indexOf("00000003" + privateUseHex))
                .isLessThan(hex.indexOf("00000004" + emojiHex))
                .isNotNegative();
    }

    @Test
    void textIsUtf8AsTheJdkEncodesIt() {
        String text = "Zoë – 東京 \uD83D\uDE00";
        CanonicalWriter out = new CanonicalWriter(2);
        out.str(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);

        assertThat(out.toByteArray())
                .isEqualTo(
                        ByteBuffer.allocate(4 + utf8.length).putInt(utf8.length).put(utf8).array());

        CanonicalWriter avroText = new CanonicalWriter();
        avroText.str(new Utf8(text));
        assertThat(avroText.toByteArray()).isEqualTo(out.toByteArray());
    }

    @Test
    void nullEmptyTextAndEmptyBytesAreThreeDifferentValues() {
        Set<String> hashes = new HashSet<>();
        for (Object value : new Object[] {null, "", ByteBuffer.allocate(0)}) {
            AuditEntry entry = linked(contactUpdate(1, "a", "b").build());
            entry.getChanges().get(1).setAfter(value);
            hashes.add(Hex.of(hasher.hash(entry)));
        }
        assertThat(hashes).hasSize(3);
    }

    @Test
    void everyFieldButTheHashIsCovered() {
        List<Consumer<AuditEntry>> changes =
                List.of(
                        e -> e.setLogIndex(e.getLogIndex() + 1),
                        e -> e.setKind("purge-receipt"),
                        e -> e.setEntityId("contacts/43"),
                        e -> e.setTable("accounts"),
                        e -> e.setKey(Map.of("id", "43")),
                        e -> e.setSeq(e.getSeq() + 1),
                        e -> e.setOp("DELETE"),
                        e -> e.getChanges().get(0).setColumn("mail"),
                        e -> e.getChanges().get(1).setPersonal(true),
                        e -> e.getChanges().get(0).setBefore(AuditLogs.envelope("other")),
                        e -> e.getChanges().get(1).setAfter("pending"),
                        e -> e.setChanges(List.of(e.getChanges().get(1), e.getChanges().get(0))),
                        e -> e.setSubjectIds(List.of("subject-1", "subject-2")),
                        e -> e.getActor().setType("system"),
                        e -> e.getActor().setId(null),
                        e -> e.getActor().setReason("other reason"),
                        e -> e.setCommitTime(e.getCommitTime().plusMillis(1)),
                        e -> e.setCaptureTime(e.getCaptureTime().plusMillis(1)),
                        e -> e.setLsn(null),
                        e -> e.setTxId(772L),
                        e -> e.setSourceTopic("helpdesk.public.accounts"),
                        e -> e.setSourcePartition(null),
                        e -> e.setSourceOffset(9_002L),
                        e -> e.setAttributes(Map.of("rows", "3")),
                        e -> e.setPrevHash(ByteBuffer.wrap(new byte[32])));
        Set<String> hashes = new HashSet<>();
        AuditEntry original = linked(contactUpdate(42, "open", "closed").build());
        original.setPrevHash(ByteBuffer.wrap(Sha256.of(new byte[] {1})));
        hashes.add(Hex.of(hasher.hash(original)));
        for (Consumer<AuditEntry> change : changes) {
            AuditEntry changed = AuditEntry.newBuilder(original).build();
            change.accept(changed);
            hashes.add(Hex.of(hasher.hash(changed)));
        }
        assertThat(hashes).hasSize(changes.size() + 1);
    }

    @Test
    void theHashSurvivesAvroSerializationAsKafkaCarriesIt() throws Exception {
        Map<String, String> key = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            key.put("column_" + i, "value " + i);
        }
        AuditEntry entry = linked(contactUpdate(42, "open", "closed").setKey(key).build());

        AuditEntry decoded = AuditEntry.getDecoder().decode(AuditEntry.getEncoder().encode(entry));

        assertThat(hasher.hash(decoded)).isEqualTo(hasher.hash(entry));
        assertThat(Hex.equals(decoded.getHash(), hasher.hash(decoded))).isTrue();
    }

    @Test
    void anUnknownEncodingVersionOrAMissingFieldIsRefusedByName() {
        AuditEntry future = linked(contactUpdate(1, "a", "b").build());
        future.setEncoding(2);
        assertThatThrownBy(() -> hasher.hash(future))
                .isInstanceOf(UnsupportedEncodingVersionException.class)
                .hasMessageContaining("version 2");

        AuditEntry noActor = linked(contactUpdate(1, "a", "b").build());
        noActor.setActor(null);
        assertThatThrownBy(() -> hasher.hash(noActor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor");
    }

    @Test
    void aValueThatIsNeitherTextNorBytesIsRefused() {
        AuditEntry entry = linked(contactUpdate(1, "a", "b").build());
        entry.getChanges().get(1).setAfter(42);
        assertThatThrownBy(() -> hasher.hash(entry)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodingDoesNotMoveByteBuffers() {
        AuditEntry entry = linked(contactUpdate(1, "a", "b").build());
        AuditFieldChange email = entry.getChanges().get(0);
        ByteBuffer after = (ByteBuffer) email.getAfter();
        int position = after.position();

        hasher.hash(entry);

        assertThat(after.position()).isEqualTo(position);
        assertThat(entry.getActor()).isInstanceOf(AuditActor.class);
    }

    private AuditEntry linked(AuditEntry entry) {
        HashChain.append(null, entry, hasher);
        return entry;
    }
}
