package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.Problem;
import dev.lethe.audit.ProblemKind;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.VerifiedHead;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying from a kept or pinned tree head ({@code audit verify --state / --from}) against Kafka's
 * MockConsumer: only what follows the head is read, and a log that does not extend the head —
 * rolled back, re-signed, forked — is refused with a message that says which.
 */
@Timeout(60)
class PinnedHeadVerificationTest {

    @TempDir Path dir;

    private final AuditTestLogs log = new AuditTestLogs().ticketTraffic(40, 4, 10);
    private final AuditTopics topics = new AuditTopics();

    private MockAuditTopics topicsHolding(List<AuditEntry> entries, List<AuditCheckpoint> heads) {
        return new MockAuditTopics()
                .topic(MockAuditTopics.ENTRIES, MockAuditTopics.encoded(entries))
                .topic(MockAuditTopics.CHECKPOINTS, MockAuditTopics.encodedCheckpoints(heads));
    }

    private PinnedHeadVerification verifier(MockAuditTopics kafka) {
        return new PinnedHeadVerification(
                kafka.source(Duration.ofMillis(300)),
                topics,
                TreeHeadVerifier.trusting(log.signing.publicKey()));
    }

    private PinnedHeadVerification.Outcome verify(MockAuditTopics kafka, VerifierState from)
            throws Exception {
        return verify(kafka, from, null);
    }

    /** The state after verifying the log's first {@code heads} checkpoints, from the start. */
    private VerifierState keptAfter(int heads) throws Exception {
        int size = (int) log.checkpoints.get(heads - 1).getTreeSize();
        PinnedHeadVerification.Outcome first =
                verify(
                        topicsHolding(
                                log.entries.subList(0, size), log.checkpoints.subList(0, heads)),
                        VerifierState.initial(topics));
        assertThat(first.result().report().problems()).isEmpty();
        return first.next();
    }

    private static List<ProblemKind> kinds(PinnedHeadVerification.Outcome o) {
        return o.result().report().problems().stream().map(Problem::kind).toList();
    }

    @Test
    void aWholeVerificationKeepsTheLatestHeadAndWhereTheLogHoldsIt() throws Exception {
        VerifierState kept = keptAfter(2);

        assertThat(kept.head().checkpointSeq()).isEqualTo(2);
        assertThat(kept.head().treeSize()).isEqualTo(20);
        assertThat(kept.checkpointOffset()).isEqualTo(1);
        assertThat(kept.entriesOffset()).isEqualTo(20);
    }

    @Test
    void theNextVerificationReadsOnlyWhatFollowsAndMovesTheStateOn() throws Exception {
        VerifierState kept = keptAfter(2);

        PinnedHeadVerification.Outcome next =
                verify(topicsHolding(log.entries, log.checkpoints), kept);

        assertThat(next.result().report().problems()).isEmpty();
        assertThat(next.result().report().entries()).as("entries read").isEqualTo(20);
        assertThat(next.next().head().checkpointSeq()).isEqualTo(4);
        assertThat(next.next().entriesOffset()).isEqualTo(40);
        assertThat(next.next().checkpointOffset()).isEqualTo(3);
        // and from there, nothing new: the same head
        PinnedHeadVerification.Outcome idle =
                verify(topicsHolding(log.entries, log.checkpoints), next.next());
        assertThat(idle.result().report().problems()).isEmpty();
        assertThat(idle.next().head().checkpointHashHex())
                .isEqualTo(next.next().head().checkpointHashHex());
    }

    @Test
    void aLogWhoseHeadIsGoneIsRolledBack() throws Exception {
        VerifierState kept = keptAfter(4);
        // the checkpoints topic was deleted up to the head, or recreated shorter
        MockAuditTopics kafka = topicsHolding(log.entries, log.checkpoints.subList(0, 2));

        PinnedHeadVerification.Outcome o = verify(kafka, kept);

        assertThat(kinds(o)).containsExactly(ProblemKind.ROLLED_BACK);
        assertThat(o.result().report().problems().get(0).detail())
                .contains("no longer holds the verified tree head");
        assertThat(o.next()).isNull();
    }

