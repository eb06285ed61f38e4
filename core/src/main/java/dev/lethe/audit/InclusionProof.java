package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.util.List;

/**
 * Proof that the entry with {@code entryHash} is leaf {@code logIndex} of the tree of the log's
 * first {@code treeSize} entries: the RFC 6962 audit path (§2.1.1), checked with RFC 9162 §2.1.3.2
 * against a checkpoint's signed root. Printed as JSON by {@link AuditProofJson}.
 */
public record InclusionProof(long logIndex, long treeSize, byte[] entryHash, List<byte[]> path) {

    public InclusionProof {
        path = List.copyOf(path);
    }

    /** The leaf hash: {@code SHA-256(0x00 || entryHash)}. */
    public byte[] leafHash() {
        return MerkleTree.leafHash(entryHash);
    }

    /** The root the path leads to, or null if the path does not fit the sizes. */
    public byte[] root() {
        return MerkleTree.rootFromInclusionProof(logIndex, treeSize, leafHash(), path);
    }

    public boolean verify(byte[] merkleRoot) {
        return MerkleTree.verifyInclusion(logIndex, treeSize, leafHash(), path, merkleRoot);
    }

    /**
     * Whether the proof holds against the checkpoint: same tree size, path leads (at the
     * checkpoint's size) to its root, and the checkpoint's signature is valid for a trusted key.
     * This binds {@code entryHash}; whoever holds the entry recomputes its hash and compares it
     * ({@link AuditProofJson.Inclusion#check} does, for a proof that carries its entry).
     */
    public boolean verify(AuditCheckpoint checkpoint, TreeHeadVerifier signatures) {
        return new AuditProofJson.Inclusion(this, checkpoint).check(signatures).ok();
    }
}
