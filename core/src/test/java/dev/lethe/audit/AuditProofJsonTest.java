package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static dev.lethe.audit.AuditLogs.signedLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.events.AuditCheckpoint;
import org.junit.jupiter.api.Test;

class AuditProofJsonTest {

    private static final SignedLog LOG = signedLog(120, 12, 25, rfc8032Keys(), 3);
    private static final LogLeaves LEAVES = LogLeaves.of(LOG.entries());
    private static final CheckpointVerifier TRUSTED =
            CheckpointVerifier.trusting(rfc8032Keys().publicKey());

    @Test
    void everyEntryHasAnInclusionProofAgainstEveryCheckpointCoveringIt() {
        for (AuditCheckpoint checkpoint : LOG.checkpoints()) {
            for (long index = 0; index < checkpoint.getTreeSize(); index++) {
                InclusionProof proof = LEAVES.inclusionProof(index, checkpoint.getTreeSize());
                assertThat(proof.verify(checkpoint, TRUSTED))
                        .as("entry %d in checkpoint %d", index, checkpoint.getCheckpointSeq())
                        .isTrue();
                assertThat(proof.entryHash())
                        .isEqualTo(Hex.toArray(LOG.entries().get((int) index).getHash()));
            }
        }
    }

    @Test
    void anInclusionProofSurvivesItsJsonAndFailsForAnotherEntry() {
        AuditCheckpoint checkpoint = LOG.checkpoints().get(2);
        InclusionProof proof = LEAVES.inclusionProof(37, checkpoint.getTreeSize());

        String json = AuditProofJson.toJson(proof, checkpoint);
        AuditProofJson.Inclusion parsed = AuditProofJson.parseInclusion(json);

        assertThat(json).contains("\"type\" : \"" + AuditProofJson.INCLUSION_TYPE + "\"");
        assertThat(parsed.proof().verify(parsed.checkpoint(), TRUSTED)).isTrue();
        assertThat(parsed.checkpoint()).isEqualTo(checkpoint);
        InclusionProof forOther =
                new InclusionProof(37, proof.treeSize(), LEAVES.entryHash(38), proof.path());
        assertThat(forOther.verify(checkpoint, TRUSTED)).isFalse();
    }

    @Test
    void consistencyProofsBetweenCheckpointsVerifyAndSurviveTheirJson() {
        for (int older = 0; older < LOG.checkpoints().size(); older++) {
            for (int newer = older; newer < LOG.checkpoints().size(); newer++) {
                AuditCheckpoint a = LOG.checkpoints().get(older);
                AuditCheckpoint b = LOG.checkpoints().get(newer);
                ConsistencyProof proof = LEAVES.consistencyProof(a.getTreeSize(), b.getTreeSize());

                AuditProofJson.Consistency parsed =
                        AuditProofJson.parseConsistency(AuditProofJson.toJson(proof, a, b));

                assertThat(parsed.proof().verify(parsed.older(), parsed.newer(), TRUSTED))
                        .as("checkpoint %d -> %d", older + 1, newer + 1)
                        .isTrue();
            }
        }
    }

    @Test
    void aConsistencyProofFailsAgainstACheckpointOfARewrittenLog() {
        SignedLog rewritten = LOG.copy();
        rewritten.entries().get(3).getChanges().get(1).setAfter("rewritten");
        AuditLogs.rehash(rewritten.entries().get(3));
        LogLeaves rewrittenLeaves = LogLeaves.of(rewritten.entries());
        AuditCheckpoint older = LOG.checkpoints().get(0);
        AuditCheckpoint newer = LOG.checkpoints().get(3);
        ConsistencyProof fromRewritten =
                rewrittenLeaves.consistencyProof(older.getTreeSize(), newer.getTreeSize());

        assertThat(fromRewritten.verify(older, newer, TRUSTED)).isFalse();
    }
}