    @Test
    void entriesDeletedAfterTheHeadAreRolledBack() throws Exception {
        VerifierState kept = keptAfter(2);
        MockAuditTopics kafka = topicsHolding(log.entries, log.checkpoints);
        kafka.start.put(MockAuditTopics.ENTRIES, 30L);

        PinnedHeadVerification.Outcome o = verify(kafka, kept);

        assertThat(kinds(o)).containsExactly(ProblemKind.ROLLED_BACK);
        assertThat(o.result().report().problems().get(0).detail())
                .contains("entries topic no longer holds");
    }

    @Test
    void theSameTreeSignedAgainIsResigned() throws Exception {
        VerifierState kept = keptAfter(2);
        // the same entries, their heads signed again with another (say, stolen or rotated) key
        AuditTestLogs other = new AuditTestLogs();
        TreeHeadSigner signer = new TreeHeadSigner(other.signing);
        List<AuditCheckpoint> resigned = new ArrayList<>();
        for (AuditCheckpoint c : log.checkpoints) {
            AuditCheckpoint previous =
                    resigned.isEmpty() ? null : resigned.get(resigned.size() - 1);
            resigned.add(
                    signer.next(
                            previous,
                            c.getTreeSize(),
                            MockAuditTopics.bytes(c.getMerkleRoot().duplicate()),
                            c.getCreatedAt()));
        }

        PinnedHeadVerification.Outcome o = verify(topicsHolding(log.entries, resigned), kept);

        assertThat(kinds(o)).containsExactly(ProblemKind.RESIGNED);
        assertThat(o.result().report().problems().get(0).detail()).contains("re-signed");
    }

    @Test
    void anotherHistoryInTheHeadsPlaceIsAFork() throws Exception {
        VerifierState kept = keptAfter(2);
        // another history signed with the same key: other entries, other roots
        AuditTestLogs rewritten = new AuditTestLogs(log.signing).ticketTraffic(40, 5, 10);

        PinnedHeadVerification.Outcome o =
                verify(topicsHolding(rewritten.entries, rewritten.checkpoints), kept);

        assertThat(kinds(o)).containsExactly(ProblemKind.HEAD_FORKED);
        assertThat(o.result().report().problems().get(0).detail()).contains("a fork");
    }

    @Test
    void aPinnedHeadIsFoundByItsHashAndItsPrefixRebuilt() throws Exception {
        AuditCheckpoint second = log.checkpoints.get(1);
        MockAuditTopics kafka = topicsHolding(log.entries, log.checkpoints);

        VerifierState pinned = verifier(kafka).pinned(AuditVerification.hashOf(second));

        assertThat(pinned.head().checkpointSeq()).isEqualTo(2);
        assertThat(pinned.entriesOffset()).isEqualTo(20);
        PinnedHeadVerification.Outcome o = verify(kafka, pinned);
        assertThat(o.result().report().problems()).isEmpty();
        assertThat(o.result().report().entries()).isEqualTo(20);
    }

    @Test
    void aPinnedHeadTheLogNoLongerHoldsIsRefused() {
        AuditCheckpoint fourth = log.checkpoints.get(3);
        MockAuditTopics kafka =
                topicsHolding(log.entries.subList(0, 20), log.checkpoints.subList(0, 2));

        assertThatThrownBy(() -> verifier(kafka).pinned(AuditVerification.hashOf(fourth)))
                .isInstanceOf(VerifiedHead.NotExtendedException.class)
                .hasMessageContaining("not in the log's checkpoint chain");
        assertThatThrownBy(() -> verifier(kafka).pinned("abc"))
                .hasMessageContaining("64 hex digits");
    }

    /** An index copy with sequence numbers: every document, and those rewritten since. */
    private static final class SequencedIndex implements AuditVerification.IndexCopies {
        final List<AuditVerifier.IndexedCopy> copies = new ArrayList<>();
        final List<AuditVerifier.IndexedCopy> rewritten = new ArrayList<>();
        long checkpoint = 100;

        SequencedIndex(List<AuditEntry> entries) {
            for (AuditEntry e : entries) {
                copies.add(copy(e, MockAuditTopics.bytes(e.getHash().duplicate())));
            }
        }

        static AuditVerifier.IndexedCopy copy(AuditEntry e, byte[] hash) {
            return new AuditVerifier.IndexedCopy(
                    e.getEntityId() + "#" + e.getSeq(), e.getLogIndex(), hash);
        }

