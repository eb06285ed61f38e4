package dev.lethe.audit;

import dev.lethe.events.AuditCheckpoint;
import dev.lethe.events.AuditEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies an audit log from the log of record: every entry's hash against its content, every link
 * of every entity's chain, logIndex continuity, and every checkpoint (chain, Ed25519 signature
 * against trusted keys, Merkle root over the log's first treeSize entries).
 *
 * <p>Entries are streamed once, in log order, with one entry of look-ahead; memory is the last
 * (seq, hash) of each entity, the Merkle frontier, the checkpoints, and whatever problems are
 * found. Checkpoints are read into memory (there are few).
 *
 * <p>How problems are located (docs/audit-format.md, "Verifying"): an entry whose content does not
 * match its hash is MODIFIED; the next entry of its chain may link to either the stored or the
 * recomputed hash. Merkle leaves are always the recomputed hashes, so every checkpoint covering a
 * modified, missing, inserted or moved entry also reports CHECKPOINT_MISMATCH, with the range of
 * log positions that contains the difference. A verifier instance can verify many logs, one at a
 * time (not thread-safe).
 */
public final class AuditVerifier {

    private final TreeHeadVerifier signatures;

    public AuditVerifier(TreeHeadVerifier signatures) {
        this.signatures = signatures;
    }

    /** Verifies the whole log (entries in log order) against all checkpoints. */
    public VerificationReport verify(
            Iterable<AuditEntry> entries, Iterable<AuditCheckpoint> checkpoints) {
        return verifyRecords(EntryRecord.of(entries), checkpoints);
    }

    /**
     * Verifies the whole log as read from the entries topic, record by record in log order: a
     * record that does not decode ({@link EntryRecord#malformed}) is {@link ProblemKind#MALFORMED}
     * at its position, and its Merkle leaf is unknown (every checkpoint covering it mismatches).
     */
    public VerificationReport verifyRecords(
            Iterable<EntryRecord> records, Iterable<AuditCheckpoint> checkpoints) {
        return verifyRecords(records, checkpoints, null);
    }

    /**
     * As {@link #verifyRecords(Iterable, Iterable)}, also taking, in the same pass, the Merkle root
     * of the log's first n entries for each size n in {@code rootsAt} (e.g. a witnessed tree head's
     * size, to check that the log extends it: {@link TreeHeadWitness#check}).
     */
    public VerificationReport verifyRecords(
            Iterable<EntryRecord> records, Iterable<AuditCheckpoint> checkpoints, RootsAt rootsAt) {
        Run run = new Run(signatures, checkpoints);
        run.rootsAt = rootsAt;
        return run.verify(records.iterator());
    }

    /**
     * Verifies only what the log holds after a head verified before: {@code records} are the
     * entries topic's records from logIndex {@code from.treeSize()} on, {@code later} the
     * checkpoints after {@code from}'s, in chain order. Every check of {@link #verifyRecords} runs
     * on them, with the chains continuing from {@code from}'s tips and the Merkle tree from its
     * frontier, so each later signed root also proves that the log still extends {@code from}
     * (consistency, RFC 9162 §2.1.4, without a proof from the log). The caller checks that {@code
     * from}'s own checkpoint is still in the log. Cost: the new entries, plus one map entry per
     * entity of {@code from}.
     */
    public VerificationReport verifyFrom(
            VerifiedHead from, Iterable<EntryRecord> records, Iterable<AuditCheckpoint> later) {
        return verifyFrom(from, records, later, null);
    }

    /**
     * As {@link #verifyFrom(VerifiedHead, Iterable, Iterable)}, also taking the roots at the sizes
     * in {@code rootsAt} that lie at or after {@code from}'s.
     */
    public VerificationReport verifyFrom(
            VerifiedHead from,
            Iterable<EntryRecord> records,
            Iterable<AuditCheckpoint> later,
            RootsAt rootsAt) {
        Run run = new Run(signatures, later);
        run.startFrom(from);
        run.rootsAt = rootsAt;
        return run.verify(records.iterator());
    }

    /**
     * Merkle roots of the log's first n entries (leaves recomputed from content), for sizes named
     * before a verification and filled in by it.
     */
    public static final class RootsAt {
        private final TreeMap<Long, byte[]> roots = new TreeMap<>();

