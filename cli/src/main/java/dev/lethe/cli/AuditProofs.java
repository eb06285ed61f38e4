package dev.lethe.cli;

import dev.lethe.audit.AuditProofJson;
import dev.lethe.audit.ConsistencyProof;
import dev.lethe.audit.EntryHasher;
import dev.lethe.audit.InclusionProof;
import dev.lethe.audit.LogLeaves;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.util.HexFormat;
import java.util.List;

/**
 * Makes and checks the proofs of {@code ./lethe audit prove} and {@code check-proof}
 * (docs/audit-format.md, "Proof formats"). Proofs are computed from the entries' hashes recomputed
 * from content, so a proof for a tampered entry does not lead to the signed root.
 */
final class AuditProofs {

    private static final HexFormat HEX = HexFormat.of();

    private AuditProofs() {}

    /**
     * Which entry: its logIndex ({@code 17}) or {@code <entityId>#<seq>} ({@code contacts/42#3}).
     *
     * @throws IllegalArgumentException if it is neither
     */
    record EntrySelector(Long logIndex, String entityId, long seq) {
        static EntrySelector parse(String text) {
            String t = text.strip();
            if (t.matches("\\d+")) {
                return new EntrySelector(Long.parseLong(t), null, 0);
            }
            int hash = t.lastIndexOf('#');
            if (hash > 0 && t.substring(hash + 1).matches("\\d+")) {
                return new EntrySelector(
                        null, t.substring(0, hash), Long.parseLong(t.substring(hash + 1)));
            }
            throw new IllegalArgumentException(
                    "an entry is a logIndex (17) or <entityId>#<seq> (contacts/42#3), got '"
                            + text
                            + "'");
        }

        boolean matches(AuditEntry e) {
            return logIndex != null
                    ? logIndex == e.getLogIndex()
                    : entityId.equals(e.getEntityId()) && seq == e.getSeq();
        }

        @Override
        public String toString() {
            return logIndex != null ? "logIndex " + logIndex : entityId + "#" + seq;
        }
    }

