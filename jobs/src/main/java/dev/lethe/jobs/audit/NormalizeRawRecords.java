package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.kafka.RawRecord;
import dev.lethe.normalize.ChangeNormalizer;
import dev.lethe.normalize.DeadLetters;
import dev.lethe.normalize.Normalized;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw Debezium records to {@link ChangeEvent}s (main output), transaction actors ({@link #ACTORS})
 * and dead letters ({@link #DEAD_LETTERS}) for everything the normalizer rejects, with reason and
 * source position. Heartbeats and messages of other prefixes are not changes and are skipped
 * without a dead letter. A TRUNCATE of a known table is a dead letter ({@code TRUNCATE}) too,
 * unless the operator {@link #recordingTruncates() records them}: then it is an audit entry draft
 * on {@link #TRUNCATES} ({@link SchemaEntries#ofTruncate}).
 */
public final class NormalizeRawRecords extends ProcessFunction<RawRecord, ChangeEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<ActorSeen> ACTORS = new OutputTag<>("actors") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Truncates of known tables as entry drafts, when {@link #recordingTruncates()}. */
    public static final OutputTag<AuditEntry> TRUNCATES =
            new OutputTag<>("truncates", AuditEntryType.TYPE);

    private final String job;
    private final ChangeNormalizer normalizer;
    private final boolean recordsTruncates;
    private transient Counter rejected;

    public NormalizeRawRecords(String job, ChangeNormalizer normalizer) {
        this(job, normalizer, false);
    }

    private NormalizeRawRecords(String job, ChangeNormalizer normalizer, boolean recordsTruncates) {
        this.job = job;
        this.normalizer = normalizer;
        this.recordsTruncates = recordsTruncates;
    }

    /**
     * This normalizer, sending a TRUNCATE of a known table to {@link #TRUNCATES} instead of the
     * dead letters: for the audit job, which logs it.
     */
    public NormalizeRawRecords recordingTruncates() {
        return new NormalizeRawRecords(job, normalizer, true);
    }

    @Override
    public void open(OpenContext context) {
        rejected = getRuntimeContext().getMetricGroup().counter("numRejected");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ChangeEvent> out) {
        Normalized n =
                normalizer.normalize(raw.topic, raw.partition, raw.offset, raw.key, raw.value);
        if (n instanceof Normalized.Change change) {
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
        } else if (n instanceof Normalized.Truncate truncate && recordsTruncates) {
            ctx.output(TRUNCATES, SchemaEntries.ofTruncate(truncate));
        } else {
            Normalized.Rejected r =
                    n instanceof Normalized.Truncate truncate
                            ? truncate.asRejected()
                            : (Normalized.Rejected) n;
            if (isIgnorable(r, raw)) {
                return;
            }
            rejected.inc();
            ctx.output(
                    DEAD_LETTERS,
                    DeadLetters.of(
                            r,
                            job,
                            raw.topic,
                            raw.partition,
                            raw.offset,
                            raw.key,
                            raw.value,
                            Instant.now()));
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