        public RootsAt(long... sizes) {
            for (long size : sizes) {
                if (size < 0) {
                    throw new IllegalArgumentException("a tree size is not negative");
                }
                roots.put(size, null);
            }
        }

        /** The root at {@code size}, empty if the log read had fewer entries (or not asked). */
        public java.util.Optional<byte[]> root(long size) {
            byte[] root = roots.get(size);
            return java.util.Optional.ofNullable(root == null ? null : root.clone());
        }

        void offer(long size, MerkleFrontier tree) {
            if (roots.containsKey(size) && roots.get(size) == null) {
                roots.put(size, tree.root());
            }
        }

        boolean wants(long size) {
            return roots.containsKey(size);
        }
    }

    /**
     * A copy of an audit entry in a secondary store (e.g. the Elasticsearch audit index).
     *
     * @param captureTime the capture time the copy states, or null if unknown: a copy ahead of the
     *     log is judged by it (pending while the log has not moved past that time)
     */
    public record IndexedCopy(
            String docId,
            long logIndex,
            byte[] hash,
            byte[] contentHash,
            java.time.Instant captureTime) {

        public IndexedCopy(String docId, long logIndex, byte[] hash, byte[] contentHash) {
            this(docId, logIndex, hash, contentHash, null);
        }

        /** A copy known only by its stored hash (its content is not checked). */
        public IndexedCopy(String docId, long logIndex, byte[] hash) {
            this(docId, logIndex, hash, null, null);
        }
    }

    /** A difference between the log of record and an index copy of it. */
    public record IndexDiscrepancy(
            Kind kind, String docId, long logIndex, String entityId, long seq, String detail) {
        public enum Kind {
            /** a log entry has no copy in the index */
            MISSING_FROM_INDEX,
            /** an index document matches no log entry (or a second copy of one) */
            NOT_IN_LOG,
            /** the copy's hash differs from the log entry's */
            MODIFIED
        }

        /** A {@code kind} discrepancy of the log entry {@code entry} (its copy {@code docId}). */
        public static IndexDiscrepancy ofEntry(
                Kind kind, String docId, AuditEntry entry, String detail) {
            return new IndexDiscrepancy(
                    kind, docId, entry.getLogIndex(), entry.getEntityId(), entry.getSeq(), detail);
        }

        /** The index copy {@code copy}, which matches no log entry ({@link Kind#NOT_IN_LOG}). */
        public static IndexDiscrepancy notInLog(IndexedCopy copy, String detail) {
            return new IndexDiscrepancy(
                    Kind.NOT_IN_LOG, copy.docId(), copy.logIndex(), null, 0, detail);
        }
    }

    /**
     * Compares an index's copies with the log of record by logIndex: a copy's {@code hash} must
     * equal the log entry's stored hash (compute it from the document's content if the document is
     * a full copy). Memory: one map entry per index copy.
     */
    public static List<IndexDiscrepancy> crossCheck(
            Iterable<AuditEntry> log, Iterable<IndexedCopy> indexCopies) {
        List<IndexDiscrepancy> found = new ArrayList<>();
        Map<Long, IndexedCopy> byLogIndex = new HashMap<>();
        for (IndexedCopy copy : indexCopies) {
            IndexedCopy earlier = byLogIndex.putIfAbsent(copy.logIndex(), copy);
            if (earlier != null) {
                found.add(
                        IndexDiscrepancy.notInLog(
                                copy,
                                "second index copy of logIndex "
                                        + copy.logIndex()
                                        + " (first: document "
                                        + earlier.docId()
                                        + ")"));
            }
        }
        for (AuditEntry entry : log) {
            IndexedCopy copy = byLogIndex.remove(entry.getLogIndex());
            if (copy == null) {
                found.add(
                        IndexDiscrepancy.ofEntry(
                                IndexDiscrepancy.Kind.MISSING_FROM_INDEX,
                                null,
                                entry,
                                "no index document for this log entry"));
            } else if (copy.hash() == null || !Hex.equals(entry.getHash(), copy.hash())) {
                found.add(
                        IndexDiscrepancy.ofEntry(
                                IndexDiscrepancy.Kind.MODIFIED,
                                copy.docId(),
                                entry,
                                "index document hash differs from the log entry's"));
            } else if (copy.contentHash() != null
                    && !Hex.equals(entry.getHash(), copy.contentHash())) {
                found.add(
                        IndexDiscrepancy.ofEntry(
                                IndexDiscrepancy.Kind.MODIFIED,
                                copy.docId(),
                                entry,
                                "index document content differs from the log entry (its stored"
                                        + " hash is the entry's, its content does not hash to"
                                        + " it)"));
            }
        }
        byLogIndex.values().stream()
                .sorted(Comparator.comparingLong(IndexedCopy::logIndex))
                .forEach(
                        copy ->
                                found.add(
                                        IndexDiscrepancy.notInLog(
                                                copy,
                                                "no log entry has logIndex " + copy.logIndex())));
        return found;
    }

