package dev.lethe.audit;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An append-only RFC 6962 Merkle tree kept as its compact frontier: the roots of the perfect
 * subtrees the leaves so far decompose into, largest first (one per set bit of the size, so at most
 * 64 hashes). Appending costs one leaf hash and, amortized, one node hash; {@link #root()} folds
 * the frontier from the right, which is exactly MTH of RFC 6962 §2.1 for any size.
 *
 * <p>{@link #toBytes()} / {@link #fromBytes} serialize the state (e.g. for Flink operator state):
 * u8 version 1, i64 size, then {@code bitCount(size)} hashes of 32 bytes, largest subtree first.
 * Not thread-safe.
 */
public final class MerkleFrontier {

    private static final int FORMAT_VERSION = 1;
    private static final int H = MerkleTree.HASH_LENGTH;

    private final MessageDigest sha256 = Sha256.newDigest();
    private long size;

    /** frontier[0..count) = subtree roots, largest (leftmost) first. */
    private byte[][] frontier = new byte[64][];

    private int count;
    private byte[] spare;

    public MerkleFrontier() {}

    /** The number of leaves appended. */
    public long size() {
        return size;
    }

    /** Appends the leaf of an audit entry: leaf data = its 32-byte entry hash. */
    public void appendEntryHash(byte[] entryHash) {
        byte[] leaf = take();
        sha256.update((byte) 0x00);
        sha256.update(entryHash);
        digestInto(leaf);
        push(leaf);
    }

    /** Appends a leaf given its leaf hash ({@code SHA-256(0x00 || data)}). */
    public void appendLeafHash(byte[] leafHash) {
        if (leafHash.length != H) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes");
        }
        byte[] leaf = take();
        System.arraycopy(leafHash, 0, leaf, 0, H);
        push(leaf);
    }

    private void push(byte[] node) {
        // size's trailing one bits = the complete subtrees of equal height to merge with
        for (long s = size; (s & 1) == 1; s >>= 1) {
            byte[] left = frontier[--count];
            sha256.update((byte) 0x01);
            sha256.update(left);
            sha256.update(node);
            digestInto(left);
            spare = node;
            node = left;
        }
        frontier[count++] = node;
        size++;
    }

    /** MTH of all leaves appended so far (the empty tree's hash if none). */
    public byte[] root() {
        if (count == 0) {
            return MerkleTree.emptyRoot();
        }
        byte[] r = frontier[count - 1].clone();
        for (int i = count - 2; i >= 0; i--) {
            sha256.update((byte) 0x01);
            sha256.update(frontier[i]);
            sha256.update(r);
            digestInto(r);
        }
        return r;
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + count * H);
        out.put((byte) FORMAT_VERSION).putLong(size);
        for (int i = 0; i < count; i++) {
            out.put(frontier[i]);
        }
        return out.array();
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a serialized frontier
     */
    public static MerkleFrontier fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 9 || in.get() != FORMAT_VERSION) {
            throw new IllegalArgumentException("not a serialized Merkle frontier (version 1)");
        }
        long size = in.getLong();
        int nodes = Long.bitCount(size);
        if (size < 0 || in.remaining() != nodes * H) {
            throw new IllegalArgumentException(
                    "serialized Merkle frontier of size " + size + " needs " + nodes + " hashes");
        }
        MerkleFrontier tree = new MerkleFrontier();
        tree.size = size;
        for (int i = 0; i < nodes; i++) {
            byte[] node = new byte[H];
            in.get(node);
            tree.frontier[tree.count++] = node;
        }
        return tree;
    }

    public MerkleFrontier copy() {
        return fromBytes(toBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleFrontier other && Arrays.equals(toBytes(), other.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    private byte[] take() {
        byte[] node = spare != null ? spare : new byte[H];
        spare = null;
        return node;
    }

    private void digestInto(byte[] out) {
        try {
            sha256.digest(out, 0, H);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
