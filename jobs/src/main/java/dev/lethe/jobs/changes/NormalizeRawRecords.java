package dev.lethe.jobs.changes;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.jobs.kafka.Replays;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.DeadLetters;
import dev.lethe.normalize.Normalized;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw Debezium records to {@link ChangeEvent}s (main output), transaction actors ({@link #ACTORS})
 * and dead letters ({@link #DEAD_LETTERS}) for everything the normalizer rejects, with reason and
 * source position. Heartbeats and messages of other prefixes are not changes and are skipped
 * without a dead letter, and so is a table's migration (its {@code lethe.schema} message). A
 * TRUNCATE of a known table is a dead letter ({@code TRUNCATE}) too, or, for discovery, {@link
 * #forwardingTruncates() forwarded} on {@link #TRUNCATED}. A job that records table events (the
 * audit job's {@code NormalizeAndDraftTableEntries}) overrides {@link #truncated} and {@link
 * #migrated}.
 *
 * <p><b>Replays.</b> A dead letter fed back once its cause is fixed ({@link RawRecord#replayed()},
 * {@link Replays}) is taken only if this operator rejected that very record: the same position and
 * the same bytes (a digest of key and value, kept from the rejection). The replay topic is written
 * by Lethe's command line, not by capture, so this is what keeps a change in the log capture's
 * alone; it also makes a replay count once (a recognized replay that normalizes is forgotten, a
 * second copy is refused) and keeps a job started afresh, which reads the raw topics again, from
 * taking replays of records it has read itself. A replay taken is normalized like the record it
 * was, at the record's position; its change also goes to {@link #REPLAYED} as a marked {@link
 * ChangePosition} (older than what its entity's chain has logged since, it is expected late: {@link
 * OrderEntityChanges}). A replay that fails again is a new dead letter whose detail names the one
 * replayed, and stays recognized. A refused replay is counted ({@code numReplaysRefused}) and
 * logged by position.
 *
 * <p>State: the rejections a replay may stand in for, per raw position a 16-byte digest and when
 * (operator state; only for the audit and discovery normalizers, whose dead letters are replayed;
 * only records whose raw value the dead letter keeps). Kept {@link #RECOGNIZED_FOR_MS} (the
 * dead-letter topic's retention and a day), at most {@link #MAX_RECOGNIZED}, the oldest dropped
 * first: the dead letter of a rejection forgotten so is refused when replayed.
 */
public class NormalizeRawRecords extends ProcessFunction<RawRecord, ChangeEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(NormalizeRawRecords.class);

    public static final OutputTag<ActorSeen> ACTORS = new OutputTag<>("actors") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final String job;
    private final ChangeNormalizer normalizer;

    /** Truncates of known tables, when {@link #forwardingTruncates()}: discovery forgets them. */
    public static final OutputTag<TruncatedTable> TRUNCATED = new OutputTag<>("truncated") {};

    private final boolean forwardsTruncates;

    /** The positions of replayed changes, marked ({@link ChangePosition#replayed}). */
    public static final OutputTag<ChangePosition> REPLAYED =
            new OutputTag<>("replayed-positions") {};

    /** How long a rejection can be replayed: the dead letters' retention (7 days) and a day. */
    public static final long RECOGNIZED_FOR_MS = 8L * 24 * 3600 * 1000;

    /** The most rejections remembered (about 100 bytes each). */
    public static final int MAX_RECOGNIZED = 100_000;

    private static final TypeInformation<Tuple3<String, byte[], Long>> REJECTION_TYPE =
            TypeInformation.of(new TypeHint<>() {});

    private final boolean replayable;
    private transient Counter rejected;
    private transient Counter replaysTaken;
    private transient Counter replaysRefused;

    /** Raw position -> (digest of key and value, rejected at), oldest first. */
    private transient LinkedHashMap<String, Tuple3<String, byte[], Long>> rejections;

    private transient ListState<Tuple3<String, byte[], Long>> rejectionsState;

    /**
     * @param job the operator as its dead letters name it ({@code audit/normalize}); the audit,
     *     discovery and retention normalizers' rejections can be replayed ({@link
     *     Replays#takesReplays})
     */
    public NormalizeRawRecords(String job, ChangeNormalizer normalizer) {
        this(job, normalizer, false);
    }

    private NormalizeRawRecords(
            String job, ChangeNormalizer normalizer, boolean forwardsTruncates) {
        this.job = job;
        this.normalizer = normalizer;
        this.forwardsTruncates = forwardsTruncates;
        this.replayable = Replays.takesReplays(job);
    }

    /**
     * This normalizer, sending a TRUNCATE of a known table to {@link #TRUNCATED} instead of the
     * dead letters: for discovery, which removes the table's locations.
     */
    public NormalizeRawRecords forwardingTruncates() {
        return new NormalizeRawRecords(job, normalizer, true);
    }

    /**
     * A committed TRUNCATE of a table the normalizer knows. Here: forwarded on {@link #TRUNCATED}
     * when {@link #forwardingTruncates()}, else a dead letter ({@code TRUNCATE}).
     *
     * @return whether it was taken; {@code false} makes it a dead letter
     */
    protected boolean truncated(Normalized.Truncate truncate, RawRecord raw, Context ctx) {
        if (!forwardsTruncates) {
            return false;
        }
        ctx.output(
                TRUNCATED,
                new TruncatedTable(
                        truncate.table(),
                        truncate.source().getLsn(),
                        raw.topic,
                        raw.partition,
                        raw.offset));
        return true;
    }

    /** A migration of a helpdesk table (its {@code lethe.schema} message). Here: skipped. */
    protected void migrated(Normalized.Migration migration, RawRecord raw, Context ctx) {}

    @Override
    public void open(OpenContext context) {
        rejected = getRuntimeContext().getMetricGroup().counter("numRejected");
        replaysTaken = getRuntimeContext().getMetricGroup().counter("numReplaysTaken");
        replaysRefused = getRuntimeContext().getMetricGroup().counter("numReplaysRefused");
        if (rejections == null) {
            rejections = new LinkedHashMap<>(); // no state: the function driven on its own
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        rejectionsState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("replayable-rejections", REJECTION_TYPE));
        List<Tuple3<String, byte[], Long>> stored = new ArrayList<>();
        rejectionsState.get().forEach(stored::add);
        stored.sort((a, b) -> Long.compare(a.f2, b.f2));
        rejections = new LinkedHashMap<>();
        stored.forEach(t -> rejections.put(t.f0, t));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        rejectionsState.update(new ArrayList<>(rejections.values()));
    }

    @Override
    public final void processElement(RawRecord raw, Context ctx, Collector<ChangeEvent> out) {
        String position = null;
        if (raw.replayed()) {
            position = Replays.position(raw.topic, raw.partition, raw.offset);
            Tuple3<String, byte[], Long> known = rejections.get(position);
            if (known == null || !Arrays.equals(known.f1, digest(raw))) {
                replaysRefused.inc();
                LOG.warn(
                        "replay {} of {} refused: not a record this job rejected (or rejected"
                                + " longer ago than it remembers)",
                        raw.replayOf,
                        position);
                return;
            }
        }
        Normalized n =
                normalizer.normalize(raw.topic, raw.partition, raw.offset, raw.key, raw.value);
        if (n instanceof Normalized.Change change) {
            if (position != null) {
                rejections.remove(position);
                replaysTaken.inc();
                ctx.output(REPLAYED, ChangePosition.replayed(change.event()));
            }
            out.collect(change.event());
        } else if (n instanceof Normalized.ActorMessage actor) {
            ctx.output(
                    ACTORS,
                    new ActorSeen(
                            actor.txId(),
                            actor.lsn(),
                            raw.eventTime(),
                            actor.actor().getType(),
                            actor.actor().getId(),
                            actor.actor().getReason()));
        } else if (n instanceof Normalized.Truncate truncate && truncated(truncate, raw, ctx)) {
            return;
        } else if (n instanceof Normalized.Migration migration) {
            migrated(migration, raw, ctx);
        } else {
            Normalized.Rejected r =
                    n instanceof Normalized.Truncate truncate
                            ? truncate.asRejected()
                            : (Normalized.Rejected) n;
            if (isIgnorable(r, raw)) {
                return;
            }
            reject(r, raw, ctx);
        }
    }

    private void reject(Normalized.Rejected r, RawRecord raw, Context ctx) {
        rejected.inc();
        DeadLetter letter =
                DeadLetters.of(
                        r,
                        job,
                        raw.topic,
                        raw.partition,
                        raw.offset,
                        raw.key,
                        raw.value,
                        Instant.now());
        if (raw.replayed()) {
            letter.setDetail(letter.getDetail() + " (replay of " + raw.replayOf + ")");
        }
        if (replayable && letter.getRawValue() != null) {
            remember(raw, ctx.timerService().currentProcessingTime());
        }
        ctx.output(DEAD_LETTERS, letter);
    }

    /** Notes a rejection its dead letter's replay may stand in for; forgets the oldest. */
    private void remember(RawRecord raw, long now) {
        String position = Replays.position(raw.topic, raw.partition, raw.offset);
        rejections.remove(position); // again: to the end, as the newest
        rejections.put(position, Tuple3.of(position, digest(raw), now));
        Iterator<Tuple3<String, byte[], Long>> oldest = rejections.values().iterator();
        while (oldest.hasNext()) {
            Tuple3<String, byte[], Long> o = oldest.next();
            if (rejections.size() <= MAX_RECOGNIZED && now - o.f2 < RECOGNIZED_FOR_MS) {
                break;
            }
            oldest.remove();
        }
    }

    /** The first 16 bytes of SHA-256 over the key (length-prefixed) and the value. */
    static byte[] digest(RawRecord raw) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(
                    ByteBuffer.allocate(4).putInt(raw.key == null ? -1 : raw.key.length).array());
            if (raw.key != null) {
                sha.update(raw.key);
            }
            if (raw.value != null) {
                sha.update(raw.value);
            }
            return Arrays.copyOf(sha.digest(), 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages with another prefix on the actor topic are someone else's, not errors. */
    private static boolean isIgnorable(Normalized.Rejected r, RawRecord raw) {
        return Normalized.Rejected.NOT_A_CHANGE.equals(r.reason())
                && raw.value != null
                && raw.value.length > 0
                && raw.topic.endsWith(".message");
    }
}
