package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.audit.CompletenessWatermark;
import dev.lethe.audit.TreeHeadRecord;
import dev.lethe.events.AuditCheckpoint;
import dev.lethe.jobs.LetheJob;
import dev.lethe.jobs.config.JobSettings;
import dev.lethe.jobs.elasticsearch.ElasticsearchConnection;
import dev.lethe.local.AuditTrust;
import dev.lethe.local.BackgroundPriority;
import dev.lethe.local.LetheJobs;
import dev.lethe.local.StackSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The audit monitor the supervisor runs: each new signed tree head is verified as it is published,
 * incrementally from the last one it verified ({@link PinnedHeadVerification}, as {@code ./lethe
 * audit verify --state} does): the log must extend that head (consistency), and the new entries'
 * hashes, chains, Merkle leaves and their index copies are checked. The last verified head is kept
 * in {@code <data-dir>/audit-monitor-head.json}, so a restart continues from it and never re-reads
 * the whole log; the outcome goes to {@code <data-dir>/audit-monitor.json} for {@code ./lethe
 * status}: verified through which tree head, or the finding that needs attention (also a structured
 * log line). It verifies against the pinned keys ({@link AuditTrust}), and at most every {@link
 * #WITNESS_INTERVAL} against the witness, appending the head it verified to it.
 *
 * <p>With each verification the stack's own monitor also runs the incremental completeness check
 * ({@link CompletenessCheck}, its watermark in {@code <data-dir>/audit-monitor-completeness.json}):
 * a change of the raw topics missing from the log past {@link #COMPLETENESS_BOUND}, a doubled one,
 * or a raw topic read back below the watermark is a finding; the check's counters go to {@link
 * #FILE} ({@code status}: {@code monitor.completeness}).
 *
 * <p>On every tick, a new tree head or not, the stack's own monitor also looks at the Kafka
 * transactions open on the log's topics ({@link TransactionsCheck}, {@link HangingTransactions}):
 * one open for longer than {@link #transactionsBound two checkpoint intervals} keeps every {@code
 * read_committed} reader, this monitor among them, from the rest of the log; it is a finding, and
 * what was seen goes to {@link #FILE} ({@code status}: {@code monitor.transactions}).
 */
final class AuditMonitor {

    static final String FILE = "audit-monitor.json";

    /** The last verified tree head, beside {@link #FILE}. */
    static final String HEAD_FILE = "audit-monitor-head.json";

    /** How often the monitor looks for a new tree head. */
    static final Duration TICK = Duration.ofSeconds(5);

    /** The least time between two heads appended to the witness (it keeps one line per head). */
    static final Duration WITNESS_INTERVAL = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the monitor last established.
     *
     * @param checkpointSeq the last verified tree head's sequence number (0: none yet)
     * @param treeSize its tree size
     * @param logIndex the horizon of that verification
     * @param headHash its hash (hex)
     * @param verifiedAt when
     * @param finding the latest verification's first problem, or null when it passed
     * @param findingAt when that finding was made
     * @param verifications verifications run so far (a counter, kept across restarts)
     * @param findings verifications and completeness checks that ended in a finding so far (a
     *     counter)
     * @param completeness the latest incremental completeness check (null: none ran)
     * @param transactions the latest look at the transactions open on the log (null: none ran)
     */
    record State(
            long checkpointSeq,
            long treeSize,
            long logIndex,
            String headHash,
            Instant verifiedAt,
            String finding,
            Instant findingAt,
            long verifications,
            long findings,
            CompletenessSummary completeness,
            TransactionsSummary transactions) {

        State(
                long checkpointSeq,
                long treeSize,
                long logIndex,
                String headHash,
                Instant verifiedAt,
                String finding,
                Instant findingAt,
                long verifications,
                long findings,
                CompletenessSummary completeness) {
            this(
                    checkpointSeq,
                    treeSize,
                    logIndex,
                    headHash,
                    verifiedAt,
                    finding,
                    findingAt,
                    verifications,
                    findings,
                    completeness,
                    null);
        }

        State(
                long checkpointSeq,
                long treeSize,
                long logIndex,
                String headHash,
                Instant verifiedAt,
                String finding,
                Instant findingAt,
                long verifications,
                long findings) {
            this(
                    checkpointSeq,
                    treeSize,
                    logIndex,
                    headHash,
                    verifiedAt,
                    finding,
                    findingAt,
                    verifications,
                    findings,
                    null);
        }

        State(
                long checkpointSeq,
                long treeSize,
                long logIndex,
                String headHash,
                Instant verifiedAt,
                String finding,
                Instant findingAt) {
            this(checkpointSeq, treeSize, logIndex, headHash, verifiedAt, finding, findingAt, 0, 0);
        }

        /** Whether the latest verification or completeness check found a problem. */
        boolean attention() {
            return finding != null;
        }

        /**
         * Whether the monitor needs attention: a finding, completeness not established, or a
         * transaction hanging on the log.
         */
        boolean needsAttention() {
            return attention()
                    || (completeness != null && completeness.attention())
                    || (transactions != null && transactions.attention());
        }

        State withCompleteness(CompletenessSummary c) {
            return new State(
                    checkpointSeq,
                    treeSize,
                    logIndex,
                    headHash,
                    verifiedAt,
                    finding,
                    findingAt,
                    verifications,
                    findings,
                    c,
                    transactions);
        }

        State withTransactions(TransactionsSummary t) {
            return new State(
                    checkpointSeq,
                    treeSize,
                    logIndex,
                    headHash,
                    verifiedAt,
                    finding,
                    findingAt,
                    verifications,
                    findings,
                    completeness,
                    t);
        }

        /** With one more finding, after this one's own (a verification's, in the same tick). */
        State withFinding(String f, Instant at) {
            return new State(
                    checkpointSeq,
                    treeSize,
                    logIndex,
                    headHash,
                    verifiedAt,
                    finding == null ? f : finding + "; " + f,
                    at,
                    verifications,
                    findings + 1,
                    completeness,
                    transactions);
        }

        String summary() {
            String verified =
                    checkpointSeq == 0
                            ? "nothing verified yet"
                            : "verified through tree head "
                                    + checkpointSeq
                                    + " (logIndex "
                                    + logIndex
                                    + ") at "
                                    + verifiedAt;
            return finding == null ? verified : finding + " (" + verified + ")";
        }
    }

    /**
     * The monitor's latest incremental completeness check ({@link CompletenessCheck}), with the
     * watermark's counters.
     *
     * @param checkedThrough the log's logIndex checked through (-1: nothing yet)
     * @param checked raw changes whose entry was found, over all runs
     * @param pending raw changes still waiting for their entry
     * @param oldestPending when a run first saw the oldest of them (null: none)
     * @param gaps changes reported missing, over all runs
     * @param openGaps of those, the ones whose entry has still not come
     * @param doubles entries of a change already logged, over all runs
     * @param late entries that came after their gap was reported
     * @param problems raw topics or the log read back below the watermark, over all runs
     * @param runs checks run
     * @param at when the latest one ran
     * @param acknowledged the findings someone has taken on ({@link CompletenessAcknowledgement}),
     *     or null
     */
    record CompletenessSummary(
            long checkedThrough,
            long checked,
            long pending,
            Instant oldestPending,
            long gaps,
            long openGaps,
            long doubles,
            long late,
            long problems,
            long runs,
            Instant at,
            CompletenessAcknowledgement acknowledged) {

        static CompletenessSummary of(
                CompletenessWatermark.Run run, CompletenessWatermark w, Instant at) {
            return new CompletenessSummary(
                    run.logIndex(),
                    w.checkedTotal(),
                    run.pending(),
                    run.oldestPending(),
                    w.gapsTotal(),
                    w.openGaps().size(),
                    w.doublesTotal(),
                    w.lateTotal(),
                    w.problemsTotal(),
                    w.runs(),
                    at,
                    null);
        }

        /**
         * A gap still open, or ever a double or a read-back — beyond what was acknowledged: a gap,
         * double or read-back after the acknowledgement needs attention again.
         */
        boolean attention() {
            long ackGaps = acknowledged == null ? 0 : acknowledged.gaps();
            long ackDoubles = acknowledged == null ? 0 : acknowledged.doubles();
            long ackProblems = acknowledged == null ? 0 : acknowledged.problems();
            return (openGaps > 0 && gaps > ackGaps)
                    || doubles > ackDoubles
                    || problems > ackProblems;
        }

        /** A gap open, or a double or a read-back ever, acknowledged or not. */
        private boolean anyFinding() {
            return openGaps > 0 || doubles > 0 || problems > 0;
        }

        /** This summary with {@code ack} taken into account (null: none). */
        CompletenessSummary acknowledging(CompletenessAcknowledgement ack) {
            return new CompletenessSummary(
                    checkedThrough,
                    checked,
                    pending,
                    oldestPending,
                    gaps,
                    openGaps,
                    doubles,
                    late,
                    problems,
                    runs,
                    at,
                    ack);
        }

        String summary() {
            String base =
                    checked
                            + " changes checked through logIndex "
                            + checkedThrough
                            + ", "
                            + pending
                            + " pending"
                            + (oldestPending == null ? "" : " (since " + oldestPending + ")");
            String taken =
                    acknowledged == null
                            ? ""
                            : "; acknowledged at "
                                    + acknowledged.at()
                                    + ": "
                                    + acknowledged.gaps()
                                    + " missing, "
                                    + acknowledged.doubles()
                                    + " doubled, "
                                    + acknowledged.problems()
                                    + " read back";
            if (!attention()) {
                return (anyFinding() ? "acknowledged: " : "complete: ")
                        + base
                        + " at "
                        + at
                        + taken;
            }
            return openGaps
                    + " missing, "
                    + doubles
                    + " doubled, "
                    + problems
                    + " read back ("
                    + base
                    + ", at "
                    + at
                    + taken
                    + ")";
        }

        ObjectNode json() {
            ObjectNode n = JSON.createObjectNode();
            n.put("health", attention() ? "attention" : "healthy");
            n.put("checkedThrough", checkedThrough);
            n.put("checked", checked);
            n.put("pending", pending);
            n.put("oldestPending", oldestPending == null ? null : oldestPending.toString());
            n.put("gaps", gaps);
            n.put("openGaps", openGaps);
            n.put("doubles", doubles);
            n.put("late", late);
            n.put("problems", problems);
            n.put("runs", runs);
            n.put("at", at == null ? null : at.toString());
            if (acknowledged != null) {
                n.set("acknowledged", acknowledged.json());
            }
            n.put("detail", summary());
            return n;
        }

        static CompletenessSummary fromJson(com.fasterxml.jackson.databind.JsonNode n) {
            return new CompletenessSummary(
                    n.path("checkedThrough").asLong(-1),
                    n.path("checked").asLong(),
                    n.path("pending").asLong(),
                    n.hasNonNull("oldestPending")
                            ? Instant.parse(n.path("oldestPending").asText())
                            : null,
                    n.path("gaps").asLong(),
                    n.path("openGaps").asLong(),
                    n.path("doubles").asLong(),
                    n.path("late").asLong(),
                    n.path("problems").asLong(),
                    n.path("runs").asLong(),
                    n.hasNonNull("at") ? Instant.parse(n.path("at").asText()) : null,
                    null);
        }
    }

    /**
     * The monitor's latest look at the transactions open on the log ({@link TransactionsCheck},
     * {@link HangingTransactions}).
     *
     * @param open transactions open on a partition of the log (one per transaction and partition)
     * @param hanging of those, the ones open for longer than {@code bound}, oldest first
     * @param bound how long a transaction may stay open before it is hanging
     * @param at when the look was taken
     */
    record TransactionsSummary(
            long open, List<HangingTransactions.Hanging> hanging, Duration bound, Instant at) {

        TransactionsSummary {
            hanging = List.copyOf(hanging);
        }

        static TransactionsSummary of(HangingTransactions.Report r, Duration bound, Instant at) {
            return new TransactionsSummary(r.open(), r.hanging(), bound, at);
        }

        /** While a transaction hangs on the log. */
        boolean attention() {
            return !hanging.isEmpty();
        }

        /** The hanging transactions not already hanging in {@code before} (null: none were). */
        List<HangingTransactions.Hanging> newSince(TransactionsSummary before) {
            Set<String> known = new HashSet<>();
            if (before != null) {
                before.hanging().forEach(h -> known.add(h.key()));
            }
            return hanging.stream().filter(h -> !known.contains(h.key())).toList();
        }

        String summary() {
            String base =
                    open
                            + " open, bound "
                            + bound.toSeconds()
                            + " s"
                            + (at == null ? "" : ", at " + at);
            if (!attention()) {
                return "none hanging (" + base + ")";
            }
            return hanging.size()
                    + " hanging, first "
                    + hanging.get(0).describe(at)
                    + " ("
                    + base
                    + ")";
        }

        ObjectNode json() {
            ObjectNode n = JSON.createObjectNode();
            n.put("health", attention() ? "attention" : "healthy");
            n.put("open", open);
            ArrayNode list = n.putArray("hanging");
            for (HangingTransactions.Hanging h : hanging) {
                ObjectNode x = list.addObject();
                x.put("topic", h.partition().topic());
                x.put("partition", h.partition().partition());
                x.put("startOffset", h.startOffset());
                x.put("producerId", h.producerId());
                x.put("producerEpoch", h.producerEpoch());
                x.put("transactionalId", h.transactionalId());
                x.put("since", h.since().toString());
                x.put("ageSeconds", at == null ? null : h.ageSeconds(at));
                x.put("coordinatorKnows", h.coordinatorKnows());
            }
            n.put("boundSeconds", bound.toSeconds());
            n.put("at", at == null ? null : at.toString());
            n.put("detail", summary());
            return n;
        }

        static TransactionsSummary fromJson(JsonNode n) {
            List<HangingTransactions.Hanging> hanging = new ArrayList<>();
            for (JsonNode x : n.path("hanging")) {
                hanging.add(
                        new HangingTransactions.Hanging(
                                new TopicPartition(
                                        x.path("topic").asText(), x.path("partition").asInt()),
                                x.path("startOffset").asLong(-1),
                                x.path("producerId").asLong(),
                                x.path("producerEpoch").asInt(),
                                x.path("transactionalId").asText(null),
                                Instant.parse(x.path("since").asText()),
                                x.path("coordinatorKnows").asBoolean()));
            }
            return new TransactionsSummary(
                    n.path("open").asLong(),
                    hanging,
                    Duration.ofSeconds(n.path("boundSeconds").asLong()),
                    n.hasNonNull("at") ? Instant.parse(n.path("at").asText()) : null);
        }
    }

    /** The watermark of completeness, beside {@link #FILE}. */
    static final String COMPLETENESS_FILE = "audit-monitor-completeness.json";

    /**
     * How long a raw change may wait for its entry, from the check that first saw it, once the log
     * has moved past it (the audit job commits every 10 s; an entry can wait in the job for an
     * earlier one of its entity).
     */
    static final Duration COMPLETENESS_BOUND = Duration.ofMinutes(2);

    /**
     * The least time a transaction may stay open on the log before it is reported as hanging,
     * whatever the checkpoint interval: a checkpoint slowed by back pressure keeps its transaction
     * open longer than two intervals, and an alarm at each slow checkpoint would teach operators to
     * ignore it.
     */
    static final Duration TRANSACTIONS_BOUND_FLOOR = Duration.ofMinutes(1);

    private final StackSettings settings;
    private final Path file;
    private final AuditTopics topics;
    private final String index;
    private Path witness;
    private Duration witnessInterval = WITNESS_INTERVAL;
    private Instant lastWitnessed = Instant.EPOCH;
    private CompletenessCheck completeness;
    private Duration completenessBound = COMPLETENESS_BOUND;
    private TransactionsCheck transactions;
    private Duration transactionsBound;
    private String transactionsSkipped;

    AuditMonitor(StackSettings settings) {
        this(
                settings,
                new AuditTopics(),
                JobSettings.DEFAULT_AUDIT_INDEX,
                settings.dataDir().resolve(FILE));
        this.completeness = new CompletenessCheck(settings.kafkaClient(), topics.entries);
        this.transactions =
                new TransactionsCheck(
                        settings.kafkaClient(), List.of(topics.entries, topics.checkpoints));
        this.transactionsBound = transactionsBound(auditCheckpointInterval(settings));
    }

    /**
     * How long a transaction may stay open on the log before it is hanging: two checkpoint
     * intervals of the audit job (Flink's Kafka sink opens a transaction at one checkpoint and
     * commits it when the next one completes), at least {@link #TRANSACTIONS_BOUND_FLOOR}.
     */
    static Duration transactionsBound(Duration checkpointInterval) {
        Duration two = checkpointInterval.multipliedBy(2);
        return two.compareTo(TRANSACTIONS_BOUND_FLOOR) < 0 ? TRANSACTIONS_BOUND_FLOOR : two;
    }

    /** The audit job's checkpoint interval as the stack submits it ({@link LetheJobs}). */
    static Duration auditCheckpointInterval(StackSettings settings) {
        try {
            return new LetheJobs(settings, new PrintStream(OutputStream.nullOutputStream()))
                    .jobSettings(LetheJob.AUDIT.jobName())
                    .checkpointInterval();
        } catch (RuntimeException e) {
            return JobSettings.CHECKPOINT_INTERVAL.defaultParsed();
        }
    }

    /**
     * A monitor of the log in {@code topics} with its copy in {@code index}, state in {@code file}.
     */
    AuditMonitor(StackSettings settings, AuditTopics topics, String index, Path file) {
        this.settings = settings;
        this.file = file;
        this.topics = topics;
        this.index = index;
        this.witness = AuditTrust.witness(settings, topics.checkpoints);
    }

    /** Checks against, and records in, this witness file instead of the configured one. */
    AuditMonitor withWitness(Path file) {
        this.witness = file;
        return this;
    }

    Path stateFile() {
        return file;
    }

    /**
     * Also runs this completeness check with each verification (the stack's own monitor checks its
     * raw topics; a monitor of another log checks none).
     */
    AuditMonitor withCompleteness(CompletenessCheck check, Duration bound) {
        this.completeness = check;
        this.completenessBound = bound;
        return this;
    }

    /**
     * Also looks at the transactions open on the log each tick, reporting those open for longer
     * than {@code bound} (the stack's own monitor looks at its log's; a monitor of another log at
     * none).
     */
    AuditMonitor withTransactions(TransactionsCheck check, Duration bound) {
        this.transactions = check;
        this.transactionsBound = bound;
        return this;
    }

    /** The watermark of completeness ({@link CompletenessWatermark}) next to the status file. */
    Path completenessFile() {
        return file.resolveSibling(COMPLETENESS_FILE);
    }

    /**
     * The last verified tree head ({@link VerifierState}) next to the status file: each tick
     * verifies only what the log holds after it, and a restart continues from it.
     */
    Path headFile() {
        return file.resolveSibling(HEAD_FILE);
    }

    /**
     * The log's latest signed tree head, read from the kept head's record on (else all); empty when
     * the log has none, or when the checkpoints topic no longer holds the kept head (the
     * verification from it then says so).
     */
    private static Optional<AuditCheckpoint> latestHead(
            AuditLogSource source, Optional<VerifierState> kept) {
        long from =
                kept.map(k -> k.head().checkpointSeq() > 0 ? k.checkpointOffset() : 0L).orElse(0L);
        if (from > 0 && !source.checkpointsSpan().holds(from)) {
            return Optional.empty();
        }
        return source.checkpointRecordsFrom(from).stream()
                .map(AuditLogSource.Positioned::value)
                .filter(c -> !c.isMalformed())
                .map(TreeHeadRecord::checkpoint)
                .reduce((a, b) -> b);
    }

    /** Whether the checkpoints topic no longer holds the head {@code kept} was verified through. */
    private static boolean rolledBack(AuditLogSource source, Optional<VerifierState> kept) {
        return kept.isPresent()
                && kept.get().head().checkpointSeq() > 0
                && !source.checkpointsSpan().holds(kept.get().checkpointOffset());
    }

    /** Checks the witness on every verification (tests). */
    AuditMonitor everyTick() {
        this.witnessInterval = Duration.ZERO;
        return this;
    }

    /**
     * Runs the monitor on a daemon thread, ticking every {@link #TICK}, logging to {@code out}; the
     * thread (and those it starts) at {@link BackgroundPriority#NICE}: on a busy machine the
     * monitor lags behind the pipeline rather than slowing it.
     */
    static Thread start(StackSettings settings, java.io.PrintStream out) {
        AuditMonitor monitor = new AuditMonitor(settings);
        Thread t =
                new Thread(
                        () -> {
                            // a re-verification that may lag: the pipeline gets the CPU first
                            BackgroundPriority.lowerCurrentThread()
                                    .ifPresent(
                                            why ->
                                                    out.println(
                                                            Instant.now()
                                                                    + " audit-monitor runs at"
                                                                    + " normal priority: "
                                                                    + why));
                            while (!Thread.currentThread().isInterrupted()) {
                                monitor.tick()
                                        .ifPresent(
                                                l ->
                                                        l.lines()
                                                                .forEach(
                                                                        x ->
                                                                                out.println(
                                                                                        Instant
                                                                                                        .now()
                                                                                                + " "
                                                                                                + x)));
                                try {
                                    Thread.sleep(TICK.toMillis());
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "audit-monitor");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The monitor's state kept in {@code dataDir}, its completeness with the acknowledgement kept
     * there ({@link CompletenessAcknowledgement}).
     */
    static Optional<State> read(Path dataDir) {
        return readFile(dataDir.resolve(FILE))
                .map(
                        s ->
                                s.completeness() == null
                                        ? s
                                        : s.withCompleteness(
                                                s.completeness()
                                                        .acknowledging(
                                                                CompletenessAcknowledgement.read(
                                                                                dataDir)
                                                                        .orElse(null))));
    }

    static Optional<State> readFile(Path f) {
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            var n = JSON.readTree(f.toFile());
            return Optional.of(
                    new State(
                            n.path("checkpointSeq").asLong(),
                            n.path("treeSize").asLong(),
                            n.path("logIndex").asLong(),
                            n.path("headHash").asText(null),
                            n.hasNonNull("verifiedAt")
                                    ? Instant.parse(n.path("verifiedAt").asText())
                                    : null,
                            n.path("finding").asText(null),
                            n.hasNonNull("findingAt")
                                    ? Instant.parse(n.path("findingAt").asText())
                                    : null,
                            n.path("verifications").asLong(),
                            n.path("findings").asLong(),
                            n.path("completeness").isObject()
                                    ? CompletenessSummary.fromJson(n.path("completeness"))
                                    : null,
                            n.path("transactions").isObject()
                                    ? TransactionsSummary.fromJson(n.path("transactions"))
                                    : null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Verifies if a tree head newer than the last verified one is published (or the last
     * verification found a problem), then looks at the transactions open on the log; the lines to
     * log, if any. The transactions are looked at on every tick, a new tree head or not: a hanging
     * one keeps new heads from readers.
     */
    Optional<String> tick() {
        Optional<String> verified = verify();
        if (transactions == null) {
            return verified;
        }
        Optional<String> looked = checkTransactions(transactions);
        if (verified.isEmpty() || looked.isEmpty()) {
            return verified.isPresent() ? verified : looked;
        }
        return Optional.of(verified.get() + "\n" + looked.get());
    }

    /**
     * Verifies if a tree head newer than the last verified one is published (or the last
     * verification found a problem); the line to log, if it did.
     */
    private Optional<String> verify() {
        Optional<State> previous = readFile(file);
        try {
            Optional<VerifierState> kept = VerifierState.read(headFile());
            AuditLogSource source = topics.source(settings);
            boolean rolledBack = rolledBack(source, kept);
            Optional<AuditCheckpoint> latest = latestHead(source, kept);
            if (latest.isEmpty() && !rolledBack) {
                return Optional.empty();
            }
            String hash = latest.map(AuditVerification::hashOf).orElse(null);
            if (!rolledBack
                    && previous.isPresent()
                    && hash.equals(previous.get().headHash())
                    && !previous.get().attention()) {
                return Optional.empty();
            }
            boolean witnessing =
                    Duration.between(lastWitnessed, Instant.now()).compareTo(witnessInterval) >= 0;
            PinnedHeadVerification.Outcome outcome;
            try (ElasticsearchConnection.Clients es =
                    new ElasticsearchConnection(
                                    settings.elasticsearchUrl(), settings.elasticsearchUser())
                            .open(settings.elasticsearchPassword().orElse(null))) {
                outcome =
                        AuditVerifyCommand.incremental(
                                settings,
                                topics,
                                kept,
                                null,
                                Duration.ofSeconds(30),
                                new AuditIndexCopies(es.client(), index),
                                witnessing ? witness : null);
            }
            if (witnessing && outcome.result().ok()) {
                lastWitnessed = Instant.now();
            }
            AuditVerification.Result result = outcome.result();
            if (outcome.next() != null) {
                outcome.next().write(headFile());
                latest = result.latest();
                hash = latest.map(AuditVerification::hashOf).orElse(hash);
            }
            State p = previous.orElse(new State(0, 0, -1, null, null, null, null));
            State state;
            if (result.ok()) {
                state =
                        new State(
                                latest.get().getCheckpointSeq(),
                                latest.get().getTreeSize(),
                                result.horizon() == null ? -1 : result.horizon().logIndex(),
                                hash,
                                Instant.now(),
                                null,
                                null,
                                p.verifications() + 1,
                                p.findings(),
                                p.completeness(),
                                p.transactions());
            } else {
                String finding = firstProblem(result);
                state =
                        new State(
                                p.checkpointSeq(),
                                p.treeSize(),
                                p.logIndex(),
                                p.headHash(),
                                p.verifiedAt(),
                                finding,
                                Instant.now(),
                                p.verifications() + 1,
                                p.findings() + 1,
                                p.completeness(),
                                p.transactions());
            }
            StringBuilder lines = new StringBuilder(line(state));
            if (completeness != null) {
                state = checkCompleteness(state, completeness, lines);
            }
            write(state);
            return Optional.of(lines.toString());
        } catch (Exception e) {
            // the log or the index unreachable (a component restarting): tried again next tick
            String reason =
                    e instanceof IllegalArgumentException
                            ? e.getMessage()
                            : e.getClass().getSimpleName();
            return Optional.of(
                    "audit-monitor {\"event\":\"skipped\",\"reason\":"
                            + JSON.valueToTree(reason)
                            + "}");
        }
    }

    /**
     * Runs the incremental completeness check from the watermark in {@link #completenessFile()} and
     * saves it: the state with the check's summary, and a finding when it found a gap, a double or
     * a read-back; its log line is appended to {@code lines}.
     */
    State checkCompleteness(State s, CompletenessCheck check, StringBuilder lines) {
        try {
            CompletenessWatermark w =
                    CompletenessCheck.read(completenessFile(), topics.entries)
                            .orElseGet(CompletenessWatermark::new);
            Instant now = Instant.now();
            CompletenessWatermark.Run run = check.run(w, completenessBound, now);
            CompletenessCheck.write(completenessFile(), w, topics.entries);
            CompletenessSummary c = CompletenessSummary.of(run, w, now);
            State next = s.withCompleteness(c);
            ObjectNode n = JSON.createObjectNode();
            n.put("event", run.complete() ? "completeness" : "completeness-finding");
            n.put("checkedThrough", run.logIndex());
            n.put("checked", run.checked());
            n.put("pending", run.pending());
            n.put("gaps", run.gaps().size());
            n.put("doubles", run.doubles().size());
            n.put("problems", run.problems().size());
            if (!run.complete()) {
                String finding = "completeness: " + completenessFinding(run);
                n.put("finding", finding);
                next = next.withFinding(finding, now);
            }
            lines.append('\n').append("audit-monitor ").append(n);
            return next;
        } catch (Exception e) {
            // Kafka unreachable (a component restarting): tried again with the next verification
            String reason =
                    e instanceof IllegalArgumentException || e instanceof IOException
                            ? e.getMessage()
                            : e.getClass().getSimpleName();
            lines.append('\n')
                    .append("audit-monitor {\"event\":\"completeness-skipped\",\"reason\":")
                    .append(JSON.getNodeFactory().textNode(reason).toString())
                    .append('}');
            return s;
        }
    }

    /**
     * Looks at the transactions open on the log and saves what it saw in the state file: a
     * transaction hanging that was not at the last look is a finding (counted once), with a log
     * line; so is the end of the last one hanging. A look that fails (Kafka unreachable) keeps the
     * last one and is logged when its reason changes.
     */
    Optional<String> checkTransactions(TransactionsCheck check) {
        Instant now = Instant.now();
        HangingTransactions.Report report;
        try {
            report = check.run(transactionsBound, now);
        } catch (Exception e) {
            // Kafka's messages name brokers, topics and ids, never a record
            String reason =
                    e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage());
            if (reason.equals(transactionsSkipped)) {
                return Optional.empty();
            }
            transactionsSkipped = reason;
            return Optional.of(
                    "audit-monitor {\"event\":\"transactions-skipped\",\"reason\":"
                            + JSON.getNodeFactory().textNode(reason)
                            + "}");
        }
        transactionsSkipped = null;
        State s = readFile(file).orElse(new State(0, 0, -1, null, null, null, null));
        TransactionsSummary before = s.transactions();
        TransactionsSummary t = TransactionsSummary.of(report, transactionsBound, now);
        List<HangingTransactions.Hanging> fresh = t.newSince(before);
        State next = s.withTransactions(t);
        ObjectNode n = JSON.createObjectNode();
        if (!fresh.isEmpty()) {
            String finding = "transactions: " + transactionsFinding(fresh, now);
            next = next.withFinding(finding, now);
            n.put("event", "transaction-hanging");
            n.put("hanging", t.hanging().size());
            n.put("open", t.open());
            n.put("finding", finding);
        } else if (before != null && before.attention() && !t.attention()) {
            n.put("event", "transactions-ended");
            n.put("open", t.open());
        }
        try {
            write(next);
        } catch (IOException e) {
            return Optional.of(
                    "audit-monitor {\"event\":\"transactions-skipped\",\"reason\":"
                            + JSON.getNodeFactory().textNode(String.valueOf(e.getMessage()))
                            + "}");
        }
        return n.isEmpty() ? Optional.empty() : Optional.of("audit-monitor " + n);
    }

    /** The first hanging transaction, with how many there are. */
    static String transactionsFinding(List<HangingTransactions.Hanging> hanging, Instant now) {
        return hanging.size()
                + " hanging on the log, readers held at its start: first "
                + hanging.get(0).describe(now);
    }

    /** The first gap, double or read-back of a run, with how many there are. */
    static String completenessFinding(CompletenessWatermark.Run run) {
        if (!run.gaps().isEmpty()) {
            return run.gaps().size() + " missing, first " + run.gaps().get(0).change().describe();
        }
        if (!run.doubles().isEmpty()) {
            var d = run.doubles().get(0);
            return run.doubles().size()
                    + " doubled, first "
                    + d.entityId()
                    + " at LSN "
                    + d.lsn()
                    + " (log indexes "
                    + d.logIndexes()
                    + ")";
        }
        return run.problems().size() + " read back: " + run.problems().get(0);
    }

    private static String firstProblem(AuditVerification.Result r) {
        if (!r.report().problems().isEmpty()) {
            return "log: " + r.report().problems().get(0);
        }
        if (r.witness() != null && !r.witness().check().ok()) {
            return "witness: " + r.witness().check().detail();
        }
        if (r.index() != null && !r.index().isEmpty()) {
            return "index: " + AuditVerification.describe(r.index().get(0));
        }
        return "FAILED: " + r.text().lines().findFirst().orElse("");
    }

    /** One structured line: {@code audit-monitor {"event":"verified",...}}. */
    private static String line(State s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", s.attention() ? "finding" : "verified");
        n.put("checkpointSeq", s.checkpointSeq());
        n.put("logIndex", s.logIndex());
        if (s.attention()) {
            n.put("finding", s.finding());
        }
        return "audit-monitor " + n;
    }

    /** Writes the monitor's state file atomically. */
    void write(State s) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("checkpointSeq", s.checkpointSeq());
        n.put("treeSize", s.treeSize());
        n.put("logIndex", s.logIndex());
        n.put("headHash", s.headHash());
        n.put("verifiedAt", s.verifiedAt() == null ? null : s.verifiedAt().toString());
        n.put("finding", s.finding());
        n.put("findingAt", s.findingAt() == null ? null : s.findingAt().toString());
        n.put("verifications", s.verifications());
        n.put("findings", s.findings());
        if (s.completeness() != null) {
            n.set("completeness", s.completeness().json());
        }
        if (s.transactions() != null) {
            n.set("transactions", s.transactions().json());
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
