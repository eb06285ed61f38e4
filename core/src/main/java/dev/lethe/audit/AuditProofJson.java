package dev.lethe.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of proofs and checkpoints that {@code lethe audit prove} prints and an independent
 * verifier reads (docs/audit-format.md, "Proof formats"): hashes, keys and signatures as lower-case
 * hex, times as epoch milliseconds.
 */
public final class AuditProofJson {

    public static final String INCLUSION_TYPE = "lethe.audit.inclusion-proof/1";
    public static final String CONSISTENCY_TYPE = "lethe.audit.consistency-proof/1";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditProofJson() {}

    /**
     * An inclusion proof together with the checkpoint it is checked against, the leaf hash it
     * states and the entry it carries (the Kafka record value: Avro single-object encoding).
     *
     * @param leafHash the {@code leafHash} as stated in the proof, or null if it states none
     * @param entry the entry's record value, or null if the proof carries none
     */
    public record Inclusion(
            InclusionProof proof, AuditCheckpoint checkpoint, byte[] leafHash, byte[] entry) {

        public Inclusion(InclusionProof proof, AuditCheckpoint checkpoint) {
            this(proof, checkpoint, proof.leafHash(), null);
        }

        /**
         * Checks everything the proof claims (docs/audit-format.md, "Proof formats"): the carried
         * entry decodes strictly and its content hashes to {@code entryHash} (and to its stored
         * {@code hash}) at {@code logIndex}; the stated {@code leafHash} is {@code SHA-256(00 ||
         * entryHash)}; the audit path leads from that leaf, at {@code logIndex} in a tree of the
         * <em>checkpoint's</em> {@code treeSize}, to the checkpoint's root; the proof's {@code
         * treeSize} is the checkpoint's; the checkpoint's signature is valid for a trusted key.
         */
        public InclusionCheck check(TreeHeadVerifier signatures) {
            byte[] entryHash = proof.entryHash();
            String entryProblem = null;
            if (entry != null) {
                entryProblem = entryProblem(entry, proof.logIndex(), entryHash);
            }
            boolean leaf =
                    leafHash == null
                            || (entryHash != null
                                    && java.security.MessageDigest.isEqual(
                                            leafHash, MerkleTree.leafHash(entryHash)));
            long size = checkpoint.getTreeSize();
            boolean path =
                    entryHash != null
                            && entryHash.length == EntryHasher.HASH_LENGTH
                            && checkpoint.getMerkleRoot() != null
                            && MerkleTree.verifyInclusion(
                                    proof.logIndex(),
                                    size,
                                    MerkleTree.leafHash(entryHash),
                                    proof.path(),
                                    Hex.toArray(checkpoint.getMerkleRoot()));
            return new InclusionCheck(
                    signatures.check(checkpoint),
                    proof.treeSize() == size,
                    leaf,
                    path,
                    entry != null,
                    entryProblem);
        }

        /** Why the carried entry is not the entry of {@code entryHash} at {@code logIndex}. */
        private static String entryProblem(byte[] record, long logIndex, byte[] entryHash) {
            AuditEntry e;
            try {
                e = AuditEntryBinary.fromSingleObject(record);
            } catch (MalformedRecordException malformed) {
                return "the entry is malformed: " + malformed.getMessage();
            }
            byte[] recomputed;
            try {
                recomputed = new EntryHasher().hash(e);
            } catch (IllegalArgumentException unencodable) {
                return "the entry cannot be encoded: " + unencodable.getMessage();
            }
            if (entryHash == null || !java.security.MessageDigest.isEqual(recomputed, entryHash)) {
                return "the entry's content does not hash to entryHash";
            }
            if (!Hex.equals(e.getHash(), recomputed)) {
                return "the entry's stored hash is not the hash of its content";
            }
            if (e.getLogIndex() != logIndex) {
                return "the entry's logIndex is not the proof's";
            }
            return null;
        }
    }

