package dev.lethe.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * RFC 6962 Merkle hash trees over SHA-256 (RFC 6962 §2.1; RFC 9162 §2.1 states the same algorithms
 * with verification steps): leaf hash {@code SHA-256(0x00 || data)}, interior node {@code
 * SHA-256(0x01 || left || right)}, a tree of n leaves split at the largest power of two below n,
 * the empty tree's hash {@code SHA-256()}. An audit entry's leaf data is its 32-byte entry hash.
 *
 * <p>Proofs are computed from the leaf hashes of the whole tree ({@link LeafHashes}); {@link
 * MerkleFrontier} keeps the O(log n) state needed to extend a tree and compute its root.
 */
public final class MerkleTree {

    public static final int HASH_LENGTH = Sha256.LENGTH;

    private MerkleTree() {}

    /** The leaf hashes of a tree, by leaf index. */
    @FunctionalInterface
    public interface LeafHashes {
        byte[] leafHash(long index);

        static LeafHashes of(List<byte[]> leafHashes) {
            return index -> leafHashes.get(Math.toIntExact(index));
        }
    }

    /** {@code SHA-256(0x00 || data)}. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update((byte) 0x00);
        sha256.update(data);
        return sha256.digest();
    }

    /** {@code SHA-256(0x01 || left || right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update((byte) 0x01);
        sha256.update(left);
        sha256.update(right);
        return sha256.digest();
    }

    /** The root of the empty tree: {@code SHA-256()} of no bytes. */
    public static byte[] emptyRoot() {
        return Sha256.newDigest().digest();
    }

    /** MTH(D[0:size]) (RFC 6962 §2.1), computed from all the leaf hashes: O(size). */
    public static byte[] root(long size, LeafHashes leaves) {
        if (size < 0) {
            throw new IllegalArgumentException("tree size must not be negative");
        }
        return size == 0 ? emptyRoot() : subtreeHash(leaves, 0, size);
    }

    /**
     * The audit path of leaf {@code index} in the tree of the first {@code size} leaves: PATH(m,
     * D[n]) of RFC 6962 §2.1.1, from the leaf's sibling up to the root's child.
     */
    public static List<byte[]> inclusionProof(long index, long size, LeafHashes leaves) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(
                    "leaf index " + index + " is not in a tree of size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, size, leaves, path);
        return path;
    }

    private static void path(long m, long start, long n, LeafHashes leaves, List<byte[]> out) {
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, k, leaves, out);
            out.add(subtreeHash(leaves, start + k, n - k));
        } else {
            path(m - k, start + k, n - k, leaves, out);
            out.add(subtreeHash(leaves, start, k));
        }
    }

    /**
     * Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2).
     *
     * @return the root, or {@code null} if the path cannot belong to such a tree
     */
    public static byte[] rootFromInclusionProof(
            long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= size || leafHash == null || leafHash.length != HASH_LENGTH) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0 || p == null || p.length != HASH_LENGTH) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while (fn != 0 && (fn & 1) == 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /** Whether the audit path proves leaf {@code index} is in the tree with {@code root}. */
    public static boolean verifyInclusion(
            long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        byte[] computed = rootFromInclusionProof(index, size, leafHash, proof);
        return computed != null && root != null && MessageDigest.isEqual(computed, root);
    }

    /**
     * The proof that the tree of the first {@code oldSize} leaves is a prefix of the tree of the
     * first {@code newSize}: PROOF(m, D[n]) of RFC 6962 §2.1.2 (empty if the sizes are equal or
     * {@code oldSize} is 0).
     */
    public static List<byte[]> consistencyProof(long oldSize, long newSize, LeafHashes leaves) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException(
                    "no consistency proof from size " + oldSize + " to size " + newSize);
        }
        if (oldSize == 0 || oldSize == newSize) {
            return Collections.emptyList();
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(oldSize, 0, newSize, true, leaves, proof);
        return proof;
    }

    private static void subproof(
            long m, long start, long n, boolean complete, LeafHashes leaves, List<byte[]> out) {
        if (m == n) {
            if (!complete) {
                out.add(subtreeHash(leaves, start, n));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, k, complete, leaves, out);
            out.add(subtreeHash(leaves, start + k, n - k));
        } else {
            subproof(m - k, start + k, n - k, false, leaves, out);
            out.add(subtreeHash(leaves, start, k));
        }
    }

    /**
     * Whether {@code proof} shows the tree with {@code oldRoot} of {@code oldSize} leaves is a
     * prefix of the tree with {@code newRoot} of {@code newSize} leaves (RFC 9162 §2.1.4.2; equal
     * sizes need an empty proof and equal roots, size 0 an empty proof).
     */
    public static boolean verifyConsistency(
            long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof) {
        if (oldSize < 0 || oldSize > newSize || proof == null) {
            return false;
        }
        if (oldSize == newSize) {
            return proof.isEmpty() && oldRoot != null && MessageDigest.isEqual(oldRoot, newRoot);
        }
        if (oldSize == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty() || oldRoot == null || newRoot == null) {
            return false;
        }
        for (byte[] p : proof) {
            if (p == null || p.length != HASH_LENGTH) {
                return false;
            }
        }
        List<byte[]> path = proof;
        if (Long.bitCount(oldSize) == 1) {
            path = new ArrayList<>(proof.size() + 1);
            path.add(oldRoot);
            path.addAll(proof);
        }
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while (fn != 0 && (fn & 1) == 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, oldRoot) && Arrays.equals(sr, newRoot);
    }

    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static byte[] subtreeHash(LeafHashes leaves, long start, long n) {
        if (n == 1) {
            return leaves.leafHash(start);
        }
        long k = largestPowerOfTwoBelow(n);
        return nodeHash(subtreeHash(leaves, start, k), subtreeHash(leaves, start + k, n - k));
    }
}