        @Override
        public List<AuditVerifier.IndexedCopy> read() {
            return copies;
        }

        @Override
        public long checkpoint() {
            return checkpoint;
        }

        @Override
        public List<AuditVerifier.IndexedCopy> changedSince(
                long after, long through, long belowLogIndex) {
            return rewritten.stream().filter(c -> c.logIndex() < belowLogIndex).toList();
        }
    }

    private PinnedHeadVerification.Outcome verify(
            MockAuditTopics kafka, VerifierState from, AuditVerification.IndexCopies index)
            throws Exception {
        return verifier(kafka)
                .verify(
                        from,
                        new AuditVerification(
                                TreeHeadVerifier.trusting(log.signing.publicKey()), Duration.ZERO),
                        index);
    }

    @Test
    void anIndexDocumentOfTheVerifiedRangeRewrittenSinceIsComparedWithItsEntry() throws Exception {
        SequencedIndex index = new SequencedIndex(log.entries.subList(0, 20));
        VerifierState kept =
                verify(
                                topicsHolding(
                                        log.entries.subList(0, 20), log.checkpoints.subList(0, 2)),
                                VerifierState.initial(topics),
                                index)
                        .next();
        assertThat(kept.indexSeqNo()).isEqualTo(100);
        // a Flink restore writes entry 18's document again, unchanged; someone changes entry 5's
        AuditEntry five = log.entries.get(5);
        AuditEntry eighteen = log.entries.get(18);
        index.rewritten.add(
                SequencedIndex.copy(
                        eighteen, MockAuditTopics.bytes(eighteen.getHash().duplicate())));
        index.rewritten.add(SequencedIndex.copy(five, new byte[32]));
        index.checkpoint = 140;
        new SequencedIndex(log.entries.subList(20, 40)).copies.forEach(index.copies::add);

        PinnedHeadVerification.Outcome o =
                verify(topicsHolding(log.entries, log.checkpoints), kept, index);

        assertThat(o.result().index())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.kind())
                                    .isEqualTo(AuditVerifier.IndexDiscrepancy.Kind.MODIFIED);
                            assertThat(d.docId())
                                    .isEqualTo(five.getEntityId() + "#" + five.getSeq());
                        });
        assertThat(o.next()).as("no state moves on past a problem").isNull();
        // once the document is restored (rewritten again, right), the next run passes
        index.rewritten.set(
                1, SequencedIndex.copy(five, MockAuditTopics.bytes(five.getHash().duplicate())));
        PinnedHeadVerification.Outcome again =
                verify(topicsHolding(log.entries, log.checkpoints), kept, index);
        assertThat(again.result().ok()).as(again.result().text()).isTrue();
        assertThat(again.next().indexSeqNo()).isEqualTo(140);
    }

    @Test
    void theStateFileIsTheOwnersAndReadsBackTheSame() throws Exception {
        VerifierState kept = keptAfter(3);
        Path file = dir.resolve("state.json");

        kept.write(file);
        VerifierState back = VerifierState.read(file).orElseThrow();

        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(back.head().checkpointHashHex()).isEqualTo(kept.head().checkpointHashHex());
        assertThat(back.head().frontier()).isEqualTo(kept.head().frontier());
        assertThat(back.head().chainsToBytes()).isEqualTo(kept.head().chainsToBytes());
        assertThat(back.entriesOffset()).isEqualTo(kept.entriesOffset());
        assertThat(back.checkpointOffset()).isEqualTo(kept.checkpointOffset());
    }

    @Test
    void anEditedStateIsRefusedWithWhatToDo() throws Exception {
        Path file = dir.resolve("state.json");
        keptAfter(3).write(file);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"treeSize\" : 30", "\"treeSize\" : 31"));

        assertThatThrownBy(() -> VerifierState.read(file))
                .hasMessageContaining("cannot be used")
                .hasMessageContaining("remove it to verify the whole log");
    }

    @Test
    void aStateOfAnotherLogIsRefused() throws Exception {
        AuditTopics others = new AuditTopics();
        others.entries = "lethe.audit.other";

        assertThatThrownBy(() -> keptAfter(2).checkTopics(others))
                .hasMessageContaining("lethe.audit.other");
    }
}
