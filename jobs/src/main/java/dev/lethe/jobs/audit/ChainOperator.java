package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One entity's changes, exactly once and in order. Keyed by entity id.
 *
 * <ul>
 *   <li><b>Order.</b> Changes wait until event time reaches their commit time, then leave sorted by
 *       LSN. (Upstream, the actor join may have swapped changes of different transactions.) For one
 *       row, LSNs grow in commit order: a second transaction cannot change the row before the first
 *       commits (row lock).
 *   <li><b>Exactly once.</b> Debezium delivers at least once: after a connector restart changes
 *       come again with the same LSN. A change at or below the last LSN emitted is dropped, as is a
 *       second copy waiting with the same LSN.
 * </ul>
 *
 * State per entity: the last LSN emitted, and the changes waiting (drafts, personal values
 * encrypted). When nothing waits, only the LSN remains. Seq, hash chain and log index are assigned
 * by the {@link LogSequencer}, because an entry's hash covers its log index.
 */
public final class ChainOperator extends KeyedProcessFunction<String, AuditEntry, AuditEntry> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> lastLsn;
    private transient MapState<Long, AuditEntry> waiting;
    private transient Counter duplicates;

    @Override
    public void open(OpenContext context) {
        lastLsn = getRuntimeContext().getState(new ValueStateDescriptor<>("lastLsn", Long.class));
        waiting =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("waiting", Long.class, AuditEntry.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("numDuplicatesDropped");
    }

    @Override
    public void processElement(AuditEntry entry, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        long lsn = entry.getLsn();
        Long last = lastLsn.value();
        if ((last != null && lsn <= last) || waiting.contains(lsn)) {
            duplicates.inc();
            return;
        }
        waiting.put(lsn, entry);
        ctx.timerService().registerEventTimeTimer(entry.getCommitTime().toEpochMilli());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditEntry> out)
            throws Exception {
        List<AuditEntry> due = new ArrayList<>();
        Iterator<Map.Entry<Long, AuditEntry>> it = waiting.iterator();
        while (it.hasNext()) {
            AuditEntry e = it.next().getValue();
            if (e.getCommitTime().toEpochMilli() <= timestamp) {
                due.add(e);
            }
        }
        due.sort(Comparator.comparingLong(AuditEntry::getLsn));
        Long last = lastLsn.value();
        for (AuditEntry e : due) {
            waiting.remove(e.getLsn());
            if (last != null && e.getLsn() <= last) {
                duplicates.inc(); // a late copy of an entry already emitted
                continue;
            }
            out.collect(e);
            last = e.getLsn();
        }
        if (last != null) {
            lastLsn.update(last);
        }
    }
}
