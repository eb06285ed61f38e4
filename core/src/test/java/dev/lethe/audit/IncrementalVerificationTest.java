package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.rehash;
import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static dev.lethe.audit.AuditLogs.signedLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditVerifier#verifyFrom}: a verification that starts from a head verified before sees
 * exactly what a whole verification sees in the entries after it, and proves the log still extends
 * the head.
 */
class IncrementalVerificationTest {

    private static final SigningKeys KEYS = rfc8032Keys();
    private static final SignedLog LOG = signedLog(400, 30, 50, KEYS, 11);

    private final AuditVerifier verifier =
            new AuditVerifier(TreeHeadVerifier.trusting(KEYS.publicKey()));

    /** The state a clean verification of the first {@code checkpoints} checkpoints leaves. */
    private VerifiedHead headAfter(SignedLog log, int checkpoints) {
        AuditCheckpoint head = log.checkpoints().get(checkpoints - 1);
        VerificationReport report =
                verifier.verify(
                        log.entries().subList(0, (int) head.getTreeSize()),
                        log.checkpoints().subList(0, checkpoints));
        assertThat(report.problems()).isEmpty();
        return report.verifiedHead();
    }

    private VerificationReport verifyAfter(VerifiedHead from, SignedLog log) {
        int start = (int) from.treeSize();
        return verifier.verifyFrom(
                from,
                EntryRecord.of(log.entries().subList(start, log.entries().size())),
                log.checkpoints().subList((int) from.checkpointSeq(), log.checkpoints().size()));
    }

    @Test
    void aCleanVerificationLeavesTheStateAtItsLatestHead() {
        VerifiedHead head = headAfter(LOG, 3);

        assertThat(head.checkpointSeq()).isEqualTo(3);
        assertThat(head.treeSize()).isEqualTo(150);
        assertThat(head.checkpointHash())
                .isEqualTo(TreeHeadSigner.hashOf(LOG.checkpoints().get(2)));
        assertThat(head.chains()).hasSizeLessThanOrEqualTo(30).isNotEmpty();
        AuditEntry last = LOG.entries().get(149);
        assertThat(head.chains().get(last.getEntityId()).seq()).isEqualTo(last.getSeq());
        assertThat(head.chains().get(last.getEntityId()).hash())
                .isEqualTo(Hex.toArray(last.getHash()));
    }

    @Test
    void theRestVerifiesFromTheHeadAndEndsAtTheSameStateAsAWholeVerification() {
        VerificationReport rest = verifyAfter(headAfter(LOG, 3), LOG);
        VerificationReport whole = verifier.verify(LOG.entries(), LOG.checkpoints());

        assertThat(rest.problems()).isEmpty();
        assertThat(rest.entries()).isEqualTo(250);
        assertThat(rest.checkpointsMatched()).isEqualTo(LOG.checkpoints().size() - 3);
        assertThat(rest.merkleRoot()).isEqualTo(whole.merkleRoot());
        VerifiedHead a = rest.verifiedHead();
        VerifiedHead b = whole.verifiedHead();
        assertThat(a.checkpointSeq()).isEqualTo(b.checkpointSeq());
        assertThat(a.frontier()).isEqualTo(b.frontier());
        assertThat(a.chainsToBytes()).isEqualTo(b.chainsToBytes());
    }

