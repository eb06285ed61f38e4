package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * What a clean verification established about the log up to one signed tree head: the head itself,
 * the Merkle tree of its first {@code treeSize} entries as a compact frontier, and the last link of
 * every entity's chain. From it, {@link AuditVerifier#verifyFrom} verifies only the entries after
 * the head, and proves that the log still extends it (the new entries appended to the frontier must
 * give each later signed root) — what an immudb client keeps as its state, or a Certificate
 * Transparency monitor as the last tree head it verified.
 *
 * <p>Memory and size: one chain tip per entity (its id, seq and 32-byte hash), at most 64 frontier
 * hashes.
 *
 * @param checkpointSeq the signed tree head's checkpoint seq (0: the empty log, no head yet)
 * @param checkpointHash SHA-256 of the head's canonical encoding (32 zero bytes for none)
 * @param treeSize entries the head covers (logIndex 0 .. treeSize-1)
 * @param merkleRoot the head's signed root
 * @param frontier {@link MerkleFrontier#toBytes()} of the first treeSize entries
 * @param chains entity id → its last entry at or below the head
 */
public record VerifiedHead(
        long checkpointSeq,
        byte[] checkpointHash,
        long treeSize,
        byte[] merkleRoot,
        byte[] frontier,
        Map<String, ChainTip> chains) {

    /** The last entry of one entity's chain: its seq and (recomputed, equal to stored) hash. */
    public record ChainTip(long seq, byte[] hash) {
        public ChainTip {
            if (seq < 1 || hash.length != EntryHasher.HASH_LENGTH) {
                throw new IllegalArgumentException("a chain tip has a seq >= 1 and a 32-byte hash");
            }
        }
    }

    public VerifiedHead {
        MerkleFrontier tree = MerkleFrontier.fromBytes(frontier);
        if (tree.size() != treeSize || !Arrays.equals(merkleRoot, tree.root())) {
            throw new IllegalArgumentException(
                    "the frontier does not fold to the head's root at its size");
        }
        chains = Collections.unmodifiableMap(chains);
    }

    /** The log does not extend a head: {@link #kind()} says how (rolled back, forked). */
    public static final class NotExtendedException extends IllegalArgumentException {
        private final ProblemKind kind;

        public NotExtendedException(ProblemKind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public ProblemKind kind() {
            return kind;
        }
    }

    /** The state before the first entry: no head, an empty tree, no chains. */
    public static VerifiedHead empty() {
        MerkleFrontier tree = new MerkleFrontier();
        return new VerifiedHead(0, HashChain.genesis(), 0, tree.root(), tree.toBytes(), Map.of());
    }

    /** The head as a frontier to append to (a new copy). */
    public MerkleFrontier tree() {
        return MerkleFrontier.fromBytes(frontier);
    }

    /** Whether {@code checkpoint} is this head (same canonical hash). */
    public boolean isHead(AuditCheckpoint checkpoint) {
        try {
            return checkpointSeq > 0
                    && Arrays.equals(checkpointHash, TreeHeadSigner.hashOf(checkpoint));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    public String checkpointHashHex() {
        return Hex.of(checkpointHash);
    }

    /**
     * Rebuilds the state at {@code head} from the log's first {@code head.treeSize} records, using
     * their stored hashes: the prefix is not verified again (the head was, when it was pinned), it
     * is only proven to be what the head signed — its leaves must fold to the head's root.
     *
     * @throws NotExtendedException when the records are fewer (ROLLED_BACK), malformed or do not
     *     fold to the head's root (HEAD_FORKED: the history before the pinned head was rewritten)
     */
    public static VerifiedHead rebuild(AuditCheckpoint head, Iterable<EntryRecord> prefix) {
        MerkleFrontier tree = new MerkleFrontier();
        Map<String, ChainTip> chains = new HashMap<>();
        for (EntryRecord r : prefix) {
            if (tree.size() == head.getTreeSize()) {
                break;
            }
            if (r.isMalformed()) {
                throw new NotExtendedException(
                        ProblemKind.HEAD_FORKED,
                        "the record at position "
                                + tree.size()
                                + " before the pinned head is not an audit entry: "
                                + r.malformed());
            }
            byte[] hash = Hex.toArray(r.entry().getHash());
            if (hash.length != EntryHasher.HASH_LENGTH) {
                throw new NotExtendedException(
                        ProblemKind.HEAD_FORKED,
                        "the entry at position " + tree.size() + " has no 32-byte hash");
            }
            tree.appendEntryHash(hash);
            chains.put(r.entry().getEntityId(), new ChainTip(r.entry().getSeq(), hash));
        }
        if (tree.size() != head.getTreeSize()) {
            throw new NotExtendedException(
                    ProblemKind.ROLLED_BACK,
                    "the log holds "
                            + tree.size()
                            + " entries, fewer than the "
                            + head.getTreeSize()
                            + " the pinned head covers: the log was rolled back");
        }
        if (!Hex.equals(head.getMerkleRoot(), tree.root())) {
            throw new NotExtendedException(
                    ProblemKind.HEAD_FORKED,
                    "the log's first "
                            + head.getTreeSize()
                            + " entries do not give the pinned head's Merkle root: the history"
                            + " before it was rewritten (a fork)");
        }
        return new VerifiedHead(
                head.getCheckpointSeq(),
                TreeHeadSigner.hashOf(head),
                head.getTreeSize(),
                Hex.toArray(head.getMerkleRoot()),
                tree.toBytes(),
                chains);
    }

    /**
     * The chain tips as bytes: u8 version 1, i32 count, then per tip (sorted by entity id) its id
     * (modified UTF-8, as {@link DataOutputStream#writeUTF}), i64 seq, 32-byte hash.
     */
    public byte[] chainsToBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(chains.size() * 56 + 5);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(chains.size());
            for (Map.Entry<String, ChainTip> tip : new java.util.TreeMap<>(chains).entrySet()) {
                out.writeUTF(tip.getKey());
                out.writeLong(tip.getValue().seq());
                out.write(tip.getValue().hash());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The chain tips from {@link #chainsToBytes()}. */
    public static Map<String, ChainTip> chainsFromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readUnsignedByte() != 1) {
                throw new IllegalArgumentException("unknown chain-tips format version");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException("negative chain-tip count");
            }
            Map<String, ChainTip> chains = new HashMap<>(Math.max(16, count * 4 / 3 + 1));
            for (int i = 0; i < count; i++) {
                String entity = in.readUTF();
                long seq = in.readLong();
                byte[] hash = new byte[EntryHasher.HASH_LENGTH];
                in.readFully(hash);
                chains.put(entity, new ChainTip(seq, hash));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("bytes after the last chain tip");
            }
            return chains;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated chain tips: " + e.getMessage(), e);
        }
    }
}
