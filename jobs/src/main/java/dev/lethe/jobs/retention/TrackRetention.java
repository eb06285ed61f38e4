package dev.lethe.jobs.retention;

import dev.lethe.events.ChangeEvent;
import dev.lethe.events.Operation;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeExecutor;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

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
 *   <li>at the deadline the executor carries it out, guarded; done or no longer eligible clears the
 *       state, a legal hold, not-due or a failure retries after {@code retryMillis}.
 * </ul>
 *
 * Emits each executor outcome.
 */
public final class TrackRetention extends KeyedProcessFunction<String, ChangeEvent, PurgeOutcome> {

    private static final long serialVersionUID = 1L;

    private final RetentionPolicy policy;
    private final PurgeExecutor.Factory executorFactory;
    private final long retryMillis;

    private transient ValueState<PurgeCommand> scheduled;
    private transient ValueState<Long> timer;
    private transient PurgeExecutor executor;

    public TrackRetention(
            RetentionPolicy policy, PurgeExecutor.Factory executorFactory, long retryMillis) {
        this.policy = policy;
        this.executorFactory = executorFactory;
        this.retryMillis = retryMillis;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        scheduled =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "scheduled-purge",
                                        TypeInformation.of(new TypeHint<PurgeCommand>() {})));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("purge-timer", Long.class));
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
                        change.getTable(), change.getKey(), EntityId.of(change), due.get());
        PurgeCommand current = scheduled.value();
        if (current != null && current.commandId().equals(command.commandId())) {
            return;
        }
        cancel(ctx);
        scheduled.update(command);
        schedule(ctx, command.deadline().toEpochMilli());
        executor.scheduled(command);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PurgeOutcome> out)
            throws Exception {
        PurgeCommand command = scheduled.value();
        timer.clear();
        if (command == null) {
            return;
        }
        PurgeOutcome outcome = executor.execute(command);
        out.collect(outcome);
        if (outcome.retryLater()) {
            long next =
                    Math.max(
                            ctx.timerService().currentProcessingTime() + retryMillis,
                            command.deadline().toEpochMilli());
            schedule(ctx, next);
        } else {
            scheduled.clear();
            executor.unscheduled(command.entityId());
        }
    }

    private void schedule(Context ctx, long at) throws Exception {
        ctx.timerService().registerProcessingTimeTimer(at);
        timer.update(at);
    }

    private void cancel(Context ctx) throws Exception {
        Long at = timer.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
        }
        timer.clear();
        PurgeCommand current = scheduled.value();
        if (current != null) {
            executor.unscheduled(current.entityId());
        }
        scheduled.clear();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> after(ChangeEvent change) {
        return (Map<String, String>) (Map<?, ?>) change.getAfter();
    }
}