    @Test
    void aModifiedEntryAfterTheHeadIsFound() {
        SignedLog log = LOG.copy();
        log.entries().get(260).getChanges().get(1).setAfter("reopened");

        VerificationReport rest = verifyAfter(headAfter(LOG, 3), log);

        assertThat(rest.problems())
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.MODIFIED);
                            assertThat(p.position()).isEqualTo(260);
                        });
        assertThat(rest.verifiedHead()).isNull();
    }

    @Test
    void aLinkAcrossTheHeadIsChecked() {
        VerifiedHead head = headAfter(LOG, 3);
        SignedLog log = LOG.copy();
        // the first entry after the head of an entity that has entries before it
        int position = 150;
        while (!head.chains().containsKey(log.entries().get(position).getEntityId())) {
            position++;
        }
        AuditEntry forged = log.entries().get(position);
        forged.setPrevHash(ByteBuffer.wrap(new byte[32]));
        rehash(forged);

        VerificationReport rest = verifyAfter(head, log);

        int at = position;
        assertThat(rest.problems())
                .anySatisfy(
                        p -> {
                            assertThat(p.kind()).isEqualTo(ProblemKind.BROKEN_LINK);
                            assertThat(p.position()).isEqualTo(at);
                            assertThat(p.detail()).contains("at or before the verified head");
                        });
    }

    @Test
    void aHistoryRewrittenBeforeTheHeadDoesNotExtendIt() {
        // a forger rewrites entry 20 (rehashed) and re-signs the checkpoints after it with the
        // trusted key: the new entries alone look fine, but appended to the frontier the verifier
        // kept they do not give the re-signed roots
        VerifiedHead head = headAfter(LOG, 3);
        SignedLog forged = LOG.copy();
        forged.entries().get(20).getChanges().get(1).setAfter("forged");
        rehash(forged.entries().get(20));
        SignedLog resigned = resign(forged);

        VerificationReport rest = verifyAfter(head, resigned);

        assertThat(rest.problems())
                .extracting(Problem::kind)
                .contains(ProblemKind.CHECKPOINT_MISMATCH);
    }

    @Test
    void theNextCheckpointMustContinueTheHeadsChain() {
        VerifiedHead head = headAfter(LOG, 3);
        // checkpoint 5 where 4 must follow
        VerificationReport rest =
                verifier.verifyFrom(
                        head,
                        EntryRecord.of(LOG.entries().subList(150, 400)),
                        LOG.checkpoints().subList(4, LOG.checkpoints().size()));

        assertThat(rest.problems())
                .anySatisfy(
                        p -> assertThat(p.kind()).isEqualTo(ProblemKind.CHECKPOINT_CHAIN_BROKEN));
    }

    @Test
    void noNewEntriesAndNoNewHeadIsTheSameState() {
        VerifiedHead head = headAfter(LOG, 8);

        VerificationReport rest = verifier.verifyFrom(head, EntryRecord.of(List.of()), List.of());

        assertThat(rest.problems()).isEmpty();
        assertThat(rest.verifiedHead()).isSameAs(head);
    }

    @Test
    void aHeadRebuiltFromStoredHashesIsTheVerifiedOne() {
        AuditCheckpoint third = LOG.checkpoints().get(2);

        VerifiedHead rebuilt = VerifiedHead.rebuild(third, EntryRecord.of(LOG.entries()));

        VerifiedHead verified = headAfter(LOG, 3);
        assertThat(rebuilt.frontier()).isEqualTo(verified.frontier());
        assertThat(rebuilt.chainsToBytes()).isEqualTo(verified.chainsToBytes());
    }

    @Test
    void aRebuildRefusesAShorterOrRewrittenPrefix() {
        AuditCheckpoint third = LOG.checkpoints().get(2);
        assertThatThrownBy(
                        () ->
                                VerifiedHead.rebuild(
                                        third, EntryRecord.of(LOG.entries().subList(0, 100))))
                .hasMessageContaining("rolled back");

        SignedLog forged = LOG.copy();
        forged.entries().get(20).getChanges().get(1).setAfter("forged");
        rehash(forged.entries().get(20));
        assertThatThrownBy(() -> VerifiedHead.rebuild(third, EntryRecord.of(forged.entries())))
                .hasMessageContaining("rewritten");
    }

    @Test
    void chainTipsSurviveTheirBytes() {
        VerifiedHead head = headAfter(LOG, 5);

        var back = VerifiedHead.chainsFromBytes(head.chainsToBytes());

        assertThat(back.keySet()).isEqualTo(head.chains().keySet());
        head.chains()
                .forEach(
                        (entity, tip) -> {
                            assertThat(back.get(entity).seq()).isEqualTo(tip.seq());
                            assertThat(back.get(entity).hash()).isEqualTo(tip.hash());
                        });
        byte[] cut = java.util.Arrays.copyOf(head.chainsToBytes(), 40);
        assertThatThrownBy(() -> VerifiedHead.chainsFromBytes(cut))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFrontierThatDoesNotFoldToTheRootIsRefused() {
        VerifiedHead head = headAfter(LOG, 3);
        byte[] otherRoot = new byte[32];

        assertThatThrownBy(
                        () ->
                                new VerifiedHead(
                                        head.checkpointSeq(),
                                        head.checkpointHash(),
                                        head.treeSize(),
                                        otherRoot,
                                        head.frontier(),
                                        head.chains()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The log's checkpoints signed again over its (tampered) entries, with the trusted key. */
    private static SignedLog resign(SignedLog log) {
        TreeHeadSigner signer = new TreeHeadSigner(KEYS);
        MerkleFrontier tree = new MerkleFrontier();
        List<AuditCheckpoint> checkpoints = new java.util.ArrayList<>();
        int next = 0;
        for (AuditEntry e : log.entries()) {
            tree.appendEntryHash(Hex.toArray(e.getHash()));
            if (next < log.checkpoints().size()
                    && tree.size() == log.checkpoints().get(next).getTreeSize()) {
                AuditCheckpoint previous =
                        checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
                checkpoints.add(
                        signer.next(
                                previous,
                                tree.size(),
                                tree.root(),
                                AuditLogs.T0.plusSeconds(tree.size())));
                next++;
            }
        }
        return new SignedLog(log.entries(), checkpoints);
    }
}
