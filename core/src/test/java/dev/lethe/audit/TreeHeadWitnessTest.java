package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.events.AuditCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness of signed tree heads, and a log rolled back or rewritten behind its back. */
class TreeHeadWitnessTest {

    private static final SigningKeys KEYS = SigningKeys.generate();
    private static final TreeHeadVerifier TRUSTED = TreeHeadVerifier.trusting(KEYS.publicKey());
    private static final Instant NOW = Instant.parse("2025-03-02T10:00:00Z");

    /** 50 entries, a checkpoint every 10: checkpoints 1..5 of sizes 10..50. */
    private final SignedLog log = AuditLogs.signedLog(50, 7, 10, KEYS, 42);

    @Test
    void aWitnessedHeadIsOneJsonLineWithEverythingToCheckItsSignature(@TempDir Path dir)
            throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("witness.jsonl"));
        AuditCheckpoint head = log.checkpoints().get(2);

        assertThat(witness.append(head, NOW)).isTrue();

        List<String> lines = Files.readAllLines(witness.file());
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.path("type").asText()).isEqualTo("lethe.audit.tree-head/1");
        assertThat(line.path("checkpointSeq").asLong()).isEqualTo(3);
        assertThat(line.path("treeSize").asLong()).isEqualTo(30);
        assertThat(line.path("merkleRoot").asText()).isEqualTo(Hex.of(head.getMerkleRoot()));
        assertThat(line.path("signingKeyId").asText()).isEqualTo(KEYS.keyId());
        assertThat(line.path("signature").asText()).isEqualTo(Hex.of(head.getSignature()));
        assertThat(line.path("checkpointHash").asText())
                .isEqualTo(Hex.of(TreeHeadSigner.hashOf(head)));
        assertThat(line.path("witnessedAt").asText()).isEqualTo("2025-03-02T10:00:00Z");
        assertThat(line.has("publicKey")).isFalse();
        AuditCheckpoint read = witness.latest().orElseThrow();
        assertThat(TRUSTED.isValid(read)).isTrue();
        assertThat(TreeHeadSigner.hashOf(read)).isEqualTo(TreeHeadSigner.hashOf(head));
    }

    @Test
    void onlyNewerHeadsAreAppended(@TempDir Path dir) throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("a/witness.jsonl"));

        assertThat(witness.append(log.checkpoints().get(1), NOW)).isTrue();
        assertThat(witness.append(log.checkpoints().get(1), NOW)).isFalse();
        assertThat(witness.append(log.checkpoints().get(0), NOW)).isFalse();
        assertThat(witness.append(log.checkpoints().get(3), NOW)).isTrue();

        assertThat(witness.read())
                .extracting(AuditCheckpoint::getCheckpointSeq)
                .containsExactly(2L, 4L);
    }

    @Test
    void aLogThatGrewAfterTheWitnessedHeadIsConsistent() {
        AuditCheckpoint witnessed = log.checkpoints().get(2);

        TreeHeadWitness.Check check = verifyAgainst(witnessed, log);

        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.CONSISTENT);
        assertThat(check.ok()).isTrue();
        assertThat(check.detail())
                .isEqualTo(
                        "the log's latest tree head, checkpoint 5 (treeSize 50), extends the"
                                + " witnessed checkpoint 3 (treeSize 30, signed "
                                + witnessed.getCreatedAt()
                                + ")");
        assertThat(verifyAgainst(log.checkpoints().get(4), log).kind())
                .isEqualTo(TreeHeadWitness.Kind.CONSISTENT);
    }

    @Test
    void aLogRolledBackTogetherWithItsCheckpointsVerifiesAloneButNotAgainstTheWitness() {
        AuditCheckpoint witnessed = log.checkpoints().get(3); // treeSize 40
        SignedLog rolledBack =
                new SignedLog(log.entries().subList(0, 20), log.checkpoints().subList(0, 2));

        VerificationReport alone =
                new AuditVerifier(TRUSTED).verify(rolledBack.entries(), rolledBack.checkpoints());
        assertThat(alone.ok()).as(alone.describe()).isTrue();

        TreeHeadWitness.Check check = verifyAgainst(witnessed, rolledBack);
        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.ROLLED_BACK);
        assertThat(check.ok()).isFalse();
        assertThat(check.detail())
                .startsWith(
                        "ROLLED BACK: the log's latest signed tree head is checkpoint 2 (treeSize"
                                + " 20), behind the witnessed checkpoint 4 (treeSize 40")
                .endsWith("the log and its checkpoints were rolled back");
    }

    @Test
    void aLogRolledBackAndWrittenAgainWithTheSameKeyIsForked() {
        AuditCheckpoint witnessed = log.checkpoints().get(2);
        // the log thrown away and a different history signed with the same key, grown past it
        SignedLog rewritten = AuditLogs.signedLog(60, 7, 10, KEYS, 7);
        assertThat(
                        new AuditVerifier(TRUSTED)
                                .verify(rewritten.entries(), rewritten.checkpoints())
                                .ok())
                .isTrue();

        TreeHeadWitness.Check check = verifyAgainst(witnessed, rewritten);

        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.FORKED);
        assertThat(check.detail())
                .startsWith("FORKED: the log's checkpoint 3 (treeSize 30) is not the witnessed");
    }

    @Test
    void entriesUnderTheWitnessedRootThatChangedAreForked() {
        AuditCheckpoint witnessed = log.checkpoints().get(2);
        byte[] otherRoot = new byte[32];

        TreeHeadWitness.Check check =
                TreeHeadWitness.check(witnessed, log.checkpoints(), otherRoot, TRUSTED);

        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.FORKED);
        assertThat(check.detail())
                .startsWith("FORKED: the Merkle root of the log's first 30 entries is 0000")
                .contains("not the witnessed root " + Hex.of(witnessed.getMerkleRoot()));
    }

    @Test
    void theRootAtTheWitnessedSizeIsTakenInTheVerifyingPass() {
        AuditVerifier.RootsAt roots = new AuditVerifier.RootsAt(0, 30, 99);

        new AuditVerifier(TRUSTED)
                .verifyRecords(EntryRecord.of(log.entries()), log.checkpoints(), roots);

        assertThat(roots.root(30)).hasValue(bytes(log.checkpoints().get(2)));
        assertThat(roots.root(0)).hasValue(MerkleTree.emptyRoot());
        assertThat(roots.root(99)).isEmpty();
    }

    @Test
    void aWitnessLineChangedByHandIsRefusedOrUntrusted(@TempDir Path dir) throws Exception {
        TreeHeadWitness witness = new TreeHeadWitness(dir.resolve("witness.jsonl"));
        witness.append(log.checkpoints().get(4), NOW);
        String line = Files.readString(witness.file());

        Files.writeString(witness.file(), line.replace("\"treeSize\":50", "\"treeSize\":20"));
        assertThatThrownBy(witness::latest)
                .hasMessageContaining("line 1 of the witness")
                .hasMessageContaining("checkpointHash is not the hash of its fields");

        Files.writeString(
                witness.file(),
                line.replace("\"treeSize\":50", "\"treeSize\":20")
                        .replaceAll(",\"checkpointHash\":\"[0-9a-f]+\"", ""));
        TreeHeadWitness.Check check = verifyAgainst(witness.latest().orElseThrow(), log);
        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.UNTRUSTED);
        assertThat(check.detail()).contains("is not signed by a trusted key (INVALID_SIGNATURE");

        TreeHeadWitness.Check otherKey =
                TreeHeadWitness.check(
                        log.checkpoints().get(4),
                        log.checkpoints(),
                        bytes(log.checkpoints().get(4)),
                        TreeHeadVerifier.trusting(SigningKeys.generate().publicKey()));
        assertThat(otherKey.kind()).isEqualTo(TreeHeadWitness.Kind.UNTRUSTED);
    }

    @Test
    void nothingWitnessedYetIsNoProblem() {
        TreeHeadWitness.Check check = TreeHeadWitness.check(null, log.checkpoints(), null, TRUSTED);
        assertThat(check.kind()).isEqualTo(TreeHeadWitness.Kind.NOTHING_WITNESSED);
        assertThat(check.ok()).isTrue();
    }

    /** Verifies {@code l} in one pass, taking its root at the witnessed size, then checks it. */
    private static TreeHeadWitness.Check verifyAgainst(AuditCheckpoint witnessed, SignedLog l) {
        AuditVerifier.RootsAt roots = new AuditVerifier.RootsAt(witnessed.getTreeSize());
        new AuditVerifier(TRUSTED)
                .verifyRecords(EntryRecord.of(l.entries()), l.checkpoints(), roots);
        return TreeHeadWitness.check(
                witnessed,
                l.checkpoints(),
                roots.root(witnessed.getTreeSize()).orElse(null),
                TRUSTED);
    }

    private static byte[] bytes(AuditCheckpoint c) {
        return Hex.parse(Hex.of(c.getMerkleRoot()));
    }
}