    /** The last entry seen of one entity's chain, plus what is needed to place later entries. */
    private static final class EntityState {
        long seq;
        final byte[] hash = new byte[EntryHasher.HASH_LENGTH];

        /** the stored hash when it differs from the recomputed one (a MODIFIED entry), else null */
        byte[] storedHash;

        long position;
        long logIndex;

        /** seqs not seen yet below {@code seq}, or null */
        Gaps missing;

        /** a second entry with the same seq (a fork), until the next link tells which is genuine */
        byte[] forkHash;

        long forkPosition;
        long forkLogIndex;
        Problem forkProblem;

        /** false if the last entry could not be encoded: its successor's link is not checked */
        boolean hashKnown;

        boolean linksTo(ByteBuffer prevHash) {
            return !hashKnown
                    || Hex.equals(prevHash, hash)
                    || (storedHash != null && Hex.equals(prevHash, storedHash));
        }

        void take(
                long seq,
                byte[] contentHash,
                boolean hashKnown,
                ByteBuffer stored,
                long position,
                long logIndex) {
            this.seq = seq;
            this.hashKnown = hashKnown;
            System.arraycopy(contentHash, 0, hash, 0, hash.length);
            storedHash =
                    stored != null
                                    && stored.remaining() == EntryHasher.HASH_LENGTH
                                    && !Hex.equals(stored, contentHash)
                            ? Hex.toArray(stored)
                            : null;
            this.position = position;
            this.logIndex = logIndex;
            forkHash = null;
            forkProblem = null;
        }
    }

    /** One verification: all mutable state lives here. */
    private static final class Run {
        private final TreeHeadVerifier signatures;
        private final List<AuditCheckpoint> checkpoints = new ArrayList<>();
        private final List<Problem> entryProblems = new ArrayList<>();
        private final List<Problem> checkpointProblems = new ArrayList<>();
        private final Set<String> problemKeys = new HashSet<>();

        private final EntryHasher hasher = new EntryHasher();
        private MerkleFrontier tree = new MerkleFrontier();

        /** the head the run continues from ({@link VerifiedHead#empty()} for a whole log) */
        private VerifiedHead from = VerifiedHead.empty();

        /** the previous checkpoint in chain order: its seq (0: none), hash and tree size */
        private long prevSeq;

        private byte[] prevHash = HashChain.genesis();
        private long prevTreeSize;

        /** the tree size of the latest checkpoint: the state there is what a clean run returns */
        private long snapshotAt;

        private byte[] snapshotFrontier;
        private Map<String, VerifiedHead.ChainTip> snapshotChains;
        private final byte[] contentHash = new byte[EntryHasher.HASH_LENGTH];

        /** false while checking an entry that could not be encoded (its hash is unknown) */
        private boolean hashKnown;

        private final Map<String, EntityState> entities = new HashMap<>();
        private final Set<String> entitiesWithGaps = new LinkedHashSet<>();

        private long lastInOrder = -1;
        private final Gaps missingLogIndexes = new Gaps();

        /** logIndexes seen ahead of their place -> the REORDERED problem reported for them */
        private final TreeMap<Long, Problem> seenAhead = new TreeMap<>();

        /** logIndexes claimed by a second entry -> the provisional INSERTED problem */
        private final Map<Long, Problem> duplicateLogIndexes = new HashMap<>();

        /** positions of entries out of logIndex order */
        private final Set<Long> displacedPositions = new HashSet<>();

