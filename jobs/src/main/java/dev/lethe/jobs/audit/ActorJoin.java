package dev.lethe.jobs.audit;

import dev.lethe.events.AuditActor;
import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.changes.ActorSeen;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each change the actor of its transaction. Keyed by transaction id; input 1: entry drafts,
 * input 2: the transactions' {@code lethe.actor} messages (other topic, so either may come first).
 *
 * <ul>
 *   <li>A change whose actor is known leaves at once, with it.
 *   <li>Otherwise it waits (in state: drafts hold personal values encrypted only) until the actor
 *       arrives, or until event time reaches its commit time. Then the actor topic has delivered
 *       everything committed up to then (watermarks are per partition, each topic in commit order):
 *       a transaction without actor message had none, and its changes leave with actor {@code
 *       unknown}.
 *   <li>The actor is kept {@code actorRetentionMs} of event time past the commit, for late changes,
 *       then cleared with everything else of the transaction.
 * </ul>
 *
 * A change without transaction id (key {@link #NO_TRANSACTION}) leaves at once with actor unknown.
 * The order of changes across transactions may change here; the chain restores each entity's order.
 */
public final class ActorJoin
        extends KeyedCoProcessFunction<Long, AuditEntry, ActorSeen, AuditEntry> {

    /**
     * The actor type of the helpdesk-side trigger's fallback message (the database role): any other
     * actor of the same transaction is the writer's own and is kept instead.
     */
    static final String DATABASE_FALLBACK = "database";

    private static final long serialVersionUID = 1L;

    /** The key of changes that have no transaction id. */
    public static final long NO_TRANSACTION = -1L;

    private final long actorRetentionMs;
    private transient ValueState<AuditActor> actor;
    private transient ListState<AuditEntry> waiting;
    private transient ValueState<Long> commitTime;
    private transient Counter unknownActors;

    public ActorJoin(long actorRetentionMs) {
        this.actorRetentionMs = actorRetentionMs;
    }

    /** The key of a draft: its transaction id, or {@link #NO_TRANSACTION}. */
    public static long transactionOf(AuditEntry entry) {
        return entry.getTxId() == null ? NO_TRANSACTION : entry.getTxId();
    }

    @Override
    public void open(OpenContext context) {
        actor = getRuntimeContext().getState(new ValueStateDescriptor<>("actor", AuditActor.class));
        waiting =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("waiting", AuditEntry.class));
        commitTime =
                getRuntimeContext().getState(new ValueStateDescriptor<>("commitTime", Long.class));
        unknownActors = getRuntimeContext().getMetricGroup().counter("numUnknownActors");
    }

    @Override
    public void processElement1(AuditEntry entry, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        if (ctx.getCurrentKey() == NO_TRANSACTION) {
            unknownActors.inc();
            out.collect(entry);
            return;
        }
        AuditActor known = actor.value();
        if (known != null) {
            entry.setActor(copy(known));
            out.collect(entry);
            return;
        }
        long commit = entry.getCommitTime().toEpochMilli();
        if (commit <= ctx.timerService().currentWatermark()) {
            // late: event time passed its commit already; a timer set now would fire only at the
            // next watermark, which a quiet helpdesk may not bring for a while
            unknownActors.inc();
            out.collect(entry);
            return;
        }
        waiting.add(entry);
        if (commitTime.value() == null) {
            commitTime.update(commit);
            ctx.timerService().registerEventTimeTimer(commit);
            ctx.timerService().registerEventTimeTimer(commit + actorRetentionMs);
        }
    }

    @Override
    public void processElement2(ActorSeen seen, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        AuditActor known = actor.value();
        if (known != null && !DATABASE_FALLBACK.equals(known.getType())) {
            // the transaction's first actor stands: a second message (the helpdesk trigger's
            // fallback after a writer that emitted its own without saying so) does not replace it
            return;
        }
        AuditActor a = new AuditActor(seen.type, seen.id, seen.reason);
        if (known != null && DATABASE_FALLBACK.equals(seen.type)) {
            return; // a fallback never replaces a fallback already applied
        }
        actor.update(a);
        for (AuditEntry entry : waiting.get()) {
            entry.setActor(copy(a));
            out.collect(entry);
        }
        waiting.clear();
        if (commitTime.value() == null) {
            commitTime.update(seen.commitTimeMillis);
            ctx.timerService().registerEventTimeTimer(seen.commitTimeMillis + actorRetentionMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditEntry> out)
            throws Exception {
        for (AuditEntry entry : waiting.get()) {
            unknownActors.inc();
            out.collect(entry); // its draft actor is "unknown"
        }
        waiting.clear();
        Long commit = commitTime.value();
        if (commit == null || timestamp >= commit + actorRetentionMs) {
            actor.clear();
            commitTime.clear();
        }
    }

    private static AuditActor copy(AuditActor a) {
        return new AuditActor(a.getType(), a.getId(), a.getReason());
    }
}
