package dev.lethe.audit;

import static dev.lethe.audit.AuditLogs.rfc8032Keys;
import static dev.lethe.audit.AuditLogs.signedLog;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.AuditLogs.SignedLog;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import org.junit.jupiter.api.Test;

class AuditProofJsonTest {

    private static final SignedLog LOG = signedLog(120, 12, 25, rfc8032Keys(), 3);
    private static final LogLeaves LEAVES = LogLeaves.of(LOG.entries());
    private static final TreeHeadVerifier TRUSTED =
            TreeHeadVerifier.trusting(rfc8032Keys().publicKey());

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

    private static byte[] record(AuditEntry e) throws java.io.IOException {
        java.nio.ByteBuffer b = e.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static ObjectNode inclusionJson(int index, AuditEntry carried) throws Exception {
        AuditCheckpoint checkpoint = LOG.checkpoints().get(2);
        InclusionProof proof = LEAVES.inclusionProof(index, checkpoint.getTreeSize());
        return (ObjectNode)
                JSON.readTree(AuditProofJson.toJson(proof, checkpoint, record(carried)));
    }

    private static AuditProofJson.InclusionCheck check(ObjectNode json) throws Exception {
        return AuditProofJson.parseInclusion(JSON.writeValueAsString(json)).check(TRUSTED);
    }

    @Test
    void anInclusionProofCarryingItsEntryBindsTheEntryToTheLeaf() throws Exception {
        AuditEntry genuine = LOG.entries().get(37);
        AuditProofJson.InclusionCheck ok = check(inclusionJson(37, genuine));
        assertThat(ok.ok()).as("%s", ok).isTrue();
        assertThat(ok.entryCarried()).isTrue();
        assertThat(ok.entry()).isNull();
    }

    @Test
    void aForgedEntryWithTheGenuineLeafHashIsRefused() throws Exception {
        AuditEntry genuine = LOG.entries().get(37);
        ObjectNode json = inclusionJson(37, genuine);
        String genuineLeaf = json.path("leafHash").asText();

        // 1. a forged entry, correctly hashed, named as the proof's entry: leafHash and path kept
        AuditEntry forged = AuditEntry.newBuilder(genuine).build();
        forged.getChanges().get(1).setAfter("forged");
        AuditLogs.rehash(forged);
        ObjectNode one = json.deepCopy();
        one.put("entry", Hex.of(record(forged)));
        one.put("entryHash", Hex.of(forged.getHash()));
        assertThat(one.path("leafHash").asText()).isEqualTo(genuineLeaf);
        AuditProofJson.InclusionCheck first = check(one);
        assertThat(first.ok()).isFalse();
        assertThat(first.leafHash()).isFalse();
        assertThat(first.path()).isFalse();

        // 2. the forged entry carried, the genuine entryHash and leafHash kept
        ObjectNode two = json.deepCopy();
        two.put("entry", Hex.of(record(forged)));
        AuditProofJson.InclusionCheck second = check(two);
        assertThat(second.ok()).isFalse();
        assertThat(second.leafHash()).isTrue();
        assertThat(second.path()).isTrue();
        assertThat(second.entry()).isEqualTo("the entry's content does not hash to entryHash");

        // 3. the forged entry keeping the genuine stored hash
        AuditEntry keepsHash = AuditEntry.newBuilder(forged).setHash(genuine.getHash()).build();
        ObjectNode three = json.deepCopy();
        three.put("entry", Hex.of(record(keepsHash)));
        assertThat(check(three).entry())
                .isEqualTo("the entry's content does not hash to entryHash");

        // 4. the genuine entry of another logIndex
        AuditEntry other = LOG.entries().get(38);
        ObjectNode four = json.deepCopy();
        four.put("entry", Hex.of(record(other)));
        assertThat(check(four).ok()).isFalse();

        // 5. a stated leafHash that is not SHA-256(00 || entryHash)
        ObjectNode five = json.deepCopy();
        five.put("leafHash", "00".repeat(32));
        AuditProofJson.InclusionCheck fifth = check(five);
        assertThat(fifth.ok()).isFalse();
        assertThat(fifth.leafHash()).isFalse();

        // 6. the carried entry not strictly encoded
        byte[] trailing = java.util.Arrays.copyOf(record(genuine), record(genuine).length + 1);
        ObjectNode six = json.deepCopy();
        six.put("entry", Hex.of(trailing));
        assertThat(check(six).entry()).startsWith("the entry is malformed: 1 bytes after the end");
    }

    @Test
    void aConsistencyProofIsCheckedAtTheSizesTheCheckpointsSign() throws Exception {
        AuditCheckpoint a = LOG.checkpoints().get(1);
        AuditCheckpoint b = LOG.checkpoints().get(3);
        ConsistencyProof proof = LEAVES.consistencyProof(a.getTreeSize(), b.getTreeSize());
        ObjectNode json = (ObjectNode) JSON.readTree(AuditProofJson.toJson(proof, a, b));
        assertThat(consistency(json).ok()).isTrue();

        ObjectNode sizes = json.deepCopy();
        sizes.put("oldSize", a.getTreeSize() - 1);
        sizes.put("newSize", b.getTreeSize() + 1);
        AuditProofJson.ConsistencyCheck altered = consistency(sizes);
        assertThat(altered.ok()).isFalse();
        assertThat(altered.sizes()).isFalse();
        // the path is checked at the signed sizes, so it still leads to both roots
        assertThat(altered.path()).isTrue();

        // checkpoints swapped, sizes swapped with them: the older one's tree is larger
        ObjectNode swapped = json.deepCopy();
        swapped.set("oldCheckpoint", json.get("newCheckpoint"));
        swapped.set("newCheckpoint", json.get("oldCheckpoint"));
        swapped.put("oldSize", b.getTreeSize());
        swapped.put("newSize", a.getTreeSize());
        AuditProofJson.ConsistencyCheck reversed = consistency(swapped);
        assertThat(reversed.ok()).isFalse();
        assertThat(reversed.order()).isFalse();

        // the proof between 1 and 3 stated for the checkpoints 1 and 2
        ObjectNode other = json.deepCopy();
        other.set("newCheckpoint", AuditProofJson.checkpoint(LOG.checkpoints().get(2)));
        other.put("newSize", LOG.checkpoints().get(2).getTreeSize());
        assertThat(consistency(other).ok()).isFalse();
        assertThat(consistency(other).path()).isFalse();
    }

    private static AuditProofJson.ConsistencyCheck consistency(ObjectNode json) throws Exception {
        return AuditProofJson.parseConsistency(JSON.writeValueAsString(json)).check(TRUSTED);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
}
