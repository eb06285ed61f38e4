package dev.lethe.cli;

import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.Problem;
import dev.lethe.audit.ProblemKind;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.VerificationReport;
import dev.lethe.audit.VerifiedHead;
import dev.lethe.events.AuditCheckpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Verifies the log of record from a head verified before — the state an auditor kept ({@code audit
 * verify --state}), or a tree head they pinned by its hash ({@code --from}) — reading only what the
 * log holds after it, and refusing a log that does not extend it (docs/audit-format.md,
 * "Incremental verification"):
 *
 * <ul>
 *   <li>the head's record must still be where it was in the checkpoints topic, and be the same
 *       checkpoint: else ROLLED_BACK (gone), RESIGNED (the same tree under another signature) or
 *       HEAD_FORKED (another checkpoint in its place);
 *   <li>the entries after the head must still be in the entries topic (else ROLLED_BACK);
 *   <li>the later checkpoints continue the head's checkpoint chain, and the entries after it,
 *       appended to the head's Merkle frontier, give each later signed root: the log extends the
 *       head (consistency), and every new entry is checked as {@code audit verify} checks all.
 * </ul>
 *
 * A clean verification returns the state at the log's latest signed tree head, for the next one.
 */
final class PinnedHeadVerification {

    /** The result, and the state to keep when it passed (else null). */
    record Outcome(AuditVerification.Result result, VerifierState next, VerifierState from) {}

    private final AuditLogSource source;
    private final AuditTopics topics;
    private final TreeHeadVerifier signatures;

    PinnedHeadVerification(AuditLogSource source, AuditTopics topics, TreeHeadVerifier signatures) {
        this.source = source;
        this.topics = topics;
        this.signatures = signatures;
    }

