package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.SigningKeys;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.events.AuditEntry;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@code audit prove} and {@code audit check-proof} on a generated log, no servers. */
class AuditProofsTest {

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(37, 5, 10);
    private final TreeHeadVerifier trusted = TreeHeadVerifier.trusting(log.signing.publicKey());

    @Test
    void anInclusionProofOfEveryCoveredEntryChecksAgainstTheLatestCheckpoint() {
        // 37 entries, checkpoints at 10, 20, 30: the latest covers 30
        for (int i = 0; i < 30; i++) {
            String proof =
                    AuditProofs.inclusion(
                            log.entries, log.checkpoints, AuditProofs.EntrySelector.parse("" + i));
            AuditProofs.Verdict v = AuditProofs.check(proof, trusted, null);
            assertThat(v.ok()).as(v.text()).isTrue();
            assertThat(v.text())
                    .startsWith("OK: entry logIndex " + i + " ")
                    .contains("checkpoint 3 (treeSize 30)");
        }
    }

    @Test
    void anEntryIsNamedByEntityAndSeqToo() throws Exception {
        AuditEntry e = log.entries.get(17);
        String proof =
                AuditProofs.inclusion(
                        log.entries,
                        log.checkpoints,
                        AuditProofs.EntrySelector.parse(e.getEntityId() + "#" + e.getSeq()));
        assertThat(new ObjectMapper().readTree(proof).path("logIndex").asLong()).isEqualTo(17);
        String entryHash = HexFormat.of().formatHex(new EntryHasher().hash(e));
        assertThat(AuditProofs.check(proof, trusted, entryHash).ok()).isTrue();
        String other = HexFormat.of().formatHex(new EntryHasher().hash(log.entries.get(16)));
        AuditProofs.Verdict wrongEntry = AuditProofs.check(proof, trusted, other);
        assertThat(wrongEntry.ok()).isFalse();
        assertThat(wrongEntry.text()).contains("the entry hash is not the one given");
    }

    @Test
    void aProofWithAChangedPathOrAnUntrustedKeyFails() throws Exception {
        String proof =
                AuditProofs.inclusion(
                        log.entries, log.checkpoints, AuditProofs.EntrySelector.parse("4"));
        ObjectMapper m = new ObjectMapper();
        ObjectNode tampered = (ObjectNode) m.readTree(proof);
        ArrayNode path = (ArrayNode) tampered.path("path");
        String first = path.get(0).asText();
        path.set(0, (first.charAt(0) == '0' ? "1" : "0") + first.substring(1));
        AuditProofs.Verdict v = AuditProofs.check(m.writeValueAsString(tampered), trusted, null);
        assertThat(v.ok()).isFalse();
        assertThat(v.text()).contains("the path does not lead to the signed root");

        AuditProofs.Verdict otherKey =
                AuditProofs.check(
                        proof, TreeHeadVerifier.trusting(SigningKeys.generate().publicKey()), null);
        assertThat(otherKey.ok()).isFalse();
        assertThat(otherKey.text()).contains("signed by a key you did not give");
    }

    @Test
    void aProofOfATamperedEntryDoesNotReachTheSignedRoot() {
        log.entries.get(5).getChanges().get(0).setAfter("forged");
        String proof =
                AuditProofs.inclusion(
                        log.entries, log.checkpoints, AuditProofs.EntrySelector.parse("5"));
        assertThat(AuditProofs.check(proof, trusted, null).ok()).isFalse();
    }

    @Test
    void entriesNotYetCoveredOrAbsentAreRefusedWithAReason() {
        assertThatThrownBy(
                        () ->
                                AuditProofs.inclusion(
                                        log.entries,
                                        log.checkpoints,
                                        AuditProofs.EntrySelector.parse("33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not covered by the latest checkpoint 3");
        assertThatThrownBy(
                        () ->
                                AuditProofs.inclusion(
                                        log.entries,
                                        log.checkpoints,
                                        AuditProofs.EntrySelector.parse("tickets/77#1")))
                .hasMessageContaining("no entry tickets/77#1");
        assertThatThrownBy(() -> AuditProofs.EntrySelector.parse("contacts/42"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void consistencyBetweenCheckpointsChecksAndDetectsAForgedNewerCheckpoint() throws Exception {
        String proof = AuditProofs.consistency(log.entries, log.checkpoints, 1, 3);
        AuditProofs.Verdict v = AuditProofs.check(proof, trusted, null);
        assertThat(v.ok()).as(v.text()).isTrue();
        assertThat(v.text())
                .contains(
                        "checkpoint 1 (treeSize 10) is a prefix of the tree of checkpoint 3 (treeSize 30)");

        ObjectMapper m = new ObjectMapper();
        ObjectNode forged = (ObjectNode) m.readTree(proof);
        ((ObjectNode) forged.path("newCheckpoint")).put("merkleRoot", "00".repeat(32));
        AuditProofs.Verdict bad = AuditProofs.check(m.writeValueAsString(forged), trusted, null);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.text()).contains("newer checkpoint signature invalid");

        assertThatThrownBy(() -> AuditProofs.consistency(log.entries, log.checkpoints, 1, 9))
                .hasMessageContaining("no checkpoint 9");
    }

    @Test
    void anInclusionProofCarriesItsEntryAndAForgedOneWithTheGenuineLeafHashFails()
            throws Exception {
        String proof =
                AuditProofs.inclusion(
                        log.entries, log.checkpoints, AuditProofs.EntrySelector.parse("8"));
        AuditProofs.Verdict v = AuditProofs.check(proof, trusted, null);
        assertThat(v.ok()).as(v.text()).isTrue();
        assertThat(v.text()).contains("the entry it carries hashes to it");

        AuditEntry forged = AuditEntry.newBuilder(log.entries.get(8)).build();
        forged.getChanges().get(0).setAfter("forged");
        forged.setHash(java.nio.ByteBuffer.wrap(new EntryHasher().hash(forged)));
        ObjectMapper m = new ObjectMapper();
        ObjectNode json = (ObjectNode) m.readTree(proof);
        java.nio.ByteBuffer b = forged.toByteBuffer();
        byte[] record = new byte[b.remaining()];
        b.get(record);
        json.put("entry", HexFormat.of().formatHex(record));
        AuditProofs.Verdict carried = AuditProofs.check(m.writeValueAsString(json), trusted, null);
        assertThat(carried.ok()).isFalse();
        assertThat(carried.text()).contains("the entry's content does not hash to entryHash");

        json.put("entryHash", HexFormat.of().formatHex(new EntryHasher().hash(forged)));
        AuditProofs.Verdict named = AuditProofs.check(m.writeValueAsString(json), trusted, null);
        assertThat(named.ok()).isFalse();
        assertThat(named.text())
                .contains("leafHash is not SHA-256(00 || entryHash)")
                .contains("the path does not lead to the signed root");
    }

    @Test
    void aConsistencyProofWithAlteredSizesFails() throws Exception {
        String proof = AuditProofs.consistency(log.entries, log.checkpoints, 1, 3);
        ObjectMapper m = new ObjectMapper();
        ObjectNode json = (ObjectNode) m.readTree(proof);
        json.put("oldSize", 8);
        AuditProofs.Verdict v = AuditProofs.check(m.writeValueAsString(json), trusted, null);
        assertThat(v.ok()).isFalse();
        assertThat(v.text())
                .contains("checkpoint 1 (treeSize 10)")
                .contains(
                        "the proof's oldSize/newSize (8, 30) are not the checkpoints' tree sizes");
    }
}