    /**
     * The inclusion proof of an entry against the latest checkpoint, as JSON.
     *
     * @throws IllegalArgumentException if there is no checkpoint, no such entry, or the latest
     *     checkpoint does not cover it yet
     */
    static String inclusion(
            Iterable<AuditEntry> log, List<AuditCheckpoint> checkpoints, EntrySelector which) {
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException("the log has no signed checkpoint yet");
        }
        AuditCheckpoint latest = checkpoints.get(checkpoints.size() - 1);
        LogLeaves leaves = new LogLeaves();
        EntryHasher hasher = new EntryHasher();
        byte[] hash = new byte[EntryHasher.HASH_LENGTH];
        long position = -1;
        AuditEntry selected = null;
        for (AuditEntry e : log) {
            if (position < 0 && which.matches(e)) {
                position = leaves.size();
                selected = e;
            }
            hasher.hashInto(e, hash);
            leaves.addEntryHash(hash);
        }
        if (position < 0) {
            throw new IllegalArgumentException("no entry " + which + " in the log");
        }
        if (position >= latest.getTreeSize()) {
            throw new IllegalArgumentException(
                    "entry "
                            + which
                            + " (position "
                            + position
                            + ") is not covered by the latest checkpoint "
                            + latest.getCheckpointSeq()
                            + " (treeSize "
                            + latest.getTreeSize()
                            + ") yet; the audit job signs one within its --audit-checkpoint-interval");
        }
        if (latest.getTreeSize() > leaves.size()) {
            throw new IllegalArgumentException(
                    "the log has "
                            + leaves.size()
                            + " entries but the latest checkpoint covers "
                            + latest.getTreeSize()
                            + ": run audit verify");
        }
        InclusionProof proof = leaves.inclusionProof(position, latest.getTreeSize());
        return AuditProofJson.toJson(proof, latest, record(selected));
    }

    /**
     * The consistency proof between two checkpoints (by checkpointSeq), as JSON.
     *
     * @throws IllegalArgumentException if a checkpoint is missing or the log is shorter
     */
    static String consistency(
            Iterable<AuditEntry> log, List<AuditCheckpoint> checkpoints, long seqA, long seqB) {
        AuditCheckpoint a = bySeq(checkpoints, Math.min(seqA, seqB));
        AuditCheckpoint b = bySeq(checkpoints, Math.max(seqA, seqB));
        LogLeaves leaves = new LogLeaves();
        EntryHasher hasher = new EntryHasher();
        byte[] hash = new byte[EntryHasher.HASH_LENGTH];
        for (AuditEntry e : log) {
            if (leaves.size() >= b.getTreeSize()) {
                break;
            }
            hasher.hashInto(e, hash);
            leaves.addEntryHash(hash);
        }
        if (leaves.size() < b.getTreeSize()) {
            throw new IllegalArgumentException(
                    "the log has "
                            + leaves.size()
                            + " entries but checkpoint "
                            + b.getCheckpointSeq()
                            + " covers "
                            + b.getTreeSize()
                            + ": run audit verify");
        }
        ConsistencyProof proof = leaves.consistencyProof(a.getTreeSize(), b.getTreeSize());
        return AuditProofJson.toJson(proof, a, b);
    }

    /** The entry's record value as the log holds it (Avro single-object encoding). */
    private static byte[] record(AuditEntry e) {
        try {
            java.nio.ByteBuffer b = e.toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static AuditCheckpoint bySeq(List<AuditCheckpoint> checkpoints, long seq) {
        return checkpoints.stream()
                .filter(c -> c.getCheckpointSeq() == seq)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("no checkpoint " + seq + " in the log"));
    }

    /** The verdict on a proof file. */
    record Verdict(boolean ok, String text) {}

    /**
     * Checks a proof (either kind) against the trusted keys, with nothing but the proof.
     *
     * @param entryHash if not null, the hash (hex) the auditor recomputed from the entry they hold:
     *     it must be the proof's
     * @throws IllegalArgumentException if the text is not a Lethe proof
     */
    static Verdict check(String json, TreeHeadVerifier signatures, String entryHash) {
        if (json.contains(AuditProofJson.CONSISTENCY_TYPE)) {
            AuditProofJson.Consistency c = AuditProofJson.parseConsistency(json);
            AuditProofJson.ConsistencyCheck k = c.check(signatures);
            String what =
                    "the tree of checkpoint "
                            + c.older().getCheckpointSeq()
                            + " (treeSize "
                            + c.older().getTreeSize()
                            + ") is a prefix of the tree of checkpoint "
                            + c.newer().getCheckpointSeq()
                            + " (treeSize "
                            + c.newer().getTreeSize()
                            + ")";
            return new Verdict(
                    k.ok(),
                    k.ok()
                            ? "OK: " + what + "; both signatures valid\n"
                            : "FAILED: cannot show that "
                                    + what
                                    + ": "
                                    + reasons(
                                            k.sizes()
                                                    ? null
                                                    : "the proof's oldSize/newSize ("
                                                            + c.proof().oldSize()
                                                            + ", "
                                                            + c.proof().newSize()
                                                            + ") are not the checkpoints' tree"
                                                            + " sizes",
                                            k.order()
                                                    ? null
                                                    : "the older checkpoint's tree is larger",
                                            k.path()
                                                    ? null
                                                    : "the path does not lead to both signed roots",
                                            signature("older", k.older()),
                                            signature("newer", k.newer()))
                                    + "\n");
        }
        AuditProofJson.Inclusion in = AuditProofJson.parseInclusion(json);
        AuditProofJson.InclusionCheck k = in.check(signatures);
        boolean given =
                entryHash == null
                        || HEX.formatHex(in.proof().entryHash())
                                .equalsIgnoreCase(entryHash.strip());
        boolean ok = k.ok() && given;
        String what =
                "entry logIndex "
                        + in.proof().logIndex()
                        + " (hash "
                        + HEX.formatHex(in.proof().entryHash())
                        + ") is in the log signed by checkpoint "
                        + in.checkpoint().getCheckpointSeq()
                        + " (treeSize "
                        + in.checkpoint().getTreeSize()
                        + ")";
        return new Verdict(
                ok,
                ok
                        ? "OK: "
                                + what
                                + "; signature valid"
                                + (k.entryCarried()
                                        ? "; the entry it carries hashes to it"
                                        : "; the proof carries no entry: check yours with"
                                                + " --entry-hash")
                                + "\n"
                        : "FAILED: cannot show that "
                                + what
                                + ": "
                                + reasons(
                                        k.treeSize()
                                                ? null
                                                : "treeSize differs from the checkpoint's",
                                        k.leafHash()
                                                ? null
                                                : "leafHash is not SHA-256(00 || entryHash)",
                                        k.entry(),
                                        k.path()
                                                ? null
                                                : "the path does not lead to the signed root",
                                        signature("checkpoint", k.signature()),
                                        given ? null : "the entry hash is not the one given")
                                + "\n");
    }

    private static String signature(String which, TreeHeadVerifier.Outcome outcome) {
        switch (outcome) {
            case VALID:
                return null;
            case UNKNOWN_KEY:
                return which + " checkpoint signed by a key you did not give (--public-key)";
            case MALFORMED:
                return which + " checkpoint malformed";
            default:
                return which + " checkpoint signature invalid";
        }
    }

    private static String reasons(String... reasons) {
        return String.join("; ", java.util.Arrays.stream(reasons).filter(r -> r != null).toList());
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        return AuditEntryText.bytes(b);
    }
}
