package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.util.List;

/**
 * Proof that the tree of the log's first {@code oldSize} entries is a prefix of the tree of the
 * first {@code newSize}: RFC 6962 §2.1.2, checked with RFC 9162 §2.1.4.2. Between two checkpoints
 * it shows nothing that the older one covers was changed later.
 */
public record ConsistencyProof(long oldSize, long newSize, List<byte[]> path) {

    public ConsistencyProof {
        path = List.copyOf(path);
    }

    public boolean verify(byte[] oldRoot, byte[] newRoot) {
        return MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, path);
    }

    /**
     * Whether the proof holds between two checkpoints whose signatures are valid, at the sizes the
     * checkpoints sign (which must be this proof's): {@link AuditProofJson.Consistency#check}.
     */
    public boolean verify(
            AuditCheckpoint older, AuditCheckpoint newer, TreeHeadVerifier signatures) {
        return new AuditProofJson.Consistency(this, older, newer).check(signatures).ok();
    }
}
