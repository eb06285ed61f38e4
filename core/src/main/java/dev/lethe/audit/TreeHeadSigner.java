package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;

/**
 * Makes the log's signed tree heads (the records of the checkpoints topic, {@code AuditCheckpoint};
 * not Flink's checkpoints): the Merkle root of the log so far, chained to the previous tree head by
 * its hash, signed with Ed25519 over its {@link CanonicalEncoding canonical encoding}.
 */
public final class TreeHeadSigner {

    private final SigningKeys keys;

    public TreeHeadSigner(SigningKeys keys) {
        this.keys = keys;
    }

    public String keyId() {
        return keys.keyId();
    }

    /**
     * The checkpoint after {@code previous} ({@code null}: the first one) for the first {@code
     * treeSize} log entries whose Merkle root is {@code merkleRoot}.
     *
     * @throws IllegalArgumentException if the tree would shrink or the root is not 32 bytes
     */
    public AuditCheckpoint next(
            AuditCheckpoint previous, long treeSize, byte[] merkleRoot, Instant createdAt) {
        if (previous != null && treeSize < previous.getTreeSize()) {
            throw new IllegalArgumentException(
                    "tree size "
                            + treeSize
                            + " is below the previous checkpoint's "
                            + previous.getTreeSize());
        }
        if (merkleRoot.length != MerkleTree.HASH_LENGTH) {
            throw new IllegalArgumentException("a Merkle root has 32 bytes");
        }
        AuditCheckpoint checkpoint =
                AuditCheckpoint.newBuilder()
                        .setEncoding(CanonicalEncoding.VERSION)
                        .setCheckpointSeq(previous == null ? 1 : previous.getCheckpointSeq() + 1)
                        .setTreeSize(treeSize)
                        .setMerkleRoot(ByteBuffer.wrap(merkleRoot.clone()))
                        .setPrevCheckpointHash(
                                ByteBuffer.wrap(
                                        previous == null ? HashChain.genesis() : hashOf(previous)))
                        .setCreatedAt(Instant.ofEpochMilli(createdAt.toEpochMilli()))
                        .setSigningKeyId(keys.keyId())
                        .setPublicKey(ByteBuffer.wrap(keys.publicKey().getEncoded()))
                        .setSignature(ByteBuffer.allocate(0))
                        .build();
        checkpoint.setSignature(
                ByteBuffer.wrap(sign(keys.privateKey(), CanonicalEncoding.encode(checkpoint))));
        return checkpoint;
    }

    /** A checkpoint's hash: SHA-256 over its canonical encoding (the signed bytes). */
    public static byte[] hashOf(AuditCheckpoint checkpoint) {
        return Sha256.of(CanonicalEncoding.encode(checkpoint));
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature ed25519 = Signature.getInstance(SigningKeys.ALGORITHM);
            ed25519.initSign(key);
            ed25519.update(message);
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature ed25519 = Signature.getInstance(SigningKeys.ALGORITHM);
            ed25519.initVerify(key);
            ed25519.update(message);
            return ed25519.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
