package dev.lethe.audit;

import dev.lethe.events.AuditEntry;
import java.util.Arrays;

/**
 * The entry hashes of a log (recomputed from content), packed 32 bytes each, for computing
 * inclusion and consistency proofs: 32 MB per million entries.
 */
public final class LogLeaves implements MerkleTree.LeafHashes {

    private static final int H = EntryHasher.HASH_LENGTH;

    private byte[] hashes = new byte[H * 1024];
    private long size;

    /** Reads the log once, recomputing each entry's hash from its content. */
    public static LogLeaves of(Iterable<AuditEntry> log) {
        LogLeaves leaves = new LogLeaves();
        EntryHasher hasher = new EntryHasher();
        byte[] hash = new byte[H];
        for (AuditEntry entry : log) {
            hasher.hashInto(entry, hash);
            leaves.addEntryHash(hash);
        }
        return leaves;
    }

    public void addEntryHash(byte[] entryHash) {
        if (entryHash.length != H) {
            throw new IllegalArgumentException("an entry hash has 32 bytes");
        }
        long end = (size + 1) * H;
        if (end > hashes.length) {
            hashes =
                    Arrays.copyOf(
                            hashes, Math.toIntExact(Math.min(Integer.MAX_VALUE - 8, end * 2)));
        }
        System.arraycopy(entryHash, 0, hashes, Math.toIntExact(size * H), H);
        size++;
    }

    public long size() {
        return size;
    }

    public byte[] entryHash(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("no entry " + index + " among " + size);
        }
        int from = Math.toIntExact(index * H);
        return Arrays.copyOfRange(hashes, from, from + H);
    }

    @Override
    public byte[] leafHash(long index) {
        return MerkleTree.leafHash(entryHash(index));
    }

    /** The inclusion proof of entry {@code logIndex} in the tree of the first {@code treeSize}. */
    public InclusionProof inclusionProof(long logIndex, long treeSize) {
        requireSize(treeSize);
        return new InclusionProof(
                logIndex,
                treeSize,
                entryHash(logIndex),
                MerkleTree.inclusionProof(logIndex, treeSize, this));
    }

    /** The consistency proof from the tree of the first {@code oldSize} to {@code newSize}. */
    public ConsistencyProof consistencyProof(long oldSize, long newSize) {
        requireSize(newSize);
        return new ConsistencyProof(
                oldSize, newSize, MerkleTree.consistencyProof(oldSize, newSize, this));
    }

    public byte[] root(long treeSize) {
        requireSize(treeSize);
        return MerkleTree.root(treeSize, this);
    }

    private void requireSize(long treeSize) {
        if (treeSize > size) {
            throw new IllegalArgumentException(
                    "tree size " + treeSize + " exceeds the " + size + " entries read");
        }
    }
}
