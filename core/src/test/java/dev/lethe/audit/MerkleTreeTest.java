package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Against the RFC 6962 known-answer vectors of the Certificate Transparency reference tests
 * (transparency-dev/merkle testonly/constants.go and proof/verify_test.go), and against a naive
 * recursive MTH over random sizes.
 */
class MerkleTreeTest {

    /** The eight reference leaf inputs. */
    private static final List<byte[]> LEAF_DATA =
            hexList(
                    "",
                    "00",
                    "10",
                    "2021",
                    "3031",
                    "40414243",
                    "5051525354555657",
                    "606162636465666768696a6b6c6d6e6f");

    /** Reference roots of the trees of the first 0..8 leaves. */
    private static final List<byte[]> ROOTS =
            hexList(
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private static final List<byte[]> LEAF_HASHES = leafHashesOf(LEAF_DATA);

    @Test
    void leafAndEmptyHashesAreTheReferenceOnes() {
        assertThat(Hex.of(MerkleTree.leafHash(new byte[0])))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        assertThat(MerkleTree.emptyRoot()).isEqualTo(ROOTS.get(0));
    }

    @Test
    void rootsOfEveryPrefixAreTheReferenceRoots() {
        MerkleFrontier frontier = new MerkleFrontier();
        assertThat(frontier.root()).isEqualTo(ROOTS.get(0));
        for (int size = 1; size <= 8; size++) {
            frontier.appendLeafHash(LEAF_HASHES.get(size - 1));
            assertThat(Hex.of(frontier.root()))
                    .as("size %d", size)
                    .isEqualTo(Hex.of(ROOTS.get(size)));
            assertThat(MerkleTree.root(size, MerkleTree.LeafHashes.of(LEAF_HASHES)))
                    .isEqualTo(ROOTS.get(size));
        }
    }

    /** index (0-based), size, expected path. */
    @ParameterizedTest
    @CsvSource({
        "0, 8, 96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
                + " 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
                + " 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        "5, 8, bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
                + " ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
                + " d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "2, 3, fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "1, 5, 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
                + " 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
                + " bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "0, 1, ''"
    })
    void inclusionProofsAreTheReferenceProofsAndVerify(int index, int size, String path) {
        List<byte[]> expected = path.isBlank() ? List.of() : hexList(path.split(" "));

        List<byte[]> proof =
                MerkleTree.inclusionProof(index, size, MerkleTree.LeafHashes.of(LEAF_HASHES));

        assertThat(hexOf(proof)).isEqualTo(hexOf(expected));
        assertThat(
                        MerkleTree.verifyInclusion(
                                index, size, LEAF_HASHES.get(index), proof, ROOTS.get(size)))
                .isTrue();
        assertThat(
                        MerkleTree.verifyInclusion(
                                index, size, LEAF_HASHES.get(index), proof, ROOTS.get(size - 1)))
                .as("against another root")
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "1, 8, 96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
                + " 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
                + " 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        "6, 8, 0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
                + " ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
                + " d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "2, 5, 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
                + " bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "6, 7, 0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
                + " b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"
                + " d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "1, 1, ''"
    })
    void consistencyProofsAreTheReferenceProofsAndVerify(int oldSize, int newSize, String path) {
        List<byte[]> expected = path.isBlank() ? List.of() : hexList(path.split(" "));

        List<byte[]> proof =
                MerkleTree.consistencyProof(
                        oldSize, newSize, MerkleTree.LeafHashes.of(LEAF_HASHES));

        assertThat(hexOf(proof)).isEqualTo(hexOf(expected));
        assertThat(
                        MerkleTree.verifyConsistency(
                                oldSize, newSize, ROOTS.get(oldSize), ROOTS.get(newSize), proof))
                .isTrue();
    }

