package dev.lethe.jobs.discovery;

import dev.lethe.jobs.changes.TruncatedTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by row (entity id): turns each {@link LocatedRow} into index and delete operations, so the
 * index always shows exactly the row's current locations.
 *
 * <p>State per row, ids only, never values: the ids of the documents the row produced last time (an
 * update that removes a phone number from a ticket deletes that location) and the LSN of the last
 * change applied (an older change arriving late is skipped). After a delete the ids are gone at
 * once; the LSN stays as a tombstone for {@code tombstoneMillis} of processing time, so a late
 * replay of an older change is still recognised, then it is cleared too: a deleted row leaves no
 * state behind. (Elasticsearch keeps its own versioned tombstones for {@code index.gc_deletes}.)
 *
 * <p><b>Truncates</b> (broadcast, {@link TruncatedTable}): every row of the table the operator
 * holds ids for, last changed before the truncate's LSN, has its locations deleted (at that LSN, so
 * a newer document is never removed) and its state cleared; the table's truncate LSN is kept
 * ({@value #TRUNCATED_TABLES}, one entry per table ever truncated), and a change of that table with
 * a lower LSN read later (a row located before the truncate, released after it) is skipped like any
 * older change.
 */
public final class TrackLocations
        extends KeyedBroadcastProcessFunction<String, LocatedRow, TruncatedTable, LocationUpdate> {

    private static final long serialVersionUID = 1L;

    /** Default time a deleted row's tombstone LSN is kept. */
    public static final long DEFAULT_TOMBSTONE_MILLIS = 10 * 60 * 1000L;

    /** Broadcast state: table → the LSN of its latest truncate. */
    static final String TRUNCATED_TABLES = "truncated-tables";

    /** The truncates' broadcast state. */
    public static final MapStateDescriptor<String, Long> TRUNCATES =
            new MapStateDescriptor<>(TRUNCATED_TABLES, Types.STRING, Types.LONG);

    private static final ListStateDescriptor<String> IDS =
            new ListStateDescriptor<>("location-ids", String.class);
    private static final ValueStateDescriptor<Long> LAST_LSN =
            new ValueStateDescriptor<>("last-lsn", Long.class);

    private final long tombstoneMillis;

    private transient ListState<String> documentIds;
    private transient ValueState<Long> lastLsn;
    private transient Counter stale;
    private transient Counter removed;
    private transient Counter truncated;

    public TrackLocations(long tombstoneMillis) {
        if (tombstoneMillis <= 0) {
            throw new IllegalArgumentException(
                    "tombstone time must be positive, got " + tombstoneMillis);
        }
        this.tombstoneMillis = tombstoneMillis;
    }

    @Override
    public void open(OpenContext context) {
        documentIds = getRuntimeContext().getListState(IDS);
        lastLsn = getRuntimeContext().getState(LAST_LSN);
        stale = getRuntimeContext().getMetricGroup().counter("numStaleChanges");
        removed = getRuntimeContext().getMetricGroup().counter("numLocationsRemoved");
        truncated = getRuntimeContext().getMetricGroup().counter("numLocationsTruncated");
    }

    @Override
    public void processElement(LocatedRow row, ReadOnlyContext ctx, Collector<LocationUpdate> out)
            throws Exception {
        Long last = lastLsn.value();
        if (last != null && row.lsn <= last) {
            stale.inc();
            return;
        }
        ReadOnlyBroadcastState<String, Long> truncates = ctx.getBroadcastState(TRUNCATES);
        Long truncatedAt = truncates.get(tableOf(row.recordId));
        if (truncatedAt != null && row.lsn < truncatedAt) {
            stale.inc(); // a change of a row the table's truncate removed since
            return;
        }
        Set<String> now = new HashSet<>(List.of(row.documentIds));
        for (String previous : documentIds.get()) {
            if (!now.contains(previous)) {
                out.collect(LocationUpdate.delete(row, previous));
                removed.inc();
            }
        }
        if (row.deleted) {
            documentIds.clear();
            lastLsn.update(row.lsn);
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + tombstoneMillis);
            return;
        }
        for (int i = 0; i < row.documentIds.length; i++) {
            out.collect(LocationUpdate.index(row, row.documentIds[i], row.documents[i]));
        }
        lastLsn.update(row.lsn);
        if (row.documentIds.length == 0) {
            documentIds.clear();
        } else {
            documentIds.update(new ArrayList<>(now));
        }
    }

    @Override
    public void processBroadcastElement(
            TruncatedTable truncate, Context ctx, Collector<LocationUpdate> out) throws Exception {
        BroadcastState<String, Long> truncates = ctx.getBroadcastState(TRUNCATES);
        Long before = truncates.get(truncate.table);
        if (before != null && before >= truncate.lsn) {
            return; // this truncate, or a later one, was applied already
        }
        truncates.put(truncate.table, truncate.lsn);
        String prefix = truncate.table + "/";
        ctx.applyToKeyedState(
                LAST_LSN,
                (key, lsn) -> {
                    if (!key.startsWith(prefix)) {
                        return;
                    }
                    Long last = lsn.value();
                    if (last != null && last >= truncate.lsn) {
                        return; // changed after the truncate: a new row of that key
                    }
                    // the backend has made {@code key} the current key: the ids are this row's
                    for (String id : documentIds.get()) {
                        out.collect(LocationUpdate.truncated(truncate, id));
                        truncated.inc();
                    }
                    documentIds.clear();
                    lsn.clear();
                });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LocationUpdate> out)
            throws Exception {
        // the tombstone of a deleted row expires unless the row came back meanwhile
        if (!documentIds.get().iterator().hasNext()) {
            lastLsn.clear();
        }
    }

    /** The table of an entity id ({@code tickets/42}: {@code tickets}). */
    static String tableOf(String recordId) {
        int slash = recordId.indexOf('/');
        return slash < 0 ? recordId : recordId.substring(0, slash);
    }
}
