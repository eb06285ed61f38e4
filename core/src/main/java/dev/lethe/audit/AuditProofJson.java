package dev.lethe.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditCheckpoint;
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

    /** An inclusion proof together with the checkpoint it is checked against. */
    public record Inclusion(InclusionProof proof, AuditCheckpoint checkpoint) {}

    /** A consistency proof together with the two checkpoints it relates. */
    public record Consistency(
            ConsistencyProof proof, AuditCheckpoint older, AuditCheckpoint newer) {}

    public static String toJson(InclusionProof proof, AuditCheckpoint checkpoint) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", INCLUSION_TYPE);
        root.put("logIndex", proof.logIndex());
        root.put("treeSize", proof.treeSize());
        root.put("entryHash", Hex.of(proof.entryHash()));
        root.put("leafHash", Hex.of(proof.leafHash()));
        root.set("path", hashes(proof.path()));
        root.set("checkpoint", checkpoint(checkpoint));
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
        return new Inclusion(proof, checkpoint(root.path("checkpoint")));
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