    @Test
    void degenerateConsistencyCasesFollowRfc9162() {
        byte[] some = ROOTS.get(3);
        assertThat(MerkleTree.verifyConsistency(0, 5, some, ROOTS.get(5), List.of())).isTrue();
        assertThat(MerkleTree.verifyConsistency(3, 3, some, some, List.of())).isTrue();
        assertThat(MerkleTree.verifyConsistency(3, 3, some, ROOTS.get(4), List.of())).isFalse();
        assertThat(MerkleTree.verifyConsistency(3, 3, some, some, List.of(some))).isFalse();
        assertThat(MerkleTree.verifyConsistency(4, 3, some, some, List.of())).isFalse();
        assertThat(MerkleTree.verifyConsistency(1, 2, ROOTS.get(1), ROOTS.get(2), List.of()))
                .isFalse();
        assertThatThrownBy(
                        () ->
                                MerkleTree.inclusionProof(
                                        8, 8, MerkleTree.LeafHashes.of(LEAF_HASHES)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- properties over random sizes, against a naive recursive MTH ---------------------------

    @Property(tries = 60)
    void frontierRootIsTheRecursiveMthForEverySize(@ForAll @IntRange(min = 0, max = 300) int size) {
        List<byte[]> leaves = leafHashes(size);
        MerkleFrontier frontier = new MerkleFrontier();
        for (int i = 0; i < size; i++) {
            frontier.appendLeafHash(leaves.get(i));
            assertThat(frontier.root()).isEqualTo(naiveMth(leaves.subList(0, i + 1)));
        }
        assertThat(frontier.root()).isEqualTo(naiveMth(leaves));
        MerkleFrontier restored = MerkleFrontier.fromBytes(frontier.toBytes());
        assertThat(restored.size()).isEqualTo(size);
        assertThat(restored.root()).isEqualTo(frontier.root());
        assertThat(frontier.toBytes()).hasSize(9 + 32 * Long.bitCount(size));
    }

    @Property(tries = 40)
    void restoredFrontierGrowsLikeTheOriginal(
            @ForAll @IntRange(min = 0, max = 200) int before,
            @ForAll @IntRange(min = 1, max = 70) int after) {
        List<byte[]> leaves = leafHashes(before + after);
        MerkleFrontier original = new MerkleFrontier();
        leaves.subList(0, before).forEach(original::appendLeafHash);
        MerkleFrontier restored = MerkleFrontier.fromBytes(original.toBytes());
        for (byte[] leaf : leaves.subList(before, before + after)) {
            original.appendLeafHash(leaf);
            restored.appendLeafHash(leaf);
        }
        assertThat(restored.root()).isEqualTo(original.root()).isEqualTo(naiveMth(leaves));
    }

    @Property(tries = 40)
    void everyInclusionProofVerifiesAndNoneVerifiesForAnotherLeaf(
            @ForAll @IntRange(min = 1, max = 130) int size) {
        List<byte[]> leaves = leafHashes(size);
        byte[] root = naiveMth(leaves);
        for (int index = 0; index < size; index++) {
            List<byte[]> proof =
                    MerkleTree.inclusionProof(index, size, MerkleTree.LeafHashes.of(leaves));
            assertThat(MerkleTree.verifyInclusion(index, size, leaves.get(index), proof, root))
                    .as("leaf %d of %d", index, size)
                    .isTrue();
            assertThat(proof.size()).isLessThanOrEqualTo(64 - Long.numberOfLeadingZeros(size));
            if (size > 1) {
                int other = (index + 1) % size;
                assertThat(MerkleTree.verifyInclusion(other, size, leaves.get(index), proof, root))
                        .as("leaf %d's proof at index %d", index, other)
                        .isFalse();
                assertThat(MerkleTree.verifyInclusion(index, size, leaves.get(other), proof, root))
                        .isFalse();
            }
            if (!proof.isEmpty()) {
                List<byte[]> corrupted = new ArrayList<>(proof);
                byte[] flipped = corrupted.get(0).clone();
                flipped[31] ^= 1;
                corrupted.set(0, flipped);
                assertThat(
                                MerkleTree.verifyInclusion(
                                        index, size, leaves.get(index), corrupted, root))
                        .isFalse();
            }
        }
    }

    @Property(tries = 40)
    void everyConsistencyProofVerifiesAndFailsForAChangedPrefix(
            @ForAll @IntRange(min = 1, max = 100) int newSize) {
        List<byte[]> leaves = leafHashes(newSize);
        byte[] newRoot = naiveMth(leaves);
        for (int oldSize = 0; oldSize <= newSize; oldSize++) {
            byte[] oldRoot =
                    oldSize == 0 ? MerkleTree.emptyRoot() : naiveMth(leaves.subList(0, oldSize));
            List<byte[]> proof =
                    MerkleTree.consistencyProof(oldSize, newSize, MerkleTree.LeafHashes.of(leaves));
            assertThat(MerkleTree.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof))
                    .as("%d -> %d", oldSize, newSize)
                    .isTrue();
            if (oldSize > 0 && oldSize < newSize) {
                List<byte[]> rewritten = new ArrayList<>(leaves);
                rewritten.set(oldSize - 1, MerkleTree.leafHash(new byte[] {42}));
                byte[] forgedOldRoot = naiveMth(rewritten.subList(0, oldSize));
                assertThat(
                                MerkleTree.verifyConsistency(
                                        oldSize, newSize, forgedOldRoot, newRoot, proof))
                        .as("%d -> %d with a rewritten old tree", oldSize, newSize)
                        .isFalse();
                assertThat(
                                MerkleTree.verifyConsistency(
                                        oldSize, newSize, oldRoot, naiveMth(rewritten), proof))
                        .as("%d -> %d with a rewritten new tree", oldSize, newSize)
                        .isFalse();
            }
        }
    }

    @Test
    void aSerializedFrontierIsRejectedWhenItsLengthDoesNotFitItsSize() {
        MerkleFrontier frontier = new MerkleFrontier();
        leafHashes(3).forEach(frontier::appendLeafHash);
        byte[] bytes = frontier.toBytes();
        assertThatThrownBy(() -> MerkleFrontier.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** RFC 6962 §2.1 MTH, literally: split at the largest power of two below n. */
    static byte[] naiveMth(List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n == 0) {
            return MerkleTree.emptyRoot();
        }
        if (n == 1) {
            return leafHashes.get(0);
        }
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return MerkleTree.nodeHash(
                naiveMth(leafHashes.subList(0, k)), naiveMth(leafHashes.subList(k, n)));
    }

    static List<byte[]> leafHashes(int size) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            leaves.add(MerkleTree.leafHash(("entry " + i).getBytes()));
        }
        return leaves;
    }

    private static List<byte[]> leafHashesOf(List<byte[]> data) {
        List<byte[]> hashes = new ArrayList<>();
        data.forEach(d -> hashes.add(MerkleTree.leafHash(d)));
        return hashes;
    }

    private static List<byte[]> hexList(String... hex) {
        List<byte[]> list = new ArrayList<>();
        for (String h : hex) {
            list.add(Hex.parse(h));
        }
        return list;
    }

    private static List<String> hexOf(List<byte[]> hashes) {
        List<String> hex = new ArrayList<>();
        hashes.forEach(h -> hex.add(Hex.of(h)));
        return hex;
    }
}
