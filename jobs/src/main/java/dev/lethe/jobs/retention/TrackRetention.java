package dev.lethe.jobs.retention;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.retention.PurgeGuard.Verdict;
import dev.lethe.retention.RetentionPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by record ({@code tickets/42}): the purge each record is due for, with a processing-time
 * timer at its deadline. The deadline comes from the data (the rule's {@code since} column, e.g.
 * {@code deleted_at}, plus the window), the timer fires on the wall clock: a deadline that passed
 * while the job was down fires once on recovery (Flink restores processing-time timers and fires
 * those already due).
 *
 * <ul>
 *   <li>a change that makes a purge due (soft delete, close) schedules it;
 *   <li>a change that moves the deadline (deleted again, closed again) reschedules it;
 *   <li>a change that ends it (restore, reopen) or a hard delete cancels it: state and timer gone;
 *   <li>a change committed before the latest one read while the purge is pending (a replayed dead
 *       letter: {@link dev.lethe.jobs.kafka.Replays}) is out of date and ignored ({@code
 *       numStaleChangesIgnored}); with no purge pending it is taken (the guard checks the row at
 *       the deadline, so a purge scheduled from an old change of a restored row does nothing);
 *   <li>at the deadline the executor carries it out, guarded; done or no longer eligible clears the
 *       state, a legal hold, not-due or a failure retries after {@code retryMillis}, a purge held
 *       as adoption backlog after at most {@link #BACKLOG_RECHECK_MS}.
 * </ul>
 *
 * Emits each executor outcome.
 *
 * <p>State per record is a {@link PendingPurge} (rule, start, deadline, timer time: ≈60 bytes, a
 * Flink POJO) under {@value #STATE}; the {@link PurgeCommand} is rebuilt from the record's key and
 * the policy when the timer fires. Versions up to 0.1 kept the whole command (Kryo) under {@value
 * #LEGACY_COMMAND} and the timer time under {@value #LEGACY_TIMER}: a job restored from such a
 * checkpoint or savepoint moves a record to the new state the first time the record is touched (a
 * change or its timer), so no purge is lost or repeated across the upgrade.
 */
public final class TrackRetention extends KeyedProcessFunction<String, ChangeEvent, PurgeOutcome> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrackRetention.class);

    /** The state of a record's pending purge. */
    static final String STATE = "pending-purge";

    /** Up to 0.1: the whole {@link PurgeCommand} (Kryo); read once and moved to {@link #STATE}. */
    static final String LEGACY_COMMAND = "scheduled-purge";

    /** Up to 0.1: the timer's time; read once and moved to {@link #STATE}. */
    static final String LEGACY_TIMER = "purge-timer";

    /**
     * How soon a purge held as adoption backlog is tried again at most: the check is in memory
     * until the executor rereads {@code lethe.adoption}, so an approval takes effect within this.
     */
    static final long BACKLOG_RECHECK_MS = 30_000;

    private final RetentionPolicy policy;
    private final PurgeExecutor.Factory executorFactory;
    private final long retryMillis;

    private transient ValueState<PendingPurge> pending;
    private transient ValueState<PurgeCommand> legacyCommand;
    private transient ValueState<Long> legacyTimer;
    private transient PurgeExecutor executor;
    private transient Counter staleChanges;

    public TrackRetention(
            RetentionPolicy policy, PurgeExecutor.Factory executorFactory, long retryMillis) {
        this.policy = policy;
        this.executorFactory = executorFactory;
        this.retryMillis = retryMillis;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        pending =
                getRuntimeContext().getState(new ValueStateDescriptor<>(STATE, PendingPurge.TYPE));
        legacyCommand =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        LEGACY_COMMAND,
                                        TypeInformation.of(new TypeHint<PurgeCommand>() {})));
        legacyTimer =
                getRuntimeContext().getState(new ValueStateDescriptor<>(LEGACY_TIMER, Long.class));
        staleChanges = getRuntimeContext().getMetricGroup().counter("numStaleChangesIgnored");
        executor = executorFactory.open();
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.close();
        }
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<PurgeOutcome> out)
            throws Exception {
        Long lsn = change.getSource() == null ? null : change.getSource().getLsn();
        PendingPurge current = current();
        if (current != null && current.newerThan(lsn)) {
            // committed before the latest change read for this record (a replayed dead letter):
            // what it says is out of date
            staleChanges.inc();
            return;
        }
        Map<String, String> after = after(change);
        Optional<RetentionPolicy.Due> due =
                change.getOp() == Operation.DELETE || after == null
                        ? Optional.empty()
                        : policy.due(change.getTable(), after);
        if (due.isEmpty()) {
            cancel(ctx);
            return;
        }
        PurgeCommand command =
                PurgeCommand.retention(
                        change.getTable(), change.getKey(), ctx.getCurrentKey(), due.get());
        if (current != null && current.sameAs(command)) {
            if (lsn != null && (current.lsn == null || lsn > current.lsn)) {
                current.lsn = lsn;
                pending.update(current);
            }
            return;
        }
        cancel(ctx);
        PendingPurge next = PendingPurge.of(command);
        next.lsn = lsn;
        schedule(ctx, next, timerFor(command.deadline()));
        executor.scheduled(command);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PurgeOutcome> out)
            throws Exception {
        PendingPurge current = current();
        if (current == null) {
            return;
        }
        long due = timerFor(current.deadline());
        if (ctx.timerService().currentProcessingTime() < due) {
            // a timer set by an earlier version, at the deadline's millisecond rounded down
            schedule(ctx, current, due);
            return;
        }
        String entityId = ctx.getCurrentKey();
        Optional<PurgeCommand> command = current.command(entityId, policy);
        if (command.isEmpty()) {
            // names the rule and the record, never values
            LOG.warn(
                    "the purge of {} was scheduled by rule {}, which the policy no longer has:"
                            + " not carried out",
                    entityId,
                    current.ruleId);
            pending.clear();
            executor.unscheduled(entityId);
            return;
        }
        PurgeOutcome outcome = executor.execute(command.get());
        out.collect(outcome);
        if (outcome.retryLater()) {
            long wait =
                    outcome.verdict() == Verdict.ADOPTION_BACKLOG
                            ? Math.min(retryMillis, BACKLOG_RECHECK_MS)
                            : retryMillis;
            long next = Math.max(ctx.timerService().currentProcessingTime() + wait, due);
            schedule(ctx, current, next);
        } else {
            pending.clear();
            executor.unscheduled(entityId);
        }
    }

    /**
     * When the timer of a deadline fires: its millisecond, rounded up, so a deadline with
     * microseconds (a {@code deleted_at} from PostgreSQL) is never carried out in the millisecond
     * before it (the guard would find it not due and the purge would wait a whole retry).
     */
    static long timerFor(Instant deadline) {
        long millis = deadline.toEpochMilli(); // rounded down
        return deadline.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    /**
     * The record's pending purge; one kept by a version up to 0.1 is moved to the new state first
     * (its timer stays registered as it was).
     */
    private PendingPurge current() throws Exception {
        PendingPurge current = pending.value();
        if (current != null) {
            return current;
        }
        PurgeCommand legacy = legacyCommand.value();
        if (legacy == null) {
            return null;
        }
        Long at = legacyTimer.value();
        legacyCommand.clear();
        legacyTimer.clear();
        if (legacy.ruleId() == null || legacy.start() == null || legacy.deadline() == null) {
            return null;
        }
        PendingPurge moved = PendingPurge.of(legacy);
        moved.timer = at != null ? at : legacy.deadline().toEpochMilli();
        pending.update(moved);
        return moved;
    }

    private void schedule(Context ctx, PendingPurge purge, long at) throws Exception {
        ctx.timerService().registerProcessingTimeTimer(at);
        purge.timer = at;
        pending.update(purge);
    }

    private void cancel(Context ctx) throws Exception {
        PendingPurge current = current();
        if (current == null) {
            return;
        }
        ctx.timerService().deleteProcessingTimeTimer(current.timer);
        pending.clear();
        executor.unscheduled(ctx.getCurrentKey());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> after(ChangeEvent change) {
        return (Map<String, String>) (Map<?, ?>) change.getAfter();
    }
}
