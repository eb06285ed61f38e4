package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.AuditVerifier;
import dev.lethe.audit.AuditVerifier.IndexDiscrepancy;
import dev.lethe.audit.AuditVerifier.IndexedCopy;
import dev.lethe.audit.EntryRecord;
import dev.lethe.audit.Problem;
import dev.lethe.audit.ProblemKind;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.audit.TreeHeadSigner;
import dev.lethe.audit.TreeHeadVerifier;
import dev.lethe.audit.TreeHeadWitness;
import dev.lethe.audit.VerificationReport;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ./lethe audit verify} checks and reports, apart from where the log comes from:
 *
 * <ol>
 *   <li>the log of record ({@link AuditVerifier}: every hash, chain link, logIndex, checkpoint
 *       signature and Merkle root);
 *   <li>optionally, that a checkpoint hash the auditor kept from an earlier verification is still
 *       part of the checkpoint chain (else the log was truncated or rewritten since);
 *   <li>optionally, the index copy ({@link AuditVerifier#crossCheck}): every entry present in the
 *       index with the log's hash, nothing else.
 * </ol>
 */
final class AuditVerification {

    private static final HexFormat HEX = HexFormat.of();

    /** The outcome. {@code index} is null when the index was not checked. */
    record Result(
            VerificationReport report,
            List<AuditCheckpoint> checkpoints,
            String expectedCheckpoint,
            boolean expectedCheckpointFound,
            Long indexDocuments,
            List<IndexDiscrepancy> index,
            Horizon horizon,
            Witnessing witness,
            String trustedKeys) {

        Result(
                VerificationReport report,
                List<AuditCheckpoint> checkpoints,
                String expectedCheckpoint,
                boolean expectedCheckpointFound,
                Long indexDocuments,
                List<IndexDiscrepancy> index) {
            this(
                    report,
                    checkpoints,
                    expectedCheckpoint,
                    expectedCheckpointFound,
                    indexDocuments,
                    index,
                    null,
                    null,
                    null);
        }

        boolean ok() {
            return report.ok()
                    && (expectedCheckpoint == null || expectedCheckpointFound)
                    && (index == null || index.isEmpty())
                    && (witness == null || witness.check().ok());
        }

        /** This result with another report (everything else kept). */
        Result withReport(VerificationReport r) {
            return new Result(
                    r,
                    checkpoints,
                    expectedCheckpoint,
                    expectedCheckpointFound,
                    indexDocuments,
                    index,
                    horizon,
                    witness,
                    trustedKeys);
        }

        /** This result with {@code more} index problems (none: this result). */
        Result withMoreIndexProblems(List<IndexDiscrepancy> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<IndexDiscrepancy> all = new ArrayList<>(index == null ? List.of() : index);
            all.addAll(more);
            return new Result(
                    report,
                    checkpoints,
                    expectedCheckpoint,
                    expectedCheckpointFound,
                    indexDocuments,
                    all,
                    horizon,
                    witness,
                    trustedKeys);
        }

        /** This result with the witness's outcome. */
        Result withWitness(Witnessing w) {
            return new Result(
                    report,
                    checkpoints,
                    expectedCheckpoint,
                    expectedCheckpointFound,
                    indexDocuments,
                    index,
                    horizon,
                    w,
                    trustedKeys);
        }

        Optional<AuditCheckpoint> latest() {
            return checkpoints.isEmpty()
                    ? Optional.empty()
                    : Optional.of(checkpoints.get(checkpoints.size() - 1));
        }

        /** The readable form: {@link #text(JsonNode)} of {@link #json()}. */
        String text() {
            return AuditVerification.text(json());
        }

        ObjectNode json() {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode n = m.createObjectNode();
            n.put("ok", ok());
            n.put("entries", report.entries());
            n.put("checkpoints", report.checkpoints());
            n.put("checkpointsVerified", report.checkpointsMatched());
            n.put("merkleRoot", report.merkleRootHex());
            latest().ifPresent(
                            c ->
                                    n.putObject("latestCheckpoint")
                                            .put("checkpointSeq", c.getCheckpointSeq())
                                            .put("treeSize", c.getTreeSize())
                                            .put("hash", hashOf(c)));
            ArrayNode problems = n.putArray("problems");
            for (Problem p : report.problems()) {
                ObjectNode pn = problems.addObject();
                pn.put("kind", p.kind().name());
                if (p.position() >= 0) {
                    pn.put("position", p.position());
                }
                if (p.logIndex() >= 0) {
                    pn.put("logIndex", p.logIndex());
                }
                if (p.entityId() != null) {
                    pn.put("entityId", p.entityId());
                }
                if (p.seq() > 0) {
                    pn.put("seq", p.seq());
                }
                if (p.checkpointSeq() > 0) {
                    pn.put("checkpointSeq", p.checkpointSeq());
                }
                pn.put("detail", p.detail());
            }
            if (trustedKeys != null) {
                n.put("trustedKeys", trustedKeys);
            }
            if (witness != null) {
                ObjectNode w = n.putObject("witness");
                w.put("file", witness.file().toString());
                w.put("ok", witness.check().ok());
                w.put("status", witness.check().kind().name());
                w.put("detail", witness.check().detail());
                if (witness.check().witnessed() != null) {
                    w.put("witnessedCheckpointSeq", witness.check().witnessed().getCheckpointSeq());
                    w.put("witnessedTreeSize", witness.check().witnessed().getTreeSize());
                }
                if (witness.recorded() != null) {
                    w.putObject("recorded")
                            .put("checkpointSeq", witness.recorded().getCheckpointSeq())
                            .put("treeSize", witness.recorded().getTreeSize());
                }
            }
            if (expectedCheckpoint != null) {
                n.putObject("expectedCheckpoint")
                        .put("hash", expectedCheckpoint)
                        .put("found", expectedCheckpointFound);
            }
            if (horizon != null) {
                ObjectNode h = n.putObject("horizon");
                h.put("logIndex", horizon.logIndex());
                if (horizon.commitTime() != null) {
                    h.put("commitTime", horizon.commitTime().toString());
                }
            }
            if (index != null) {
                ObjectNode in = n.putObject("index");
                in.put("documents", indexDocuments);
                if (horizon != null) {
                    in.put("pending", horizon.pending());
                    in.put("pendingReachedLog", horizon.pendingReached());
                    in.put("pendingBoundSeconds", horizon.pendingBound().toSeconds());
                    in.put("stillPending", horizon.stillPending());
                }
                ArrayNode ds = in.putArray("problems");
                for (IndexDiscrepancy d : index) {
                    ObjectNode dn = ds.addObject();
                    dn.put("kind", d.kind().name());
                    dn.put("docId", d.docId());
                    dn.put("logIndex", d.logIndex());
                    dn.put("entityId", d.entityId());
                    if (d.seq() > 0) {
                        dn.put("seq", d.seq());
                    }
                    dn.put("detail", d.detail());
                }
            }
            return n;
        }
    }

    /**
     * A verification's result as people read it, from its JSON ({@code audit verify --json}, or the
     * server's {@code GET /api/v1/audit/verifications/{id}} result): both paths print it so.
     */
    static String text(JsonNode n) {
        StringBuilder s = new StringBuilder();
        s.append(n.path("ok").asBoolean() ? "OK" : "FAILED")
                .append(": ")
                .append(n.path("entries").asLong())
                .append(" entries, ")
                .append(n.path("checkpoints").asLong())
                .append(" signed checkpoints (")
                .append(n.path("checkpointsVerified").asLong())
                .append(" verified), Merkle root ")
                .append(n.path("merkleRoot").asText())
                .append('\n');
        JsonNode latest = n.path("latestCheckpoint");
        if (latest.isObject()) {
            s.append("latest checkpoint ")
                    .append(latest.path("checkpointSeq").asLong())
                    .append(" (treeSize ")
                    .append(latest.path("treeSize").asLong())
                    .append("), hash ")
                    .append(latest.path("hash").asText())
                    .append("  <- keep it; later: audit verify --expect-checkpoint <hash>\n");
        }
        JsonNode from = n.path("from");
        if (from.isObject()) {
            s.append(
                    from.path("checkpointSeq").asLong() == 0
                            ? "from: the start of the log (no verified tree head yet)\n"
                            : "from tree head "
                                    + from.path("checkpointSeq").asLong()
                                    + " (treeSize "
                                    + from.path("treeSize").asLong()
                                    + ", hash "
                                    + from.path("hash").asText()
                                    + "): verified the "
                                    + n.path("entries").asLong()
                                    + " entries after it and that the log extends it\n");
        }
        if (n.hasNonNull("state")) {
            s.append("state: kept the latest verified tree head in ")
                    .append(n.path("state").asText())
                    .append('\n');
        }
        JsonNode horizon = n.path("horizon");
        if (horizon.isObject()) {
            s.append("horizon: logIndex ")
                    .append(horizon.path("logIndex").asLong())
                    .append(" (the latest committed entry when verification started")
                    .append(
                            horizon.hasNonNull("commitTime")
                                    ? ", committed " + horizon.path("commitTime").asText()
                                    : "")
                    .append(")\n");
        }
        if (n.hasNonNull("trustedKeys")) {
            s.append("trusted keys: ").append(n.path("trustedKeys").asText()).append('\n');
        }
        for (JsonNode p : n.path("problems")) {
            s.append("log: ").append(p.path("kind").asText());
            if (p.has("position")) {
                s.append(" at position ").append(p.path("position").asLong());
            }
            if (p.has("logIndex")) {
                s.append(" logIndex ").append(p.path("logIndex").asLong());
            }
            if (p.hasNonNull("entityId")) {
                s.append(" entity ").append(p.path("entityId").asText());
            }
            if (p.has("seq")) {
                s.append(" seq ").append(p.path("seq").asLong());
            }
            if (p.has("checkpointSeq")) {
                s.append(" checkpoint ").append(p.path("checkpointSeq").asLong());
            }
            s.append(": ").append(p.path("detail").asText()).append('\n');
        }
        JsonNode witness = n.path("witness");
        if (witness.isObject()) {
            s.append("witness ")
                    .append(witness.path("file").asText())
                    .append(": ")
                    .append(witness.path("detail").asText())
                    .append('\n');
            JsonNode recorded = witness.path("recorded");
            if (recorded.isObject()) {
                s.append("witness: recorded tree head ")
                        .append(recorded.path("checkpointSeq").asLong())
                        .append(" (treeSize ")
                        .append(recorded.path("treeSize").asLong())
                        .append(")\n");
            }
        }
        JsonNode expected = n.path("expectedCheckpoint");
        if (expected.isObject()) {
            String hash = expected.path("hash").asText();
            s.append(
                    expected.path("found").asBoolean()
                            ? "expected checkpoint " + hash + " is in the chain\n"
                            : "TRUNCATED: the checkpoint "
                                    + hash
                                    + " you kept is no longer in the checkpoint chain: the"
                                    + " log was truncated or rewritten since\n");
        }
        JsonNode index = n.path("index");
        if (index.isObject()) {
            int problems = index.path("problems").size();
            s.append("index: ")
                    .append(index.path("documents").asLong())
                    .append(" documents, ")
                    .append(problems == 0 ? "all match the log" : problems + " problems")
                    .append('\n');
            if (index.has("pending")) {
                long pending = index.path("pending").asLong();
                s.append("index: ahead of the log: ")
                        .append(pending)
                        .append(" (pending")
                        .append(
                                pending == 0
                                        ? ""
                                        : "; "
                                                + index.path("pendingReachedLog").asLong()
                                                + " reached the log within "
                                                + index.path("pendingBoundSeconds").asLong()
                                                + " s and match it"
                                                + (index.path("stillPending").asLong() == 0
                                                        ? ""
                                                        : "; "
                                                                + index.path("stillPending")
                                                                        .asLong()
                                                                + " still on their way: the log"
                                                                + " has not yet reached their"
                                                                + " capture time"))
                        .append(")\n");
            }
            for (JsonNode d : index.path("problems")) {
                s.append("index: ").append(d.path("kind").asText());
                if (d.hasNonNull("docId")) {
                    s.append(" document ").append(d.path("docId").asText());
                }
                s.append(" logIndex ").append(d.path("logIndex").asLong());
                if (d.hasNonNull("entityId")) {
                    s.append(" entity ")
                            .append(d.path("entityId").asText())
                            .append(" seq ")
                            .append(d.path("seq").asLong());
                }
                s.append(": ").append(d.path("detail").asText()).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * Where a verification stops: the latest entry committed when it started ({@code logIndex}),
     * and the index documents found beyond it.
     *
     * @param pending index documents ahead of the log at the horizon
     * @param pendingReached how many of them the log reached within {@code pendingBound}
     * @param stillPending how many of the others are still pending: the log has not moved past
     *     their capture time by more than the bound (it is catching up, or commits late)
     */
    record Horizon(
            long logIndex,
            java.time.Instant commitTime,
            long pending,
            long pendingReached,
            java.time.Duration pendingBound,
            long stillPending) {

        Horizon(
                long logIndex,
                java.time.Instant commitTime,
                long pending,
                long pendingReached,
                java.time.Duration pendingBound) {
            this(logIndex, commitTime, pending, pendingReached, pendingBound, 0);
        }
    }

    /**
     * The log checked against a witness of its signed tree heads.
     *
     * @param recorded the head this verification appended to the witness, or null
     */
    record Witnessing(
            java.nio.file.Path file, TreeHeadWitness.Check check, AuditCheckpoint recorded) {}

    /** The log's entries after the horizon, read until {@code through} is there or the bound. */
    @FunctionalInterface
    interface LogTail {
        List<AuditEntry> read(long through, java.time.Duration bound);
    }

    /** Reads the index copies (again on each call). */
    @FunctionalInterface
    interface IndexCopies {
        List<IndexedCopy> read() throws java.io.IOException;

        /**
         * The copies of logIndex {@code from} and above (a range query where the store has one).
         */
        default List<IndexedCopy> readFrom(long from) throws java.io.IOException {
            return read().stream().filter(c -> c.logIndex() >= from).toList();
        }

        /** {@link #checkpoint()} of a store without sequence numbers. */
        long NO_SEQUENCE_NUMBERS = Long.MIN_VALUE;

        /**
         * The store's sequence number up to which every write is visible (Elasticsearch: the
         * shard's local checkpoint; -1 before the first write), or {@link #NO_SEQUENCE_NUMBERS} for
         * a store without them: an incremental verification then compares only the copies of new
         * entries.
         */
        default long checkpoint() throws java.io.IOException {
            return NO_SEQUENCE_NUMBERS;
        }

        /**
         * The copies below logIndex {@code belowLogIndex} written after sequence number {@code
         * after} up to {@code through}: documents of an already verified range, rewritten.
         */
        default List<IndexedCopy> changedSince(long after, long through, long belowLogIndex)
                throws java.io.IOException {
            return List.of();
        }
    }

    private final TreeHeadVerifier signatures;
    private final java.time.Duration indexCatchUp;
    private LogTail tail;
    private java.time.Instant lastCommit;

    /** the latest capture time among the committed entries read (the log's progress in time) */
    private java.time.Instant lastCapture;

    private java.time.Duration pendingBound = java.time.Duration.ofSeconds(30);
    private TreeHeadWitness witness;
    private boolean recordInWitness;
    private String trustedKeys;

    /**
     * Checks the log against {@code witness}: its latest signed tree head must extend the witness's
     * latest ({@link TreeHeadWitness#check}); with {@code record}, a verification that passes
     * appends the log's latest tree head to the witness.
     */
    /**
     * Where a verification reports how far it is (Lethe's server shows it while it runs): its
     * phase, how many entries it covers, how many it has verified so far.
     */
    interface Progress {
        Progress NONE = new Progress() {};

        default void phase(String phase) {}

        default void total(long entries) {}

        default void verified(long entries) {}
    }

    private Progress progress = Progress.NONE;

    /** the head an incremental verification starts from, or null for the whole log */
    private dev.lethe.audit.VerifiedHead start;

    /** the checkpoint of {@link #start} as the log holds it (null for the empty head) */
    private AuditCheckpoint startCheckpoint;

    /**
     * Verifies only what follows {@code head} ({@link AuditVerifier#verifyFrom}), which the log
     * holds as {@code headCheckpoint} (null for {@link dev.lethe.audit.VerifiedHead#empty()}): the
     * log given is the entries after it, the checkpoints those after its own, the index copies
     * compared are those from its tree size on.
     */
    AuditVerification startingFrom(
            dev.lethe.audit.VerifiedHead head, AuditCheckpoint headCheckpoint) {
        this.start = head;
        this.startCheckpoint = headCheckpoint;
        return this;
    }

    /** Reports the phase and each entry verified to {@code progress}. */
    AuditVerification withProgress(Progress progress) {
        this.progress = progress;
        return this;
    }

    AuditVerification withWitness(TreeHeadWitness witness, boolean record) {
        this.witness = witness;
        this.recordInWitness = record;
        return this;
    }

    /** Names the trusted keys in the output (which keys the verification used). */
    AuditVerification withTrustedKeys(String description) {
        this.trustedKeys = description;
        return this;
    }

    /**
     * Index documents ahead of the log's horizon are pending: each must reach the log, with the
     * same hash, within {@code bound} (the log commits with each Flink checkpoint; two intervals
     * plus a margin), read through {@code tail}; one that does not is NOT_IN_LOG.
     */
    AuditVerification withPendingCheck(LogTail tail, java.time.Duration bound) {
        this.tail = tail;
        this.pendingBound = bound;
        return this;
    }

    /**
     * @param indexCatchUp how long to wait for the index to receive entries it lacks (the index
     *     sink lags the log by up to a Flink checkpoint) before reporting them missing
     */
    AuditVerification(TreeHeadVerifier signatures, java.time.Duration indexCatchUp) {
        this.signatures = signatures;
        this.indexCatchUp = indexCatchUp;
    }

    /**
     * @param log the entries of record in log order (iterated once)
     * @param expectedCheckpoint a checkpoint hash (hex) the auditor kept, or null
     * @param index the index copies, or null not to check the index
     */
    Result verify(
            Iterable<AuditEntry> log,
            List<AuditCheckpoint> checkpoints,
            String expectedCheckpoint,
            IndexCopies index)
            throws java.io.IOException, InterruptedException {
        return verifyRecords(EntryRecord.of(log), checkpoints, expectedCheckpoint, index);
    }

    /**
     * As {@link #verifyRecords(Iterable, List, String, IndexCopies)} with the records of the
     * checkpoints topic: a record that is not a strictly encoded checkpoint is a MALFORMED problem
     * naming its position in that topic (the checkpoint chain then breaks at the next one).
     */
    Result verifyTopics(
            Iterable<EntryRecord> log,
            List<TreeHeadRecord> checkpointRecords,
            String expectedCheckpoint,
            IndexCopies index)
            throws java.io.IOException, InterruptedException {
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        List<Problem> malformed = new ArrayList<>();
        for (int i = 0; i < checkpointRecords.size(); i++) {
            TreeHeadRecord r = checkpointRecords.get(i);
            if (r.isMalformed()) {
                malformed.add(
                        new Problem(
                                ProblemKind.MALFORMED,
                                -1,
                                -1,
                                null,
                                0,
                                0,
                                "the checkpoint record at position "
                                        + i
                                        + " of the checkpoints topic is not a strictly encoded"
                                        + " checkpoint: "
                                        + r.malformed()));
            } else {
                checkpoints.add(r.checkpoint());
            }
        }
        Result result = verifyRecords(log, checkpoints, expectedCheckpoint, index);
        if (malformed.isEmpty()) {
            return result;
        }
        VerificationReport r = result.report();
        List<Problem> problems = new ArrayList<>(r.problems());
        problems.addAll(malformed);
        return result.withReport(
                new VerificationReport(
                        r.entries(),
                        checkpointRecords.size(),
                        r.checkpointsMatched(),
                        r.merkleRoot(),
                        problems));
    }

    /**
     * @param log the records of the entries topic in log order (iterated once), each an entry or a
     *     record that does not decode ({@link EntryRecord#decode}), which is reported MALFORMED at
     *     its position
     * @param expectedCheckpoint a checkpoint hash (hex) the auditor kept, or null
     * @param index the index copies, or null not to check the index
     */
    Result verifyRecords(
            Iterable<EntryRecord> log,
            List<AuditCheckpoint> checkpoints,
            String expectedCheckpoint,
            IndexCopies index)
            throws java.io.IOException, InterruptedException {
        // the verifier streams the log once; keep what the index cross-check needs of each entry
        List<AuditEntry> slim = index == null ? null : new ArrayList<>();
        Iterable<EntryRecord> records =
                slim == null
                        ? log
                        : () ->
                                new Iterator<>() {
                                    final Iterator<EntryRecord> it = log.iterator();

                                    @Override
                                    public boolean hasNext() {
                                        return it.hasNext();
                                    }

                                    @Override
                                    public EntryRecord next() {
                                        EntryRecord r = it.next();
                                        if (!r.isMalformed()) {
                                            AuditEntry e = r.entry();
                                            AuditEntry s = new AuditEntry();
                                            s.setLogIndex(e.getLogIndex());
                                            s.setEntityId(e.getEntityId());
                                            s.setSeq(e.getSeq());
                                            s.setHash(e.getHash());
                                            slim.add(s);
                                            lastCommit = e.getCommitTime();
                                            if (lastCapture == null
                                                    || e.getCaptureTime().isAfter(lastCapture)) {
                                                lastCapture = e.getCaptureTime();
                                            }
                                        }
                                        return r;
                                    }
                                };
        AuditCheckpoint witnessed = null;
        String witnessUnreadable = null;
        if (witness != null) {
            try {
                witnessed = witness.latest().orElse(null);
            } catch (java.io.IOException e) {
                witnessUnreadable = e.getMessage();
            }
        }
        long startSize = start == null ? 0 : start.treeSize();
        boolean witnessBeforeStart =
                witnessed != null && start != null && witnessed.getTreeSize() < startSize;
        AuditVerifier.RootsAt roots =
                witnessed == null || witnessBeforeStart
                        ? null
                        : new AuditVerifier.RootsAt(witnessed.getTreeSize());
        Iterable<EntryRecord> counted =
                () ->
                        new Iterator<>() {
                            final Iterator<EntryRecord> it = records.iterator();
                            long verified;

                            @Override
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            @Override
                            public EntryRecord next() {
                                EntryRecord r = it.next();
                                progress.verified(++verified);
                                return r;
                            }
                        };
        progress.phase("verifying entries");
        VerificationReport report =
                start == null
                        ? new AuditVerifier(signatures).verifyRecords(counted, checkpoints, roots)
                        : new AuditVerifier(signatures)
                                .verifyFrom(start, counted, checkpoints, roots);
        String expected =
                expectedCheckpoint == null
                        ? null
                        : expectedCheckpoint.strip().toLowerCase(java.util.Locale.ROOT);
        boolean found =
                expected != null && checkpoints.stream().anyMatch(c -> hashOf(c).equals(expected));
        List<IndexDiscrepancy> discrepancies = null;
        Long documents = null;
        Horizon horizon = null;
        List<IndexedCopy> ahead = List.of();
        long end = startSize - 1;
        java.time.Instant endTime = null;
        if (slim != null) {
            for (AuditEntry e : slim) {
                if (e.getLogIndex() > end) {
                    end = e.getLogIndex();
                }
            }
            endTime = lastCommit;
        }
        if (index != null) {
            progress.phase("cross-checking the index");
            long deadline = System.nanoTime() + indexCatchUp.toNanos();
            while (true) {
                List<IndexedCopy> copies = start == null ? index.read() : index.readFrom(startSize);
                documents = (long) copies.size();
                if (tail != null) {
                    // documents beyond the horizon are not compared with the log read so far
                    long last = end;
                    ahead = copies.stream().filter(c -> c.logIndex() > last).toList();
                    copies = copies.stream().filter(c -> c.logIndex() <= last).toList();
                }
                discrepancies = new ArrayList<>(AuditVerifier.crossCheck(slim, copies));
                // waiting for the index to catch up is pointless once the log itself failed
                boolean lagging =
                        report.ok()
                                && !discrepancies.isEmpty()
                                && discrepancies.stream()
                                        .allMatch(
                                                d ->
                                                        d.kind()
                                                                == IndexDiscrepancy.Kind
                                                                        .MISSING_FROM_INDEX);
                if (!lagging || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(1_000);
            }
        }
        long stillPending = 0;
        if (index != null && tail != null) {
            long reached = 0;
            if (!ahead.isEmpty()) {
                long through = ahead.stream().mapToLong(IndexedCopy::logIndex).max().orElse(end);
                List<AuditEntry> later = tail.read(through, pendingBound);
                java.util.Map<Long, AuditEntry> byIndex = new java.util.HashMap<>();
                later.forEach(e -> byIndex.put(e.getLogIndex(), e));
                List<AuditEntry> covered = new ArrayList<>();
                List<IndexedCopy> inTail = new ArrayList<>();
                java.time.Instant logReached = lastCapture;
                for (AuditEntry e : later) {
                    if (logReached == null || e.getCaptureTime().isAfter(logReached)) {
                        logReached = e.getCaptureTime();
                    }
                }
                // what exists after the horizon, in the log or (read again, after the wait) in
                // the index: the sequencer writes both in logIndex order, so a document beyond a
                // logIndex that is in neither cannot be on its way
                long horizonEnd = end;
                java.util.Set<Long> present = new java.util.HashSet<>(byIndex.keySet());
                ahead.forEach(c -> present.add(c.logIndex()));
                boolean gapBefore =
                        ahead.stream()
                                .anyMatch(
                                        c ->
                                                !byIndex.containsKey(c.logIndex())
                                                        && firstGap(
                                                                        present,
                                                                        horizonEnd,
                                                                        c.logIndex())
                                                                >= 0);
                if (gapBefore) {
                    index.readFrom(end + 1).forEach(c -> present.add(c.logIndex()));
                }
                for (IndexedCopy c : ahead) {
                    AuditEntry e = byIndex.get(c.logIndex());
                    if (e == null) {
                        String why = notInLog(c, logReached, !later.isEmpty(), pendingBound);
                        long gap = firstGap(present, end, c.logIndex());
                        if (why == null && gap >= 0) {
                            why =
                                    "ahead of the log beyond a gap: logIndex "
                                            + gap
                                            + " is neither in the log nor in the index, so"
                                            + " logIndex "
                                            + c.logIndex()
                                            + " cannot be on its way";
                        }
                        if (why == null) {
                            stillPending++;
                            continue;
                        }
                        discrepancies.add(IndexDiscrepancy.notInLog(c, why));
                    } else {
                        covered.add(e);
                        inTail.add(c);
                    }
                }
                for (IndexDiscrepancy d : AuditVerifier.crossCheck(covered, inTail)) {
                    if (d.kind() != IndexDiscrepancy.Kind.MISSING_FROM_INDEX) {
                        discrepancies.add(d);
                    }
                }
                reached = covered.size();
            }
            horizon = new Horizon(end, endTime, ahead.size(), reached, pendingBound, stillPending);
        } else if (slim != null) {
            horizon = new Horizon(end, endTime, 0, 0, pendingBound);
        }
        List<AuditCheckpoint> heads = checkpoints;
        if (startCheckpoint != null) {
            heads = new ArrayList<>(checkpoints.size() + 1);
            heads.add(startCheckpoint);
            heads.addAll(checkpoints);
        }
        Result result =
                new Result(
                        report,
                        heads,
                        expected,
                        found,
                        documents,
                        discrepancies,
                        horizon,
                        null,
                        trustedKeys);
        if (witness == null) {
            return result;
        }
        progress.phase("checking the witness");
        TreeHeadWitness.Check check =
                witnessBeforeStart
                        ? new TreeHeadWitness.Check(
                                TreeHeadWitness.Kind.CONSISTENT,
                                witnessed,
                                "not compared again: the witnessed tree head "
                                        + witnessed.getCheckpointSeq()
                                        + " precedes the verified head "
                                        + start.checkpointSeq()
                                        + " this verification starts from, which the log"
                                        + " extends")
                        : witnessUnreadable != null
                                ? new TreeHeadWitness.Check(
                                        TreeHeadWitness.Kind.UNTRUSTED,
                                        null,
                                        "unreadable: " + witnessUnreadable)
                                : TreeHeadWitness.check(
                                        witnessed,
                                        result.checkpoints(),
                                        witnessed == null
                                                ? null
                                                : roots.root(witnessed.getTreeSize()).orElse(null),
                                        signatures);
        result = result.withWitness(new Witnessing(witness.file(), check, null));
        AuditCheckpoint recorded = null;
        if (recordInWitness && result.ok() && result.latest().isPresent()) {
            AuditCheckpoint latest = result.latest().get();
            if (witness.append(latest, java.time.Instant.now())) {
                recorded = latest;
            }
        }
        return result.withWitness(new Witnessing(witness.file(), check, recorded));
    }

    /**
     * Why an index document ahead of the log that did not reach it within the bound is a problem,
     * or null while it is still on its way. A log that committed entries during the wait is moving
     * towards it (catching up a backlog, whose capture times are not in logIndex order): on its
     * way. A log that committed nothing is judged by the document's capture time: on its way while
     * the log has not gone past that time by more than the bound (a restored job's first commits
     * can be slow), else a problem. A document without a capture time, or captured in the future,
     * is a problem at once; one beyond a gap is judged by the caller.
     */
    static String notInLog(
            IndexedCopy c,
            java.time.Instant logReached,
            boolean logProgressed,
            java.time.Duration bound) {
        String base =
                "ahead of the log, and no entry logIndex "
                        + c.logIndex()
                        + " reached the log within "
                        + bound.toSeconds()
                        + " s after the horizon";
        if (c.captureTime() == null) {
            return base;
        }
        if (c.captureTime().isAfter(java.time.Instant.now().plus(bound))) {
            return base
                    + ", and the document says it was captured in the future ("
                    + c.captureTime()
                    + ")";
        }
        if (logProgressed) {
            return null;
        }
        if (logReached != null && logReached.isAfter(c.captureTime().plus(bound))) {
            return base
                    + " (the log committed nothing meanwhile), and the log's entries reach a"
                    + " capture time of "
                    + logReached
                    + ", more than "
                    + bound.toSeconds()
                    + " s after it ("
                    + c.captureTime()
                    + ")";
        }
        return null;
    }

    /** The first logIndex in (after, before) that is not in {@code present}, else -1. */
    static long firstGap(java.util.Set<Long> present, long after, long before) {
        for (long i = after + 1; i < before; i++) {
            if (!present.contains(i)) {
                return i;
            }
        }
        return -1;
    }

    static String hashOf(AuditCheckpoint c) {
        try {
            return HEX.formatHex(TreeHeadSigner.hashOf(c));
        } catch (IllegalArgumentException malformed) {
            return "(malformed)";
        }
    }

    static String describe(IndexDiscrepancy d) {
        StringBuilder s = new StringBuilder(d.kind().name());
        if (d.docId() != null) {
            s.append(" document ").append(d.docId());
        }
        s.append(" logIndex ").append(d.logIndex());
        if (d.entityId() != null) {
            s.append(" entity ").append(d.entityId()).append(" seq ").append(d.seq());
        }
        return s.append(": ").append(d.detail()).toString();
    }
}
