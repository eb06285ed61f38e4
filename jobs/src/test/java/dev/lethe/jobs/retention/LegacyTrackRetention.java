package dev.lethe.jobs.retention;

import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.purge.PurgeCommand;
import dev.lethe.jobs.purge.PurgeOutcome;
import dev.lethe.normalize.EntityId;
import dev.lethe.retention.RetentionPolicy;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * How {@link TrackRetention} kept its state up to version 0.1 (the whole {@link PurgeCommand},
 * Kryo, under {@code scheduled-purge}; the timer's time under {@code purge-timer}): only the
 * scheduling half, to take checkpoints the current operator must restore from.
 */
final class LegacyTrackRetention extends KeyedProcessFunction<String, ChangeEvent, PurgeOutcome> {

    private static final long serialVersionUID = 1L;

    private final RetentionPolicy policy;

    private transient ValueState<PurgeCommand> scheduled;
    private transient ValueState<Long> timer;

    LegacyTrackRetention(RetentionPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext context) {
        scheduled =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "scheduled-purge",
                                        TypeInformation.of(new TypeHint<PurgeCommand>() {})));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("purge-timer", Long.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processElement(ChangeEvent change, Context ctx, Collector<PurgeOutcome> out)
            throws Exception {
        RetentionPolicy.Due due =
                policy.due(change.getTable(), (Map<String, String>) (Map<?, ?>) change.getAfter())
                        .orElseThrow();
        PurgeCommand command =
                PurgeCommand.retention(
                        change.getTable(), change.getKey(), EntityId.of(change), due);
        scheduled.update(command);
        long at = command.deadline().toEpochMilli();
        ctx.timerService().registerProcessingTimeTimer(at);
        timer.update(at);
    }
}