    /**
     * What {@link Inclusion#check} found.
     *
     * @param signature the checkpoint's signature
     * @param treeSize whether the proof's treeSize is the checkpoint's
     * @param leafHash whether the stated leafHash is {@code SHA-256(00 || entryHash)}
     * @param path whether the path leads from that leaf to the checkpoint's root
     * @param entryCarried whether the proof carries the entry
     * @param entry why the carried entry does not bind to entryHash and logIndex, or null
     */
    public record InclusionCheck(
            TreeHeadVerifier.Outcome signature,
            boolean treeSize,
            boolean leafHash,
            boolean path,
            boolean entryCarried,
            String entry) {

        public boolean ok() {
            return signature == TreeHeadVerifier.Outcome.VALID
                    && treeSize
                    && leafHash
                    && path
                    && entry == null;
        }
    }

    /** A consistency proof together with the two checkpoints it relates. */
    public record Consistency(
            ConsistencyProof proof, AuditCheckpoint older, AuditCheckpoint newer) {

        /**
         * Checks the proof between the two checkpoints with the sizes <em>they</em> sign (the
         * proof's own {@code oldSize} and {@code newSize} must equal them, else the proof is
         * refused): the older's treeSize is at most the newer's, the path leads to both signed
         * roots, and both signatures are valid for trusted keys.
         */
        public ConsistencyCheck check(TreeHeadVerifier signatures) {
            long oldSize = older.getTreeSize();
            long newSize = newer.getTreeSize();
            boolean order = oldSize <= newSize;
            boolean path =
                    order
                            && older.getMerkleRoot() != null
                            && newer.getMerkleRoot() != null
                            && MerkleTree.verifyConsistency(
                                    oldSize,
                                    newSize,
                                    Hex.toArray(older.getMerkleRoot()),
                                    Hex.toArray(newer.getMerkleRoot()),
                                    proof.path());
            return new ConsistencyCheck(
                    signatures.check(older),
                    signatures.check(newer),
                    proof.oldSize() == oldSize && proof.newSize() == newSize,
                    order,
                    path);
        }
    }

    /**
     * What {@link Consistency#check} found.
     *
     * @param older the older checkpoint's signature
     * @param newer the newer checkpoint's signature
     * @param sizes whether the proof's oldSize and newSize are the checkpoints' treeSizes
     * @param order whether the older checkpoint's treeSize is at most the newer's
     * @param path whether the path leads to both signed roots (at the signed sizes)
     */
    public record ConsistencyCheck(
            TreeHeadVerifier.Outcome older,
            TreeHeadVerifier.Outcome newer,
            boolean sizes,
            boolean order,
            boolean path) {

        public boolean ok() {
            return older == TreeHeadVerifier.Outcome.VALID
                    && newer == TreeHeadVerifier.Outcome.VALID
                    && sizes
                    && order
                    && path;
        }
    }

    public static String toJson(InclusionProof proof, AuditCheckpoint checkpoint) {
        return toJson(proof, checkpoint, null);
    }

