package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.rehash;
import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static dev.lethe.audit.AuditLogs.signedLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.audit.AuditVerifier.IndexDiscrepancy;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.AuditFieldChange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tampering with a generated log of a few hundred entries over a few dozen contacts: each kind of
 * tampering is detected and located; the untouched log verifies.
 */
class AuditVerifierTest {

    private static final SigningKeys KEYS = rfc8032Keys();
    private static final int EVERY = 50;
    private static final SignedLog LOG = signedLog(400, 30, EVERY, KEYS, 7);

    private final AuditVerifier verifier =
            new AuditVerifier(TreeHeadVerifier.trusting(KEYS.publicKey()));

    @Test
    void theUntouchedLogVerifies() {
        VerificationReport report = verify(LOG);

        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.entries()).isEqualTo(400);
        assertThat(report.checkpoints()).isEqualTo(8);
        assertThat(report.checkpointsMatched()).isEqualTo(8);
        assertThat(report.merkleRoot())
                .isEqualTo(Hex.toArray(LOG.checkpoints().get(7).getMerkleRoot()));
    }

    @Test
    void anEmptyLogWithoutCheckpointsVerifies() {
        assertThat(verifier.verify(List.of(), List.of()).ok()).isTrue();
    }

    @Test
    void aFlippedByteInAnEncryptedValueIsModifiedAtThatEntry() {
        SignedLog log = LOG.copy();
        int position = 123;
        AuditFieldChange email = log.entries().get(position).getChanges().get(0);
        ByteBuffer after = (ByteBuffer) email.getAfter();
        after.put(2, (byte) (after.get(2) ^ 0x01));

        VerificationReport report = verify(log);

        assertOnlyEntryProblem(report, ProblemKind.MODIFIED, position);
        assertMismatchesFrom(report, position);
    }

    @Test
    void aChangedPlainValueIsModifiedAtThatEntry() {
        SignedLog log = LOG.copy();
        int position = 10;
        log.entries().get(position).getChanges().get(1).setAfter("reopened");

        VerificationReport report = verify(log);

        assertOnlyEntryProblem(report, ProblemKind.MODIFIED, position);
        assertMismatchesFrom(report, position);
    }

    @Test
    void aFlippedByteInAStoredHashIsModifiedThereAndNothingElse() {
        SignedLog log = LOG.copy();
        int position = 222;
        ByteBuffer hash = log.entries().get(position).getHash();
        hash.put(31, (byte) (hash.get(31) ^ 0x80));

        VerificationReport report = verify(log);

        // the content is intact, so the signed roots still match; only the stored hash is wrong
        assertThat(report.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MODIFIED);
                            assertThat(p.position()).isEqualTo(position);
                            assertThat(p.logIndex()).isEqualTo(position);
                        });
    }

    @Test
    void aRecordThatDoesNotDecodeIsMalformedAtItsPositionWithoutItsValues() throws Exception {
        int position = 123;
        AuditEntry victim = LOG.entries().get(position);
        List<EntryRecord> records = records(LOG.entries());
        // the Kafka record of the entry with its first change's boolean byte set to 0x02
        records.set(position, EntryRecord.decode(StrictDecodingTest.booleanTwo(victim)));
        assertThat(records.get(position).isMalformed()).isTrue();

        VerificationReport report = verifier.verifyRecords(records, LOG.checkpoints());

        assertThat(entryProblems(report))
                .first()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MALFORMED);
                            assertThat(p.position()).isEqualTo(position);
                            assertThat(p.logIndex()).isEqualTo(-1);
                            assertThat(p.entityId()).isNull();
                            assertThat(p.detail())
                                    .contains("a boolean byte other than 0 or 1")
                                    .doesNotContain(victim.getEntityId());
                        });
        // its logIndex is taken as held (the next entry continues); its chain sees a gap
        assertThat(entryProblems(report).subList(1, entryProblems(report).size()))
                .allSatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MISSING);
                            assertThat(p.entityId()).isEqualTo(victim.getEntityId());
                            assertThat(p.seq()).isEqualTo(victim.getSeq());
                        });
        assertMismatchesFrom(report, position);
    }

    @Test
    void aRecordOfGarbageInsertedIsMalformedAndNothingElseAboutTheEntries() {
        int position = 123;
        List<EntryRecord> records = records(LOG.entries());
        records.add(position, EntryRecord.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));

        VerificationReport report = verifier.verifyRecords(records, LOG.checkpoints());

        assertThat(entryProblems(report))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MALFORMED);
                            assertThat(p.position()).isEqualTo(position);
                        });
        assertMismatchesFrom(report, position);
        assertThat(report.entries()).isEqualTo(401);
    }

    private static List<EntryRecord> records(List<AuditEntry> entries) {
        List<EntryRecord> records = new ArrayList<>();
        entries.forEach(e -> records.add(EntryRecord.of(e)));
        return records;
    }

    @Test
    void aDeletedEntryIsMissingByLogIndexAndInItsChain() {
        SignedLog log = LOG.copy();
        int position = 77;
        AuditEntry deleted = log.entries().remove(position);
        boolean chainContinues =
                log.entries().stream()
                        .anyMatch(
                                e ->
                                        e.getEntityId().equals(deleted.getEntityId())
                                                && e.getSeq() > deleted.getSeq());
        assertThat(chainContinues).as("test data: the chain continues").isTrue();

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .allSatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.MISSING))
                .anySatisfy(
                        p -> {
                            assertThat(p.logIndex()).isEqualTo(77);
                            assertThat(p.position()).isEqualTo(77);
                        })
                .anySatisfy(
                        p -> {
                            assertThat(p.entityId()).isEqualTo(deleted.getEntityId());
                            assertThat(p.seq()).isEqualTo(deleted.getSeq());
                        })
                .hasSize(2);
        assertMismatchesFrom(report, position);
    }

    @Test
    void aForgedEntryInsertedIntoAChainIsInsertedAtItsPosition() {
        SignedLog log = LOG.copy();
        // the forger adds a change to contact c after its seq s, reusing the logIndex of the
        // entry it is slipped in front of, and links and hashes it correctly
        AuditEntry genuine = log.entries().get(150);
        int next = log.positionOf(genuine.getEntityId(), genuine.getSeq() + 1);
        AuditEntry forged = AuditEntry.newBuilder(genuine).build();
        forged.getChanges().get(1).setAfter("closed-by-forger");
        forged.setSeq(genuine.getSeq() + 1);
        forged.setPrevHash(genuine.getHash());
        int insertAt = 160;
        assertThat(insertAt).as("test data: before the genuine next entry").isLessThan(next);
        forged.setLogIndex(log.entries().get(insertAt).getLogIndex());
        rehash(forged);
        log.entries().add(insertAt, forged);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.INSERTED);
                            assertThat(p.position()).isEqualTo(insertAt);
                            assertThat(p.entityId()).isEqualTo(genuine.getEntityId());
                            assertThat(p.seq()).isEqualTo(genuine.getSeq() + 1);
                        });
        assertMismatchesFrom(report, insertAt);
    }

    @Test
    void aReplayedCopyOfAnEntryIsInserted() {
        SignedLog log = LOG.copy();
        AuditEntry copy = AuditEntry.newBuilder(log.entries().get(40)).build();
        log.entries().add(41, copy);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .isNotEmpty()
                .allSatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.INSERTED);
                            assertThat(p.position()).isEqualTo(41);
                        });
    }

    @Test
    void twoSwappedEntriesAreReordered() {
        SignedLog log = LOG.copy();
        Collections.swap(log.entries(), 200, 260);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.REORDERED))
                .extracting(Problem::position)
                .containsOnly(200L, 260L)
                .contains(200L, 260L);
        assertMismatchesFrom(report, 200);
    }

    @Test
    void twoAdjacentEntriesOfOneChainSwappedAreReordered() {
        SignedLog log = LOG.copy();
        int first = log.positionOf("contacts/5", 3);
        int second = log.positionOf("contacts/5", 4);
        AuditEntry moved = log.entries().remove(first);
        log.entries().add(second, moved);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.REORDERED))
                .anySatisfy(
                        p -> {
                            assertThat(p.entityId()).isEqualTo("contacts/5");
                            assertThat(p.seq()).isEqualTo(3);
                            assertThat(p.position()).isEqualTo(second);
                        });
    }

    @Test
    void aTruncatedTailIsTruncated() {
        SignedLog log = LOG.copy();
        log.entries().subList(370, 400).clear();

        VerificationReport report = verify(log);

        assertThat(report.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.TRUNCATED);
                            assertThat(p.checkpointSeq()).isEqualTo(8);
                            assertThat(p.detail()).contains("370").contains("400");
                        });
    }

    @Test
    void aConsistentlyRewrittenChainContradictsTheSignedRoots() {
        SignedLog log = LOG.copy();
        String entity = "contacts/12";
        int from = log.positionOf(entity, 2);
        // rewrite seq 2 and re-link every later entry of the chain: every link checks out
        ByteBuffer prev = null;
        for (AuditEntry entry : log.entries()) {
            if (!entry.getEntityId().equals(entity) || entry.getSeq() < 2) {
                continue;
            }
            if (entry.getSeq() == 2) {
                entry.getChanges().get(1).setAfter("never-happened");
            } else {
                entry.setPrevHash(prev);
            }
            rehash(entry);
            prev = entry.getHash();
        }

        VerificationReport report = verify(log);

        assertThat(entryProblems(report)).as("every link checks out").isEmpty();
        List<Problem> mismatches = report.problems();
        assertThat(mismatches)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_MISMATCH));
        Problem first = mismatches.get(0);
        long checkpoint = from / EVERY + 1;
        assertThat(first.checkpointSeq()).isEqualTo(checkpoint);
        long lastGood = (checkpoint - 1) * EVERY;
        assertThat(first.detail())
                .contains("positions " + lastGood + ".." + (checkpoint * EVERY - 1));
        assertThat(mismatches).hasSize((int) (8 - checkpoint + 1));
    }

    @Test
    void aForgedCheckpointSignatureIsBadSignature() {
        SignedLog log = LOG.copy();
        ByteBuffer signature = log.checkpoints().get(3).getSignature();
        signature.put(5, (byte) (signature.get(5) ^ 0x04));

        VerificationReport report = verify(log);

        assertThat(report.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.BAD_SIGNATURE);
                            assertThat(p.checkpointSeq()).isEqualTo(4);
                        });
        assertThat(report.checkpointsMatched()).isEqualTo(7);
    }

    @Test
    void aCheckpointReSignedWithAnotherKeyForATamperedLogIsCaught() {
        SignedLog log = LOG.copy();
        log.entries().get(120).getChanges().get(1).setAfter("tampered");
        rehash(log.entries().get(120));
        // the forger re-signs checkpoint 3 with its own key over the tampered log
        LogLeaves leaves = LogLeaves.of(log.entries());
        AuditCheckpoint original = log.checkpoints().get(2);
        AuditCheckpoint forged =
                new TreeHeadSigner(SigningKeys.generate())
                        .next(
                                log.checkpoints().get(1),
                                original.getTreeSize(),
                                leaves.root(original.getTreeSize()),
                                original.getCreatedAt());
        log.checkpoints().set(2, forged);

        VerificationReport report = verify(log);

        assertThat(report.problems())
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.BAD_SIGNATURE);
                            assertThat(p.checkpointSeq()).isEqualTo(3);
                        })
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_CHAIN_BROKEN);
                            assertThat(p.checkpointSeq()).isEqualTo(4);
                        })
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_MISMATCH);
                            assertThat(p.checkpointSeq()).isEqualTo(4);
                        });
    }

    @Test
    void aRemovedCheckpointBreaksTheCheckpointChain() {
        SignedLog log = LOG.copy();
        log.checkpoints().remove(4);

        VerificationReport report = verify(log);

        assertThat(report.problems())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_CHAIN_BROKEN);
                            assertThat(p.checkpointSeq()).isEqualTo(6);
                        });
    }

    @Test
    void twoDifferentEntriesWithTheSameSeqAreForkedWhenNothingTellsWhichIsGenuine() {
        SignedLog log = LOG.copy();
        // the last entry of a chain gets a rival with the same seq at the end of the log
        AuditEntry last = log.entries().get(399);
        AuditEntry rival = AuditEntry.newBuilder(last).build();
        rival.getChanges().get(1).setAfter("rival");
        rival.setLogIndex(400);
        rehash(rival);
        log.entries().add(rival);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.FORKED);
                            assertThat(p.position()).isEqualTo(400);
                            assertThat(p.entityId()).isEqualTo(last.getEntityId());
                            assertThat(p.seq()).isEqualTo(last.getSeq());
                        });
    }

    @Test
    void aBrokenLinkIsReportedAtTheEntryWhosePrevHashIsWrong() {
        SignedLog log = LOG.copy();
        int position = log.positionOf("contacts/3", 4);
        int successor = log.positionOf("contacts/3", 5);
        AuditEntry entry = log.entries().get(position);
        entry.setPrevHash(ByteBuffer.wrap(new byte[32]));
        rehash(entry);

        VerificationReport report = verify(log);

        // seq 4 no longer links to seq 3, and seq 5 links to the old seq 4, not this one
        assertThat(entryProblems(report))
                .extracting(Problem::kind, Problem::position, Problem::seq)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                ProblemKind.BROKEN_LINK, (long) position, 4L),
                        org.assertj.core.groups.Tuple.tuple(
                                ProblemKind.BROKEN_LINK, (long) successor, 5L));
    }

    @Test
    void anUnknownEncodingVersionIsMalformedNotModified() {
        SignedLog log = LOG.copy();
        log.entries().get(5).setEncoding(2);

        VerificationReport report = verify(log);

        assertThat(entryProblems(report))
                .extracting(Problem::kind)
                .containsExactly(ProblemKind.MALFORMED);
    }

    @Test
    void problemDetailsNeverQuotePlainValues() {
        SignedLog log = LOG.copy();
        log.entries().get(10).getChanges().get(1).setAfter("secret-plain-value");

        VerificationReport report = verify(log);
        // the altered entry is found and reported ...
        assertThat(entryProblems(report)).extracting(Problem::logIndex).contains(10L);
        // ... without its value
        assertThat(report.describe()).doesNotContain("secret-plain-value");
    }

    // ---- the index cross-check -----------------------------------------------------------------

    @Test
    void crossCheckFindsMissingExtraAndModifiedIndexCopies() {
        List<IndexedCopy> copies = new ArrayList<>();
        for (AuditEntry entry : LOG.entries()) {
            copies.add(
                    new IndexedCopy(
                            entry.getEntityId() + "#" + entry.getSeq(),
                            entry.getLogIndex(),
                            Hex.toArray(entry.getHash())));
        }
        assertThat(AuditVerifier.crossCheck(LOG.entries(), copies)).isEmpty();

        IndexedCopy dropped = copies.remove(17);
        byte[] otherHash = new byte[32];
        copies.set(
                30, new IndexedCopy(copies.get(30).docId(), copies.get(30).logIndex(), otherHash));
        copies.add(new IndexedCopy("contacts/999#1", 5_000, otherHash));

        List<IndexDiscrepancy> found = AuditVerifier.crossCheck(LOG.entries(), copies);

        assertThat(found)
                .extracting(IndexDiscrepancy::kind, IndexDiscrepancy::logIndex)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                IndexDiscrepancy.Kind.MISSING_FROM_INDEX, dropped.logIndex()),
                        org.assertj.core.groups.Tuple.tuple(IndexDiscrepancy.Kind.MODIFIED, 31L),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexDiscrepancy.Kind.NOT_IN_LOG, 5_000L));
    }

    @Test
    void crossCheckFindsACopyWhoseContentWasChangedButKeptTheEntrysHash() {
        List<IndexedCopy> copies = new ArrayList<>();
        for (AuditEntry entry : LOG.entries()) {
            byte[] hash = Hex.toArray(entry.getHash());
            copies.add(
                    new IndexedCopy(
                            entry.getEntityId() + "#" + entry.getSeq(),
                            entry.getLogIndex(),
                            hash,
                            hash));
        }
        assertThat(AuditVerifier.crossCheck(LOG.entries(), copies)).isEmpty();
        AuditEntry tampered = AuditEntry.newBuilder(LOG.entries().get(12)).setOp("DELETE").build();
        IndexedCopy original = copies.get(12);
        copies.set(
                12,
                new IndexedCopy(
                        original.docId(),
                        original.logIndex(),
                        original.hash(),
                        new EntryHasher().hash(tampered)));

        List<IndexDiscrepancy> found = AuditVerifier.crossCheck(LOG.entries(), copies);

        assertThat(found)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind()).isEqualTo(IndexDiscrepancy.Kind.MODIFIED);
                            assertThat(d.docId()).isEqualTo(original.docId());
                            assertThat(d.detail()).contains("content");
                        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private VerificationReport verify(SignedLog log) {
        return verifier.verify(log.entries(), log.checkpoints());
    }

    private static List<Problem> entryProblems(VerificationReport report) {
        return report.problems().stream().filter(Problem::isAboutEntry).toList();
    }

    private static void assertOnlyEntryProblem(
            VerificationReport report, ProblemKind kind, int position) {
        assertThat(entryProblems(report))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.kind()).isEqualTo(kind);
                            assertThat(p.position()).isEqualTo(position);
                            assertThat(p.logIndex()).isEqualTo(position);
                        });
    }

    /** Every checkpoint covering {@code position} mismatches, and only those. */
    private static void assertMismatchesFrom(VerificationReport report, int position) {
        long firstAffected = position / EVERY + 1;
        assertThat(report.problems().stream().filter(p -> !p.isAboutEntry()))
                .allSatisfy(p -> assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_MISMATCH))
                .extracting(Problem::checkpointSeq)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(firstAffected, 8).boxed().toList());
    }
}
