package dev.lethe.jobs.audit;

import dev.lethe.events.AuditEntry;
import dev.lethe.jobs.changes.ChangePosition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One entity's changes, exactly once and in order, as soon as they are there. Keyed by entity id;
 * input 1: the entity's {@link ChangePosition}s straight from the normalizer, input 2: the entries
 * (after the actor join, which may have swapped changes of different transactions).
 *
 * <ul>
 *   <li><b>Order.</b> Positions arrive in source order: one entity's changes are in one Kafka
 *       partition (Debezium keys by primary key), read by one source subtask and sent on one
 *       channel, and for one row LSNs grow in commit order (a second transaction cannot change the
 *       row before the first commits: row lock). An entry leaves when every position before its own
 *       has left, without waiting for event time.
 *   <li><b>Fallback.</b> When event time reaches an entry's commit time, the entries due then leave
 *       sorted by LSN, except those after an announced change whose entry has not arrived: event
 *       time is no proof of arrival (after a crash a partition that was idle comes back behind the
 *       watermark, and the actor join may still hold its change), and a change is never overtaken
 *       or dropped for that. Only an entry that has to wait gets a timer (most leave on arrival,
 *       and a timer per change cost a tenth of the operator's time); this also drains state
 *       restored from a version that had no positions. An entry held longer than {@link
 *       #OVERTAKE_AFTER_MS} for a missing one leaves without it; the missing one, if it ever comes,
 *       is emitted late rather than dropped (counters {@code numOvertakes}, {@code
 *       numLateEntries}). So is an entry below one that left by event time before any position of
 *       the entity came (its partition was behind the watermark): for {@link #OVERTAKE_AFTER_MS}
 *       after such a release, an entry between the last LSN before it and it that has not left is
 *       late, not a copy. Late entries are out of LSN order in the entity's chain, never missing.
 *   <li><b>Exactly once.</b> Debezium delivers at least once: after a connector restart changes
 *       come again with the same LSN. A position or entry at or below the last LSN emitted is
 *       dropped, as is a second copy of one still waiting.
 *   <li><b>Replays.</b> A dead letter fed back once its cause is fixed ({@code ./lethe deadletters
 *       replay}) comes with a marked position ({@link ChangePosition#replayed}) besides its usual
 *       one. Below the last LSN emitted its entry is expected late, like an overtaken one: it
 *       leaves when it comes, once, out of LSN order in the chain, never dropped as a copy.
 * </ul>
 *
 * State per entity: the last LSN emitted, the LSNs announced but not yet emitted, and the entries
 * waiting for an earlier one (drafts, personal values encrypted). When nothing waits, only the LSN
 * remains. Seq, hash chain and log index are assigned by the {@link LogSequencer}, because an
 * entry's hash covers its log index.
 */
public final class OrderEntityChanges
        extends KeyedCoProcessFunction<String, ChangePosition, AuditEntry, AuditEntry> {

    private static final long serialVersionUID = 2L;

    private transient ValueState<Long> lastLsn;
    private transient ListState<Long> announced;
    private transient MapState<Long, AuditEntry> waiting;
    private transient ListState<Long> overtaken;
    private transient ValueState<Long> uncertainFrom;
    private transient ValueState<Long> uncertainUntil;
    private transient ListState<Long> fallbackEmitted;
    private transient Counter duplicates;
    private transient Counter overtakes;
    private transient Counter lateEntries;

    /**
     * How long (event time past its commit) an entry waits for the entry of an earlier announced
     * change before it leaves without it: 10 minutes. Each position has its entry (both come from
     * the same change), so this only bounds the damage of an entry lost upstream by a defect.
     */
    static final long OVERTAKE_AFTER_MS = 10 * 60 * 1000L;

    @Override
    public void open(OpenContext context) {
        lastLsn = getRuntimeContext().getState(new ValueStateDescriptor<>("lastLsn", Long.class));
        announced =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("announced", Long.class));
        waiting =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("waiting", Long.class, AuditEntry.class));
        overtaken =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("overtaken", Long.class));
        uncertainFrom =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("uncertainFrom", Long.class));
        uncertainUntil =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("uncertainUntil", Long.class));
        fallbackEmitted =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("fallbackEmitted", Long.class));
        duplicates = getRuntimeContext().getMetricGroup().counter("numDuplicatesDropped");
        overtakes = getRuntimeContext().getMetricGroup().counter("numOvertakes");
        lateEntries = getRuntimeContext().getMetricGroup().counter("numLateEntries");
    }

    @Override
    public void processElement1(ChangePosition position, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        Long last = lastLsn.value();
        if (position.replayed) {
            expectReplay(position.lsn, last);
            return;
        }
        if (last != null && position.lsn <= last) {
            return; // redelivered, its entry already left
        }
        List<Long> queue = announcedList();
        if (!queue.isEmpty() && position.lsn <= queue.get(queue.size() - 1)) {
            return; // redelivered while the first copy still waits
        }
        announced.add(position.lsn);
        queue.add(position.lsn);
        release(queue, last, out);
    }

    @Override
    public void processElement2(AuditEntry entry, Context ctx, Collector<AuditEntry> out)
            throws Exception {
        long lsn = entry.getLsn();
        Long last = lastLsn.value();
        if (last != null && lsn <= last) {
            if (removeOvertaken(lsn) || firstOfUncertain(lsn)) {
                // a later change left before it (overdue, or by event time before either of
                // their positions came): late, but in the log, never dropped as a copy
                lateEntries.inc();
                out.collect(entry);
                return;
            }
            duplicates.inc();
            return;
        }
        boolean nothingWaits = waiting.isEmpty();
        if (!nothingWaits && waiting.contains(lsn)) {
            duplicates.inc();
            return;
        }
        List<Long> queue = announcedList();
        if (nothingWaits) {
            // the usual case: its position came first and nothing else waits, so it leaves now
            // (what release would do with it as the only waiting entry, without storing it)
            int next = 0;
            while (next < queue.size() && last != null && queue.get(next) <= last) {
                next++; // left already, through the event-time fallback
            }
            if (next < queue.size() && queue.get(next) == lsn) {
                out.collect(entry);
                announced.update(new ArrayList<>(queue.subList(next + 1, queue.size())));
                lastLsn.update(lsn);
                return;
            }
        }
        waiting.put(lsn, entry);
        release(queue, last, out);
        if (waiting.contains(lsn)) {
            // it waits for an earlier change: the event-time fallback releases it at the latest
            ctx.timerService().registerEventTimeTimer(entry.getCommitTime().toEpochMilli());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditEntry> out)
            throws Exception {
        Long until = uncertainUntil.value();
        if (until != null && timestamp >= until) {
            uncertainFrom.clear();
            uncertainUntil.clear();
            fallbackEmitted.clear();
        }
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
        List<Long> queue = announcedList();
        // the first announced change whose entry is not here: event time passing its commit does
        // not mean it has arrived (a partition that was idle can come back behind the watermark),
        // so nothing after it leaves before it, unless it is overdue by OVERTAKE_AFTER_MS
        Long missing = null;
        for (Long lsn : queue) {
            if ((last == null || lsn > last) && !waiting.contains(lsn)) {
                missing = lsn;
                break;
            }
        }
        boolean heldBack = false;
        List<Long> overtakenNow = new ArrayList<>();
        for (AuditEntry e : due) {
            if (last != null && e.getLsn() <= last) {
                waiting.remove(e.getLsn());
                duplicates.inc(); // a late copy of an entry already emitted
                continue;
            }
            if (missing != null && e.getLsn() > missing) {
                if (e.getCommitTime().toEpochMilli() + OVERTAKE_AFTER_MS > timestamp) {
                    heldBack = true;
                    continue;
                }
                // overdue: the missing entries go to the overtaken list, emitted if they come
                for (Long lsn : queue) {
                    if (lsn < e.getLsn()
                            && (last == null || lsn > last)
                            && !waiting.contains(lsn)) {
                        overtakenNow.add(lsn);
                    }
                }
                overtakes.inc();
            }
            waiting.remove(e.getLsn());
            if (!queue.contains(e.getLsn())) {
                // left by event time without its position: a change below it may still come
                uncertain(last, e, ctx);
            }
            out.collect(e);
            last = e.getLsn();
        }
        if (last != null) {
            lastLsn.update(last);
        }
        if (!overtakenNow.isEmpty()) {
            overtaken.addAll(overtakenNow);
        }
        if (heldBack) {
            // tried again when event time moves on; the missing entry's arrival releases it sooner
            ctx.timerService().registerEventTimeTimer(timestamp + 1);
        }
        release(announcedList(), last, out);
    }

    /**
     * Emits waiting entries in announced order while the next one is there and no unannounced entry
     * with a lower LSN waits (one restored from a version without positions, left to the event-time
     * path).
     */
    private void release(List<Long> queue, Long last, Collector<AuditEntry> out) throws Exception {
        if (queue.isEmpty() || (waiting.isEmpty() && (last == null || queue.get(0) > last))) {
            return; // nothing can leave and nothing is left to drop
        }
        TreeSet<Long> present = new TreeSet<>();
        for (Long lsn : waiting.keys()) {
            present.add(lsn);
        }
        int next = 0;
        Long emitted = last;
        while (next < queue.size()) {
            long lsn = queue.get(next);
            if (emitted != null && lsn <= emitted) {
                next++; // left already, through the event-time fallback
                continue;
            }
            if (present.isEmpty() || present.first() != lsn) {
                break; // not there yet, or an older unannounced entry must leave first
            }
            out.collect(waiting.get(lsn));
            waiting.remove(lsn);
            present.pollFirst();
            emitted = lsn;
            next++;
        }
        if (next > 0) {
            announced.update(new ArrayList<>(queue.subList(next, queue.size())));
        }
        if (emitted != null && !emitted.equals(last)) {
            lastLsn.update(emitted);
        }
    }

    /**
     * Notes that {@code e} leaves by event time without its position, after {@code last}: until
     * {@link #OVERTAKE_AFTER_MS} past its commit, an entry between {@code last} and it that has not
     * left is late, not a copy.
     */
    private void uncertain(Long last, AuditEntry e, OnTimerContext ctx) throws Exception {
        long from = last == null ? Long.MIN_VALUE : last;
        Long current = uncertainFrom.value();
        uncertainFrom.update(current == null ? from : Math.min(current, from));
        fallbackEmitted.add(e.getLsn());
        long until = e.getCommitTime().toEpochMilli() + OVERTAKE_AFTER_MS;
        Long previous = uncertainUntil.value();
        if (previous == null || until > previous) {
            uncertainUntil.update(until);
            ctx.timerService().registerEventTimeTimer(until);
        }
    }

    /** Whether {@code lsn} lies in the uncertain range and has not left: then it leaves now. */
    private boolean firstOfUncertain(long lsn) throws Exception {
        Long from = uncertainFrom.value();
        if (from == null || lsn <= from) {
            return false;
        }
        List<Long> emitted = new ArrayList<>();
        Iterable<Long> stored = fallbackEmitted.get();
        if (stored != null) {
            stored.forEach(emitted::add);
        }
        if (emitted.contains(lsn)) {
            return false;
        }
        fallbackEmitted.add(lsn);
        return true;
    }

    /**
     * A replayed dead letter's marked position (its unmarked one comes too, and does what any
     * position does while the chain has not passed it). Below what has left, its entry is late,
     * expected once: it joins the overtaken list, so it leaves when it comes and a second copy is
     * dropped. The two positions travel apart: should the unmarked one and the entry both have come
     * and left first, with a later entry after them, the mark stays unused (a few bytes).
     */
    private void expectReplay(long lsn, Long last) throws Exception {
        if (last == null || lsn >= last) {
            return; // not passed yet (or it is the one that left last): the unmarked one's case
        }
        Iterable<Long> stored = overtaken.get();
        if (stored != null) {
            for (Long o : stored) {
                if (o == lsn) {
                    return;
                }
            }
        }
        overtaken.add(lsn);
    }

    private boolean removeOvertaken(long lsn) throws Exception {
        List<Long> list = new ArrayList<>();
        Iterable<Long> stored = overtaken.get();
        if (stored != null) {
            stored.forEach(list::add);
        }
        if (!list.remove(Long.valueOf(lsn))) {
            return false;
        }
        overtaken.update(list);
        return true;
    }

    private List<Long> announcedList() throws Exception {
        List<Long> queue = new ArrayList<>();
        Iterable<Long> stored = announced.get();
        if (stored != null) {
            stored.forEach(queue::add);
        }
        return queue;
    }
}