        /** checkpoints by treeSize, and the next one to compare with the tree */
        private List<AuditCheckpoint> bySize;

        private int nextBySize;
        private long lastMatchedSize;
        private long checkpointsMatched;
        private final Set<Long> badCheckpoints = new HashSet<>();

        /** sizes whose roots the caller wants, or null */
        private RootsAt rootsAt;

        Run(TreeHeadVerifier signatures, Iterable<AuditCheckpoint> checkpoints) {
            this.signatures = signatures;
            checkpoints.forEach(this.checkpoints::add);
        }

        /** Continues the chains, the tree and the checkpoint chain from {@code head}. */
        void startFrom(VerifiedHead head) {
            from = head;
            tree = head.tree();
            prevSeq = head.checkpointSeq();
            prevHash = head.checkpointHash().clone();
            prevTreeSize = head.treeSize();
            lastInOrder = head.treeSize() - 1;
            lastMatchedSize = head.treeSize();
            head.chains()
                    .forEach(
                            (entityId, tip) -> {
                                EntityState state = new EntityState();
                                state.seq = tip.seq();
                                System.arraycopy(tip.hash(), 0, state.hash, 0, state.hash.length);
                                state.hashKnown = true;
                                state.position = -1;
                                state.logIndex = -1;
                                entities.put(entityId, state);
                            });
        }

        VerificationReport verify(Iterator<EntryRecord> records) {
            checkCheckpointChain();
            bySize = new ArrayList<>(checkpoints);
            bySize.sort(Comparator.comparingLong(AuditCheckpoint::getTreeSize));
            long start = from.treeSize();
            snapshotAt = checkpoints.isEmpty() ? start : latestCheckpoint().getTreeSize();
            compareCheckpointsAt(start);
            snapshotIfAt(start);
            long position = start;
            EntryRecord current = records.hasNext() ? records.next() : null;
            while (current != null) {
                EntryRecord next = records.hasNext() ? records.next() : null;
                if (current.isMalformed()) {
                    checkMalformed(position++, current.malformed(), next);
                } else {
                    check(position++, current.entry(), next == null ? null : next.entry());
                }
                current = next;
            }
            finish(position);
            List<Problem> all = new ArrayList<>(entryProblems);
            all.sort(Comparator.comparingLong(Problem::position));
            all.addAll(checkpointProblems);
            return new VerificationReport(
                    position - start,
                    checkpoints.size(),
                    checkpointsMatched,
                    tree.root(),
                    all,
                    all.isEmpty() ? head() : null);
        }

        private AuditCheckpoint latestCheckpoint() {
            return checkpoints.get(checkpoints.size() - 1);
        }

        /** The state at the latest checkpoint, if the run reached it (call on a clean run). */
        private VerifiedHead head() {
            if (snapshotFrontier == null) {
                return null;
            }
            if (checkpoints.isEmpty()) {
                return from;
            }
            AuditCheckpoint latest = latestCheckpoint();
            return new VerifiedHead(
                    latest.getCheckpointSeq(),
                    TreeHeadSigner.hashOf(latest),
                    latest.getTreeSize(),
                    Hex.toArray(latest.getMerkleRoot()),
                    snapshotFrontier,
                    snapshotChains);
        }

        /** Keeps the tree and every chain's tip when the tree has reached the latest checkpoint. */
        private void snapshotIfAt(long size) {
            if (size != snapshotAt || snapshotFrontier != null) {
                return;
            }
            snapshotFrontier = tree.toBytes();
            snapshotChains = new HashMap<>(Math.max(16, entities.size() * 4 / 3 + 1));
            entities.forEach(
                    (entityId, state) -> {
                        if (state.hashKnown && state.seq >= 1) {
                            snapshotChains.put(
                                    entityId,
                                    new VerifiedHead.ChainTip(state.seq, state.hash.clone()));
                        }
                    });
        }

        // ---- checkpoints ---------------------------------------------------------------------

