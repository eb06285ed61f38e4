package dev.lethe.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.events.AuditCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A witness of the audit log's signed tree heads, kept outside the log's own stores: an append-only
 * file of JSON lines, one per signed checkpoint it was shown, each carrying every field of the
 * checkpoint (so anyone can re-encode it and check its signature) and when it was witnessed. A log
 * rolled back together with its checkpoints still verifies by itself; against the witness it does
 * not ({@link #check}): its latest signed tree head must be the witnessed one or an extension of
 * it. Format: docs/audit-format.md, "Witness".
 */
public final class TreeHeadWitness {

    /** The {@code type} of every line. */
    public static final String TYPE = "lethe.audit.tree-head/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public TreeHeadWitness(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Every witnessed head, in file order (empty if the file does not exist).
     *
     * @throws IOException if the file cannot be read or a line is not a witnessed head (the message
     *     names the line)
     */
    public List<AuditCheckpoint> read() throws IOException {
        List<AuditCheckpoint> heads = new ArrayList<>();
        if (!Files.exists(file)) {
            return heads;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                heads.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        "line " + (i + 1) + " of the witness " + file + ": " + e.getMessage(), e);
            }
        }
        return heads;
    }

    /** The latest witnessed head: the last line. */
    public Optional<AuditCheckpoint> latest() throws IOException {
        List<AuditCheckpoint> heads = read();
        return heads.isEmpty() ? Optional.empty() : Optional.of(heads.get(heads.size() - 1));
    }

    /**
     * Appends {@code head} if it is newer than the latest witnessed head (a greater {@code
     * checkpointSeq}); a head already witnessed, or older, is left out. Writers on one machine take
     * a lock on the file, so two of them never interleave or append the same head twice; the line
     * is forced to disk before this returns. Appending does not check the head: the caller appends
     * only what it verified ({@link #check}).
     *
     * @return true if the head was appended
     */
    public boolean append(AuditCheckpoint head, Instant witnessedAt) throws IOException {
        // a file lock is held per process: threads of this one take turns first
        synchronized (TreeHeadWitness.class) {
            return appendLocked(head, witnessedAt);
        }
    }

    private boolean appendLocked(AuditCheckpoint head, Instant witnessedAt) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel channel =
                        FileChannel.open(
                                file,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND);
                FileLock lock = channel.lock()) {
            Optional<AuditCheckpoint> latest = latest();
            if (latest.isPresent() && latest.get().getCheckpointSeq() >= head.getCheckpointSeq()) {
                return false;
            }
            channel.write(
                    ByteBuffer.wrap(
                            (line(head, witnessedAt) + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return true;
        }
    }

    /** One line: the head's fields as in a proof's checkpoint object, plus type and time. */
    public static String line(AuditCheckpoint head, Instant witnessedAt) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", TYPE);
        node.setAll(AuditProofJson.checkpoint(head));
        node.remove("publicKey"); // a key from the log is never trusted: the auditor pins keys
        node.put("checkpointHash", Hex.of(TreeHeadSigner.hashOf(head)));
        node.put("witnessedAt", witnessedAt.toString());
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A witnessed head from its line.
     *
     * @throws IllegalArgumentException if the line is not one, or its {@code checkpointHash} is not
     *     the hash of its fields
     */
    public static AuditCheckpoint parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !TYPE.equals(node.path("type").asText())) {
            throw new IllegalArgumentException("not a " + TYPE);
        }
        AuditCheckpoint head;
        try {
            head = AuditProofJson.checkpoint(node);
            head.setPublicKey(null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a witnessed tree head: " + e.getMessage(), e);
        }
        if (node.hasNonNull("checkpointHash")
                && !Hex.of(TreeHeadSigner.hashOf(head))
                        .equalsIgnoreCase(node.path("checkpointHash").asText())) {
            throw new IllegalArgumentException(
                    "its checkpointHash is not the hash of its fields (the line was altered)");
        }
        return head;
    }

    /** How a log stands against the witness. */
    public enum Kind {
        /** the log's latest signed tree head is the witnessed one or extends it */
        CONSISTENT,
        /** the witness has no head yet: nothing to compare */
        NOTHING_WITNESSED,
        /** the log's latest signed tree head is older or smaller than the witnessed one */
        ROLLED_BACK,
        /** the log does not hold the witnessed tree (another root at its size, or re-signed) */
        FORKED,
        /** the witness's latest head is not signed by a trusted key */
        UNTRUSTED
    }

    /** The outcome of {@link #check}. */
    public record Check(Kind kind, AuditCheckpoint witnessed, String detail) {

        public boolean ok() {
            return kind == Kind.CONSISTENT || kind == Kind.NOTHING_WITNESSED;
        }
    }

    /**
     * Checks a log against the witness's latest head: the head is signed by a trusted key; the
     * log's latest signed tree head has the same or a later {@code checkpointSeq} and the same or a
     * larger tree; the log's checkpoint of the witnessed sequence number is the witnessed one; and
     * the Merkle root of the log's first {@code treeSize} entries, recomputed from their content,
     * is the witnessed root. The log's own checkpoints are verified against the same entries
     * ({@link AuditVerifier}), so the log's latest tree then extends the witnessed one.
     *
     * @param witnessed the witness's latest head, or null
     * @param logCheckpoints the log's checkpoints, in order
     * @param rootAtWitnessedSize the Merkle root of the log's first {@code witnessed.treeSize}
     *     entries ({@link AuditVerifier.RootsAt}), or null if the log has fewer
     * @param trusted the keys the auditor pinned
     */
    public static Check check(
            AuditCheckpoint witnessed,
            List<AuditCheckpoint> logCheckpoints,
            byte[] rootAtWitnessedSize,
            TreeHeadVerifier trusted) {
        if (witnessed == null) {
            return new Check(Kind.NOTHING_WITNESSED, null, "no tree head witnessed yet");
        }
        String what =
                "checkpoint "
                        + witnessed.getCheckpointSeq()
                        + " (treeSize "
                        + witnessed.getTreeSize()
                        + ", signed "
                        + witnessed.getCreatedAt()
                        + ")";
        TreeHeadVerifier.Outcome signature = trusted.check(witnessed);
        if (signature != TreeHeadVerifier.Outcome.VALID) {
            return new Check(
                    Kind.UNTRUSTED,
                    witnessed,
                    "the witnessed tree head "
                            + what
                            + " is not signed by a trusted key ("
                            + signature
                            + ", key "
                            + witnessed.getSigningKeyId()
                            + "): the witness was altered, or the keys given are not the log's");
        }
        AuditCheckpoint latest =
                logCheckpoints.isEmpty() ? null : logCheckpoints.get(logCheckpoints.size() - 1);
        if (latest == null
                || latest.getTreeSize() < witnessed.getTreeSize()
                || latest.getCheckpointSeq() < witnessed.getCheckpointSeq()) {
            return new Check(
                    Kind.ROLLED_BACK,
                    witnessed,
                    "ROLLED BACK: the log's latest signed tree head is "
                            + (latest == null
                                    ? "none"
                                    : "checkpoint "
                                            + latest.getCheckpointSeq()
                                            + " (treeSize "
                                            + latest.getTreeSize()
                                            + ")")
                            + ", behind the witnessed "
                            + what
                            + ": the log and its checkpoints were rolled back");
        }
        for (AuditCheckpoint c : logCheckpoints) {
            if (c.getCheckpointSeq() == witnessed.getCheckpointSeq() && !sameHash(c, witnessed)) {
                return new Check(
                        Kind.FORKED,
                        witnessed,
                        "FORKED: the log's checkpoint "
                                + c.getCheckpointSeq()
                                + " (treeSize "
                                + c.getTreeSize()
                                + ") is not the witnessed "
                                + what
                                + ": the log's history since was rewritten and signed again");
            }
        }
        if (rootAtWitnessedSize == null) {
            return new Check(
                    Kind.ROLLED_BACK,
                    witnessed,
                    "ROLLED BACK: the log holds fewer entries than the witnessed "
                            + what
                            + " covers");
        }
        if (!Hex.equals(witnessed.getMerkleRoot(), rootAtWitnessedSize)) {
            return new Check(
                    Kind.FORKED,
                    witnessed,
                    "FORKED: the Merkle root of the log's first "
                            + witnessed.getTreeSize()
                            + " entries is "
                            + Hex.of(rootAtWitnessedSize)
                            + ", not the witnessed root "
                            + Hex.of(witnessed.getMerkleRoot())
                            + " of "
                            + what
                            + ": entries the witness saw were changed, removed or replaced");
        }
        return new Check(
                Kind.CONSISTENT,
                witnessed,
                "the log's latest tree head, checkpoint "
                        + latest.getCheckpointSeq()
                        + " (treeSize "
                        + latest.getTreeSize()
                        + "), extends the witnessed "
                        + what);
    }

    private static boolean sameHash(AuditCheckpoint a, AuditCheckpoint b) {
        try {
            return java.util.Arrays.equals(TreeHeadSigner.hashOf(a), TreeHeadSigner.hashOf(b));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