    /**
     * @param entry the entry's record value (Avro single-object encoding), carried as {@code entry}
     *     so that a verifier recomputes entryHash from it; null to carry none
     */
    public static String toJson(InclusionProof proof, AuditCheckpoint checkpoint, byte[] entry) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", INCLUSION_TYPE);
        root.put("logIndex", proof.logIndex());
        root.put("treeSize", proof.treeSize());
        root.put("entryHash", Hex.of(proof.entryHash()));
        root.put("leafHash", Hex.of(proof.leafHash()));
        root.set("path", hashes(proof.path()));
        root.set("checkpoint", checkpoint(checkpoint));
        if (entry != null) {
            root.put("entry", Hex.of(entry));
        }
        return write(root);
    }

    public static String toJson(
            ConsistencyProof proof, AuditCheckpoint older, AuditCheckpoint newer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", CONSISTENCY_TYPE);
        root.put("oldSize", proof.oldSize());
        root.put("newSize", proof.newSize());
        root.set("path", hashes(proof.path()));
        root.set("oldCheckpoint", checkpoint(older));
        root.set("newCheckpoint", checkpoint(newer));
        return write(root);
    }

    /**
     * @throws IllegalArgumentException if the text is not an inclusion proof
     */
    public static Inclusion parseInclusion(String json) {
        JsonNode root = read(json, INCLUSION_TYPE);
        InclusionProof proof =
                new InclusionProof(
                        root.path("logIndex").asLong(-1),
                        root.path("treeSize").asLong(-1),
                        Hex.parse(text(root, "entryHash")),
                        hashList(root.path("path")));
        return new Inclusion(
                proof,
                checkpoint(root.path("checkpoint")),
                root.hasNonNull("leafHash") ? Hex.parse(text(root, "leafHash")) : null,
                root.hasNonNull("entry") ? Hex.parse(text(root, "entry")) : null);
    }

    /**
     * @throws IllegalArgumentException if the text is not a consistency proof
     */
    public static Consistency parseConsistency(String json) {
        JsonNode root = read(json, CONSISTENCY_TYPE);
        ConsistencyProof proof =
                new ConsistencyProof(
                        root.path("oldSize").asLong(-1),
                        root.path("newSize").asLong(-1),
                        hashList(root.path("path")));
        return new Consistency(
                proof,
                checkpoint(root.path("oldCheckpoint")),
                checkpoint(root.path("newCheckpoint")));
    }

    /** A checkpoint as a JSON object (all fields; bytes as hex). */
    public static ObjectNode checkpoint(AuditCheckpoint checkpoint) {
        ObjectNode node = JSON.createObjectNode();
        node.put("encoding", checkpoint.getEncoding());
        node.put("checkpointSeq", checkpoint.getCheckpointSeq());
        node.put("treeSize", checkpoint.getTreeSize());
        node.put("merkleRoot", Hex.of(checkpoint.getMerkleRoot()));
        node.put("prevCheckpointHash", Hex.of(checkpoint.getPrevCheckpointHash()));
        node.put("createdAt", checkpoint.getCreatedAt().toEpochMilli());
        node.put("signingKeyId", checkpoint.getSigningKeyId());
        if (checkpoint.getPublicKey() != null) {
            node.put("publicKey", Hex.of(checkpoint.getPublicKey()));
        }
        node.put("signature", Hex.of(checkpoint.getSignature()));
        return node;
    }

    static AuditCheckpoint checkpoint(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a proof needs its checkpoint object");
        }
        return AuditCheckpoint.newBuilder()
                .setEncoding(node.path("encoding").asInt(CanonicalEncoding.VERSION))
                .setCheckpointSeq(node.path("checkpointSeq").asLong())
                .setTreeSize(node.path("treeSize").asLong())
                .setMerkleRoot(bytes(node, "merkleRoot"))
                .setPrevCheckpointHash(bytes(node, "prevCheckpointHash"))
                .setCreatedAt(Instant.ofEpochMilli(node.path("createdAt").asLong()))
                .setSigningKeyId(text(node, "signingKeyId"))
                .setPublicKey(node.hasNonNull("publicKey") ? bytes(node, "publicKey") : null)
                .setSignature(bytes(node, "signature"))
                .build();
    }

    private static ArrayNode hashes(List<byte[]> path) {
        ArrayNode array = JSON.createArrayNode();
        path.forEach(hash -> array.add(Hex.of(hash)));
        return array;
    }

    private static List<byte[]> hashList(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("path must be an array of hex hashes");
        }
        List<byte[]> path = new ArrayList<>();
        array.forEach(hash -> path.add(Hex.parse(hash.asText())));
        return path;
    }

    private static ByteBuffer bytes(JsonNode node, String field) {
        return ByteBuffer.wrap(Hex.parse(text(node, field)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return value.asText();
    }

    private static JsonNode read(String json, String type) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !type.equals(root.path("type").asText())) {
                throw new IllegalArgumentException("not a " + type);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
