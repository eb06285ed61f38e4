package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a replayed Lethe action (same {@link LetheActionEntries#ACTION_ID} for the same entity):
 * the purge executor's outbox publishes at least once. Keyed by entity id; remembers the action ids
 * seen per entity for {@link #REMEMBER} (state TTL), which is far longer than any outbox replay.
 * Only ids, no personal value.
 */
public final class DeduplicateActions extends KeyedProcessFunction<String, AuditEntry, AuditEntry> {

    private static final long serialVersionUID = 1L;

    /** How long an action id is remembered. */
    public static final Duration REMEMBER = Duration.ofDays(7);

    private transient MapState<String, Boolean> seen;
    private transient Counter duplicates;

    @Override
    public void open(OpenContext context) {
        MapStateDescriptor<String, Boolean> d =
                new MapStateDescriptor<>("actionIds", String.class, Boolean.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(REMEMBER).build());
        seen = getRuntimeContext().getMapState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("numDuplicatesDropped");
    }

    @Override
    public void processElement(AuditEntry entry, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        String id = entry.getAttributes().get(LetheActionEntries.ACTION_ID);
        if (id != null) {
            if (seen.contains(id)) {
                duplicates.inc();
                return;
            }
            seen.put(id, Boolean.TRUE);
        }
        out.collect(entry);
    }
}
