package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.VerifiedHead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What an auditor keeps between incremental verifications ({@code audit verify --state FILE}), as
 * an immudb client keeps its last verified state: the last verified signed tree head ({@link
 * VerifiedHead}: head, Merkle frontier, chain tips) and where the log of record holds it — the
 * offset of that head's record in the checkpoints topic and the offset after its last entry in the
 * entries topic. A later verification reads only what follows, and refuses a log that does not
 * extend the head.
 *
 * <p>The file is JSON (docs/audit-format.md, "Incremental verification"), written atomically with
 * mode 0600. It holds no personal data: hashes, sizes, offsets and entity ids ({@code
 * contacts/42}).
 *
 * @param checkpointOffset offset of the head's record in the checkpoints topic (-1: no head yet)
 * @param entriesOffset offset in the entries topic where the entries after the head start
 * @param indexSeqNo the index copy's sequence number (its local checkpoint) up to which its
 *     documents were compared; documents written after it — new ones, and old ones rewritten — are
 *     compared next time ({@link AuditVerification.IndexCopies#NO_SEQUENCE_NUMBERS}: none)
 */
record VerifierState(
        String entriesTopic,
        String checkpointsTopic,
        VerifiedHead head,
        long checkpointOffset,
        long entriesOffset,
        long indexSeqNo,
        Instant verifiedAt) {

    static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** The state before anything was verified: a verification from it reads the whole log. */
    static VerifierState initial(AuditTopics topics) {
        return new VerifierState(
                topics.entries,
                topics.checkpoints,
                VerifiedHead.empty(),
                -1,
                0,
                AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS,
                null);
    }

    /** The state in {@code file}, empty if there is none. */
    static Optional<VerifierState> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("the verifier state " + file + " is not JSON: " + e.getMessage());
        }
        try {
            if (n.path("format").asInt() != FORMAT) {
                throw new IllegalArgumentException(
                        "format " + n.path("format") + " is not " + FORMAT);
            }
            VerifiedHead head =
                    new VerifiedHead(
                            n.path("checkpointSeq").asLong(),
                            HEX.parseHex(n.path("checkpointHash").asText()),
                            n.path("treeSize").asLong(),
                            HEX.parseHex(n.path("merkleRoot").asText()),
                            HEX.parseHex(n.path("frontier").asText()),
                            VerifiedHead.chainsFromBytes(
                                    Base64.getDecoder().decode(n.path("chainTips").asText())));
            return Optional.of(
                    new VerifierState(
                            text(n, "entriesTopic"),
                            text(n, "checkpointsTopic"),
                            head,
                            n.path("checkpointOffset").asLong(),
                            n.path("entriesOffset").asLong(),
                            n.hasNonNull("indexSeqNo")
                                    ? n.path("indexSeqNo").asLong()
                                    : AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS,
                            n.hasNonNull("verifiedAt")
                                    ? Instant.parse(n.path("verifiedAt").asText())
                                    : null));
        } catch (RuntimeException e) {
            throw new IOException(
                    "the verifier state "
                            + file
                            + " cannot be used ("
                            + e.getMessage()
                            + "): restore it from your copy, or remove it to verify the whole log"
                            + " again");
        }
    }

    private static String text(JsonNode n, String field) {
        if (!n.hasNonNull(field)) {
            throw new IllegalArgumentException("no " + field);
        }
        return n.path(field).asText();
    }

    /** Refuses a state kept for another log. */
    void checkTopics(AuditTopics topics) {
        if (!entriesTopic.equals(topics.entries) || !checkpointsTopic.equals(topics.checkpoints)) {
            throw new IllegalArgumentException(
                    "the verifier state is for the log in "
                            + entriesTopic
                            + " / "
                            + checkpointsTopic
                            + ", not "
                            + topics.entries
                            + " / "
                            + topics.checkpoints
                            + ": give the state file of this log");
        }
    }

    /** Writes the state to {@code file} atomically, readable by its owner only. */
    void write(Path file) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("entriesTopic", entriesTopic);
        n.put("checkpointsTopic", checkpointsTopic);
        n.put("checkpointSeq", head.checkpointSeq());
        n.put("checkpointHash", HEX.formatHex(head.checkpointHash()));
        n.put("treeSize", head.treeSize());
        n.put("merkleRoot", HEX.formatHex(head.merkleRoot()));
        n.put("checkpointOffset", checkpointOffset);
        n.put("entriesOffset", entriesOffset);
        if (indexSeqNo == AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS) {
            n.putNull("indexSeqNo");
        } else {
            n.put("indexSeqNo", indexSeqNo);
        }
        n.put("verifiedAt", verifiedAt == null ? null : verifiedAt.toString());
        n.put("frontier", HEX.formatHex(head.frontier()));
        n.put("chainTips", Base64.getEncoder().encodeToString(head.chainsToBytes()));
        OwnerOnlyFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
}