    /**
     * The state at the tree head whose checkpoint hash is {@code hash}: the head is looked up in
     * the checkpoint chain and the entries before it are read once, by their stored hashes, to
     * rebuild its Merkle frontier and chain tips (proven by its signed root, not verified again).
     *
     * @throws VerifiedHead.NotExtendedException when the log no longer holds that head
     */
    VerifierState pinned(String hash) {
        String wanted = hash.strip().toLowerCase(Locale.ROOT);
        if (!wanted.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "--from takes a tree head's checkpoint hash: 64 hex digits, as audit verify"
                            + " prints for the latest checkpoint");
        }
        for (AuditLogSource.Positioned<TreeHeadRecord> r : source.checkpointRecordsFrom(0)) {
            if (r.value().isMalformed()) {
                continue;
            }
            AuditCheckpoint c = r.value().checkpoint();
            if (!AuditVerification.hashOf(c).equals(wanted)) {
                continue;
            }
            if (signatures.check(c) != TreeHeadVerifier.Outcome.VALID) {
                throw new VerifiedHead.NotExtendedException(
                        ProblemKind.BAD_SIGNATURE,
                        "the pinned tree head (checkpoint "
                                + c.getCheckpointSeq()
                                + ") is not signed by a trusted key");
            }
            AuditLogSource.Mark mark = new AuditLogSource.Mark(c.getTreeSize());
            VerifiedHead head = VerifiedHead.rebuild(c, source.records(c.getTreeSize(), mark));
            return new VerifierState(
                    topics.entries,
                    topics.checkpoints,
                    head,
                    r.offset(),
                    Math.max(0, mark.offsetAfter()),
                    AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS,
                    null);
        }
        throw new VerifiedHead.NotExtendedException(
                ProblemKind.ROLLED_BACK,
                "the pinned tree head "
                        + wanted
                        + " is not in the log's checkpoint chain: the log was rolled back or"
                        + " rewritten since, or the hash is not one of this log's tree heads");
    }

    /**
     * Verifies what follows {@code from} with {@code verification} (configured with its index,
     * pending check and witness as for a whole verification).
     */
    Outcome verify(
            VerifierState from, AuditVerification verification, AuditVerification.IndexCopies index)
            throws java.io.IOException, InterruptedException {
        VerifiedHead head = from.head();
        AuditCheckpoint headCheckpoint = null;
        // the index's documents up to this sequence number are compared now or were before
        long indexSeqNo =
                index == null
                        ? AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS
                        : index.checkpoint();
        List<AuditLogSource.Positioned<TreeHeadRecord>> positioned;
        if (head.checkpointSeq() > 0) {
            AuditLogSource.Span span = source.checkpointsSpan();
            if (!span.holds(from.checkpointOffset())) {
                return refused(
                        from,
                        ProblemKind.ROLLED_BACK,
                        head.checkpointSeq(),
                        "the checkpoints topic no longer holds the verified tree head (checkpoint "
                                + head.checkpointSeq()
                                + " at offset "
                                + from.checkpointOffset()
                                + "; the topic holds offsets "
                                + span.start()
                                + ".."
                                + (span.end() - 1)
                                + "): the log was rolled back or deleted");
            }
            positioned = source.checkpointRecordsFrom(from.checkpointOffset());
            TreeHeadRecord there = positioned.get(0).value();
            if (there.isMalformed() || !head.isHead(there.checkpoint())) {
                return notTheHead(from, there);
            }
            headCheckpoint = there.checkpoint();
            positioned = positioned.subList(1, positioned.size());
            AuditLogSource.Span entries = source.entriesSpan();
            if (entries.start() > from.entriesOffset() || entries.end() < from.entriesOffset()) {
                return refused(
                        from,
                        ProblemKind.ROLLED_BACK,
                        head.checkpointSeq(),
                        "the entries topic no longer holds the entries after the verified tree"
                                + " head (from offset "
                                + from.entriesOffset()
                                + "; the topic holds offsets "
                                + entries.start()
                                + ".."
                                + (entries.end() - 1)
                                + "): the log was rolled back or deleted");
            }
        } else {
            positioned = source.checkpointRecordsFrom(0);
        }
        List<TreeHeadRecord> later = new ArrayList<>();
        long latestSize = head.treeSize();
        long latestOffset = from.checkpointOffset();
        for (AuditLogSource.Positioned<TreeHeadRecord> r : positioned) {
            later.add(r.value());
            if (!r.value().isMalformed()) {
                latestSize = Math.max(latestSize, r.value().checkpoint().getTreeSize());
                latestOffset = r.offset();
            }
        }
        AuditLogSource.Mark mark = new AuditLogSource.Mark(latestSize - head.treeSize());
        Iterable<EntryRecord> entries =
                source.recordsFrom(from.entriesOffset(), latestSize - head.treeSize(), mark);
        AuditVerification.Result result =
                verification
                        .startingFrom(head, headCheckpoint)
                        .verifyTopics(entries, later, null, index);
        if (index != null
                && from.indexSeqNo() != AuditVerification.IndexCopies.NO_SEQUENCE_NUMBERS
                && head.treeSize() > 0) {
            result = result.withMoreIndexProblems(rewritten(from, index, indexSeqNo));
        }
        VerifiedHead reached = result.ok() ? result.report().verifiedHead() : null;
        VerifierState next = null;
        if (reached != null) {
            long entriesOffset =
                    reached.treeSize() == head.treeSize()
                            ? from.entriesOffset()
                            : mark.offsetAfter();
            if (entriesOffset >= 0) {
                next =
                        new VerifierState(
                                topics.entries,
                                topics.checkpoints,
                                reached,
                                reached.checkpointSeq() == head.checkpointSeq()
                                        ? from.checkpointOffset()
                                        : latestOffset,
                                entriesOffset,
                                index == null ? from.indexSeqNo() : indexSeqNo,
                                Instant.now());
            }
        }
        return new Outcome(result, next, from);
    }

    /**
     * Index documents of the verified range (logIndex below the head) written since the last
     * verification compared them — rewritten after they were verified: each must still match its
     * log entry, read from the entries topic (only when there are such documents; a Flink restore
     * rewrites recent documents unchanged, a tamperer changes them).
     */
    private List<AuditVerifier.IndexDiscrepancy> rewritten(
            VerifierState from, AuditVerification.IndexCopies index, long throughSeqNo)
            throws java.io.IOException {
        List<AuditVerifier.IndexedCopy> changed =
                index.changedSince(from.indexSeqNo(), throughSeqNo, from.head().treeSize());
        if (changed.isEmpty()) {
            return List.of();
        }
        java.util.SortedSet<Long> wanted = new java.util.TreeSet<>();
        changed.forEach(c -> wanted.add(c.logIndex()));
        List<dev.lethe.events.AuditEntry> entries = source.entriesAt(wanted, from.entriesOffset());
        List<AuditVerifier.IndexDiscrepancy> found = new ArrayList<>();
        for (AuditVerifier.IndexDiscrepancy d : AuditVerifier.crossCheck(entries, changed)) {
            if (d.kind() != AuditVerifier.IndexDiscrepancy.Kind.MISSING_FROM_INDEX) {
                found.add(d);
            }
        }
        return found;
    }

    /** The record at the head's offset is another one: re-signed, or another history. */
    private Outcome notTheHead(VerifierState from, TreeHeadRecord there) {
        VerifiedHead head = from.head();
        if (there.isMalformed()) {
            return refused(
                    from,
                    ProblemKind.HEAD_FORKED,
                    head.checkpointSeq(),
                    "where the verified tree head (checkpoint "
                            + head.checkpointSeq()
                            + ") was, the checkpoints topic holds a record that is not a"
                            + " checkpoint: "
                            + there.malformed());
        }
        AuditCheckpoint c = there.checkpoint();
        boolean sameTree =
                c.getCheckpointSeq() == head.checkpointSeq()
                        && c.getTreeSize() == head.treeSize()
                        && c.getMerkleRoot().equals(java.nio.ByteBuffer.wrap(head.merkleRoot()));
        String found =
                "checkpoint "
                        + c.getCheckpointSeq()
                        + " (treeSize "
                        + c.getTreeSize()
                        + ", key "
                        + c.getSigningKeyId()
                        + ", hash "
                        + AuditVerification.hashOf(c)
                        + ")";
        return sameTree
                ? refused(
                        from,
                        ProblemKind.RESIGNED,
                        head.checkpointSeq(),
                        "the verified tree head's tree (checkpoint "
                                + head.checkpointSeq()
                                + ", treeSize "
                                + head.treeSize()
                                + ", hash "
                                + head.checkpointHashHex()
                                + ") is now signed as "
                                + found
                                + ": the history was re-signed")
                : refused(
                        from,
                        ProblemKind.HEAD_FORKED,
                        head.checkpointSeq(),
                        "where the verified tree head (checkpoint "
                                + head.checkpointSeq()
                                + ", treeSize "
                                + head.treeSize()
                                + ", hash "
                                + head.checkpointHashHex()
                                + ") was, the log holds "
                                + found
                                + ": the log's history was rewritten (a fork)");
    }

    /** A result that refuses the log before reading its entries. */
    static Outcome refused(VerifierState from, ProblemKind kind, long checkpointSeq, String why) {
        VerificationReport report =
                new VerificationReport(
                        0,
                        0,
                        0,
                        from.head().merkleRoot(),
                        List.of(new Problem(kind, -1, -1, null, 0, checkpointSeq, why)));
        return new Outcome(
                new AuditVerification.Result(report, List.of(), null, false, null, null),
                null,
                from);
    }
}