        private void checkCheckpointChain() {
            long previousSeq = prevSeq;
            byte[] previousHash = prevHash;
            long previousTreeSize = prevTreeSize;
            for (AuditCheckpoint checkpoint : checkpoints) {
                long seq = checkpoint.getCheckpointSeq();
                switch (signatures.check(checkpoint)) {
                    case VALID:
                        break;
                    case UNKNOWN_KEY:
                        badCheckpoint(
                                ProblemKind.BAD_SIGNATURE,
                                seq,
                                "signed with key "
                                        + checkpoint.getSigningKeyId()
                                        + ", which is not a trusted key");
                        break;
                    case MALFORMED:
                        badCheckpoint(
                                ProblemKind.MALFORMED, seq, "cannot be encoded (version/field)");
                        break;
                    default:
                        badCheckpoint(
                                ProblemKind.BAD_SIGNATURE,
                                seq,
                                "the Ed25519 signature does not match the checkpoint");
                }
                long expectedSeq = previousSeq + 1;
                if (seq != expectedSeq) {
                    badCheckpoint(
                            ProblemKind.CHECKPOINT_CHAIN_BROKEN,
                            seq,
                            "checkpointSeq "
                                    + seq
                                    + " where "
                                    + expectedSeq
                                    + " was expected (checkpoints missing or out of order)");
                } else if (previousHash == null
                        || !Hex.equals(checkpoint.getPrevCheckpointHash(), previousHash)) {
                    badCheckpoint(
                            ProblemKind.CHECKPOINT_CHAIN_BROKEN,
                            seq,
                            "prevCheckpointHash is not the hash of checkpoint " + (seq - 1));
                }
                if (checkpoint.getTreeSize() < previousTreeSize) {
                    badCheckpoint(
                            ProblemKind.CHECKPOINT_CHAIN_BROKEN,
                            seq,
                            "treeSize "
                                    + checkpoint.getTreeSize()
                                    + " is below the previous checkpoint's "
                                    + previousTreeSize);
                }
                previousSeq = seq;
                previousTreeSize = checkpoint.getTreeSize();
                try {
                    previousHash = TreeHeadSigner.hashOf(checkpoint);
                } catch (IllegalArgumentException malformed) {
                    previousHash = null;
                }
            }
        }

        private void badCheckpoint(ProblemKind kind, long checkpointSeq, String detail) {
            badCheckpoints.add(checkpointSeq);
            addCheckpointProblem(Problem.atCheckpoint(kind, checkpointSeq, detail));
        }

        private void compareCheckpointsAt(long size) {
            if (rootsAt != null && rootsAt.wants(size)) {
                rootsAt.offer(size, tree);
            }
            byte[] root = null;
            while (nextBySize < bySize.size() && bySize.get(nextBySize).getTreeSize() == size) {
                AuditCheckpoint checkpoint = bySize.get(nextBySize++);
                if (root == null) {
                    root = tree.root();
                }
                if (Hex.equals(checkpoint.getMerkleRoot(), root)) {
                    lastMatchedSize = size;
                    if (!badCheckpoints.contains(checkpoint.getCheckpointSeq())) {
                        checkpointsMatched++;
                    }
                } else {
                    addCheckpointProblem(
                            Problem.atCheckpoint(
                                    ProblemKind.CHECKPOINT_MISMATCH,
                                    checkpoint.getCheckpointSeq(),
                                    "the Merkle root of the log's first "
                                            + size
                                            + " entries is not the signed root; the difference"
                                            + " lies in log positions "
                                            + lastMatchedSize
                                            + ".."
                                            + (size - 1)));
                }
            }
        }

        // ---- entries -------------------------------------------------------------------------

        private void check(long position, AuditEntry entry, AuditEntry next) {
            Problem.Entry id =
                    new Problem.Entry(entry.getLogIndex(), entry.getEntityId(), entry.getSeq());
            boolean encodable = true;
            try {
                hasher.hashInto(entry, contentHash);
            } catch (IllegalArgumentException malformed) {
                encodable = false;
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.MALFORMED,
                                position,
                                id,
                                "cannot be encoded: " + malformed.getMessage()));
                Arrays.fill(contentHash, (byte) 0);
            }
            if (encodable && !Hex.equals(entry.getHash(), contentHash)) {
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.MODIFIED,
                                position,
                                id,
                                "the content does not hash to the stored hash"));
            }
            tree.appendEntryHash(contentHash);
            compareCheckpointsAt(tree.size());
            checkLogIndex(position, id, next);
            hashKnown = encodable;
            checkChain(position, id, entry);
            snapshotIfAt(tree.size());
        }

        /**
         * A record that is not an entry: MALFORMED at its position. Its hash, logIndex, entity and
         * seq are unknown: its Merkle leaf is {@code SHA-256(00 || 32 zero bytes)}, so a checkpoint
         * covering it mismatches; when the next entry's logIndex is the one after the expected one,
         * the record is taken to hold the expected logIndex (not reported MISSING as well); its
         * chain sees a gap (a MISSING seq may be this entry).
         */
        private void checkMalformed(long position, String why, EntryRecord next) {
            addEntryProblem(
                    new Problem(
                            ProblemKind.MALFORMED,
                            position,
                            -1,
                            null,
                            0,
                            0,
                            "the record is not a strictly encoded audit entry: " + why));
            Arrays.fill(contentHash, (byte) 0);
            tree.appendEntryHash(contentHash);
            compareCheckpointsAt(tree.size());
            if (next != null
                    && !next.isMalformed()
                    && next.entry().getLogIndex() == lastInOrder + 2
                    && !seenAhead.containsKey(lastInOrder + 1)) {
                lastInOrder++;
            }
        }

        private void checkLogIndex(long position, Problem.Entry id, AuditEntry next) {
            long logIndex = id.logIndex();
            long expected = lastInOrder + 1;
            if (logIndex == expected) {
                claimedAgain(logIndex, position);
                lastInOrder = logIndex;
            } else if (logIndex > expected) {
                if (next != null
                        && next.getLogIndex() > lastInOrder
                        && next.getLogIndex() < logIndex) {
                    Problem moved =
                            Problem.atEntry(
                                    ProblemKind.REORDERED,
                                    position,
                                    id,
                                    "logIndex "
                                            + logIndex
                                            + " appears before logIndex "
                                            + next.getLogIndex());
                    if (seenAhead.putIfAbsent(logIndex, moved) == null) {
                        displacedPositions.add(position);
                        addEntryProblem(moved);
                    } else {
                        duplicate(position, id, "an earlier entry");
                    }
                    return;
                }
                claimedAgain(logIndex, position);
                long from = expected;
                for (Long ahead : List.copyOf(seenAhead.subMap(expected, logIndex).keySet())) {
                    missingLogIndexes.add(from, ahead, position);
                    seenAhead.remove(ahead);
                    from = ahead + 1;
                }
                missingLogIndexes.add(from, logIndex, position);
                lastInOrder = logIndex;
            } else if (missingLogIndexes.remove(logIndex) >= 0) {
                displacedPositions.add(position);
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.REORDERED,
                                position,
                                id,
                                "logIndex " + logIndex + " appears after logIndex " + lastInOrder));
            } else {
                duplicate(position, id, "an earlier entry");
            }
        }

        /** An in-order entry whose logIndex an entry seen ahead of its place already claimed. */
        private void claimedAgain(long logIndex, long position) {
            Problem ahead = seenAhead.remove(logIndex);
            if (ahead != null) {
                replaceEntryProblem(
                        ahead,
                        ahead.withKind(
                                ProblemKind.INSERTED,
                                "claims logIndex "
                                        + logIndex
                                        + ", which the entry at position "
                                        + position
                                        + " holds in its place"));
            }
        }

        private void duplicate(long position, Problem.Entry id, String earlier) {
            Problem inserted =
                    Problem.atEntry(
                            ProblemKind.INSERTED,
                            position,
                            id,
                            "logIndex " + id.logIndex() + " is already held by " + earlier);
            duplicateLogIndexes.putIfAbsent(id.logIndex(), inserted);
            addEntryProblem(inserted);
        }

        private void checkChain(long position, Problem.Entry id, AuditEntry entry) {
            String entityId = id.entityId();
            long seq = id.seq();
            long openedAt;
            EntityState state = entities.get(entityId);
            if (state == null) {
                state = new EntityState();
                entities.put(entityId, state);
                if (seq < 1) {
                    addEntryProblem(
                            Problem.atEntry(
                                    ProblemKind.MALFORMED, position, id, "seq must start at 1"));
                    entities.remove(entityId);
                    return;
                }
                if (seq == 1) {
                    if (!Hex.equals(entry.getPrevHash(), HashChain.genesis())) {
                        addEntryProblem(
                                Problem.atEntry(
                                        ProblemKind.BROKEN_LINK,
                                        position,
                                        id,
                                        "the first entry of a chain must have 32 zero bytes as"
                                                + " prevHash"));
                    }
                } else {
                    gap(state, entityId, 1, seq, position);
                }
                state.take(seq, contentHash, hashKnown, entry.getHash(), position, id.logIndex());
                return;
            }
            if (seq == state.seq + 1) {
                if (state.forkHash != null) {
                    resolveFork(state, entry.getPrevHash(), position, id);
                } else if (!state.linksTo(entry.getPrevHash())) {
                    addEntryProblem(
                            Problem.atEntry(
                                    ProblemKind.BROKEN_LINK,
                                    position,
                                    id,
                                    "prevHash is not the hash of seq "
                                            + state.seq
                                            + (state.position < 0
                                                    ? " (at or before the verified head)"
                                                    : " (position " + state.position + ")")));
                }
                state.take(seq, contentHash, hashKnown, entry.getHash(), position, id.logIndex());
            } else if (seq > state.seq + 1) {
                gap(state, entityId, state.seq + 1, seq, position);
                state.take(seq, contentHash, hashKnown, entry.getHash(), position, id.logIndex());
            } else if (state.missing != null && (openedAt = state.missing.remove(seq)) >= 0) {
                if (state.missing.isEmpty()) {
                    state.missing = null;
                    entitiesWithGaps.remove(entityId);
                }
                if (displacedPositions.contains(openedAt)) {
                    // the entry that jumped ahead of this one is already reported as moved
                    return;
                }
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.REORDERED,
                                position,
                                id,
                                "seq " + seq + " appears after seq " + state.seq));
            } else if (seq == state.seq && Arrays.equals(contentHash, state.hash)) {
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.INSERTED,
                                position,
                                id,
                                "a copy of the entry at position " + state.position));
            } else if (seq == state.seq && state.forkHash == null) {
                Problem forked =
                        Problem.atEntry(
                                ProblemKind.FORKED,
                                position,
                                id,
                                "seq "
                                        + seq
                                        + " is also held by a different entry at position "
                                        + state.position);
                addEntryProblem(forked);
                state.forkHash = contentHash.clone();
                state.forkPosition = position;
                state.forkLogIndex = id.logIndex();
                state.forkProblem = forked;
            } else {
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.FORKED,
                                position,
                                id,
                                "seq " + seq + " appears again after seq " + state.seq));
            }
        }

        /**
         * The entry after a fork links to one of the two: the other one does not belong. If it
         * links to neither, the fork stays reported and the link is broken.
         */
        private void resolveFork(
                EntityState state, ByteBuffer prevHash, long position, Problem.Entry id) {
            Problem forked = state.forkProblem;
            if (state.linksTo(prevHash)) {
                // the first entry is genuine: the later one (forkPosition) was inserted
                dropDuplicateClaim(state.forkLogIndex);
                replaceEntryProblem(
                        forked,
                        forked.withKind(
                                ProblemKind.INSERTED,
                                "claims seq "
                                        + forked.seq()
                                        + " held by the entry at position "
                                        + state.position
                                        + ", which the chain continues from"));
            } else if (Hex.equals(prevHash, state.forkHash)) {
                // the chain continues from the later one: the first one was inserted
                Problem inserted =
                        new Problem(
                                ProblemKind.INSERTED,
                                state.position,
                                state.logIndex,
                                forked.entityId(),
                                forked.seq(),
                                0,
                                "claims seq "
                                        + forked.seq()
                                        + " held by the entry at position "
                                        + state.forkPosition
                                        + ", which the chain continues from");
                removeEntryProblem(forked);
                dropDuplicateClaim(state.logIndex);
                addEntryProblem(inserted);
            } else {
                addEntryProblem(
                        Problem.atEntry(
                                ProblemKind.BROKEN_LINK,
                                position,
                                id,
                                "prevHash links to neither of the two entries with seq "
                                        + state.seq));
            }
        }

        /**
         * Once an inserted entry is identified, the provisional INSERTED reported for a second
         * claim on its logIndex is explained (it is either the inserted entry itself or the genuine
         * entry it collided with): drop it.
         */
        private void dropDuplicateClaim(long logIndexOfInserted) {
            Problem provisional = duplicateLogIndexes.remove(logIndexOfInserted);
            if (provisional != null) {
                removeEntryProblem(provisional);
            }
        }

        private void gap(EntityState state, String entityId, long from, long to, long position) {
            if (state.missing == null) {
                state.missing = new Gaps();
            }
            state.missing.add(from, to, position);
            entitiesWithGaps.add(entityId);
        }

        private void finish(long entriesRead) {
            missingLogIndexes.forEach(
                    (from, to, noticedAt) ->
                            addEntryProblem(
                                    new Problem(
                                            ProblemKind.MISSING,
                                            noticedAt,
                                            from,
                                            null,
                                            0,
                                            0,
                                            range("logIndex", from, to)
                                                    + " missing before position "
                                                    + noticedAt)));
            for (String entityId : entitiesWithGaps) {
                EntityState state = entities.get(entityId);
                if (state.missing == null) {
                    continue;
                }
                state.missing.forEach(
                        (from, to, noticedAt) ->
                                addEntryProblem(
                                        new Problem(
                                                ProblemKind.MISSING,
                                                noticedAt,
                                                -1,
                                                entityId,
                                                from,
                                                0,
                                                range("seq", from, to)
                                                        + " of "
                                                        + entityId
                                                        + " missing before position "
                                                        + noticedAt)));
            }
            for (Map.Entry<Long, Problem> ahead : seenAhead.entrySet()) {
                if (ahead.getKey() > lastInOrder) {
                    replaceEntryProblem(
                            ahead.getValue(),
                            ahead.getValue()
                                    .withKind(
                                            ProblemKind.INSERTED,
                                            "logIndex "
                                                    + ahead.getKey()
                                                    + " is beyond the end of the log"));
                }
            }
            // checkpoints the log never reached: a cut tail, or entries missing in the middle
            long lastLogIndex =
                    Math.max(lastInOrder, seenAhead.isEmpty() ? -1 : seenAhead.lastKey());
            AuditCheckpoint latest = null;
            for (int i = nextBySize; i < bySize.size(); i++) {
                AuditCheckpoint checkpoint = bySize.get(i);
                if (checkpoint.getTreeSize() > lastLogIndex + 1) {
                    latest = checkpoint;
                } else {
                    addCheckpointProblem(
                            Problem.atCheckpoint(
                                    ProblemKind.CHECKPOINT_MISMATCH,
                                    checkpoint.getCheckpointSeq(),
                                    "covers "
                                            + checkpoint.getTreeSize()
                                            + " entries but the log holds only "
                                            + entriesRead
                                            + "; the difference lies in log positions "
                                            + lastMatchedSize
                                            + ".."
                                            + (entriesRead - 1)));
                }
            }
            if (latest != null) {
                addCheckpointProblem(
                        Problem.atCheckpoint(
                                ProblemKind.TRUNCATED,
                                latest.getCheckpointSeq(),
                                "the log ends at logIndex "
                                        + lastLogIndex
                                        + " ("
                                        + entriesRead
                                        + " entries) but checkpoint "
                                        + latest.getCheckpointSeq()
                                        + " covers "
                                        + latest.getTreeSize()));
            }
        }

        private static String range(String what, long from, long toExclusive) {
            return toExclusive - from == 1
                    ? what + " " + from
                    : what + " " + from + ".." + (toExclusive - 1);
        }

        private static String key(Problem problem) {
            return problem.kind() + "@" + problem.position() + "/" + problem.seq();
        }

        private void addEntryProblem(Problem problem) {
            if (problemKeys.add(key(problem))) {
                entryProblems.add(problem);
            }
        }

        private void removeEntryProblem(Problem problem) {
            if (entryProblems.remove(problem)) {
                problemKeys.remove(key(problem));
            }
        }

        private void replaceEntryProblem(Problem old, Problem replacement) {
            removeEntryProblem(old);
            addEntryProblem(replacement);
        }

        private void addCheckpointProblem(Problem problem) {
            checkpointProblems.add(problem);
        }
    }
}
