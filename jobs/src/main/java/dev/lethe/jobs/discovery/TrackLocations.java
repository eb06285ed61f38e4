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
import org.apache.flink.api.common.state.MapState;
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
 * <p>State per row, never values: the ids of the documents the row produced last time (an update
 * that removes a phone number from a ticket deletes that location), each with its content's keyed
 * fingerprint ({@link LocatedRow#fingerprints}), and the LSN of the last change applied (an older
 * change arriving late is skipped). A document whose content is unchanged is not written again: a
 * change of a ticket's status does not rewrite the locations of its requester's email and of the
 * phone numbers in its text, so the index takes a write per location that changed, not per location
 * of every changed row. (State written before fingerprints were kept holds ids only, {@value
 * #LEGACY_IDS}: those documents are written once more at the row's next change.) After a delete the
 * ids are gone at once; the LSN stays as a tombstone for {@code tombstoneMillis} of processing
 * time, so a late replay of an older change is still recognised, then it is cleared too: a deleted
 * row leaves no state behind. (Elasticsearch keeps its own versioned tombstones for {@code
 * index.gc_deletes}.)
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

    /** The ids alone, as state written before fingerprints holds them: read, then moved. */
    static final String LEGACY_IDS = "location-ids";

    private static final ListStateDescriptor<String> IDS =
            new ListStateDescriptor<>(LEGACY_IDS, String.class);

    /** Document id → the keyed fingerprint of the content last written ({@link #UNKNOWN}: none). */
    private static final MapStateDescriptor<String, Long> WRITTEN =
            new MapStateDescriptor<>("location-fingerprints", Types.STRING, Types.LONG);

    /** The fingerprint of a document whose content is not known: always written again. */
    static final long UNKNOWN = 0L;

    private static final ValueStateDescriptor<Long> LAST_LSN =
            new ValueStateDescriptor<>("last-lsn", Long.class);

    private final long tombstoneMillis;

    private transient ListState<String> legacyIds;
    private transient MapState<String, Long> written;
    private transient ValueState<Long> lastLsn;
    private transient Counter stale;
    private transient Counter unchanged;
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
        legacyIds = getRuntimeContext().getListState(IDS);
        written = getRuntimeContext().getMapState(WRITTEN);
        lastLsn = getRuntimeContext().getState(LAST_LSN);
        stale = getRuntimeContext().getMetricGroup().counter("numStaleChanges");
        unchanged = getRuntimeContext().getMetricGroup().counter("numLocationsUnchanged");
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
        adoptLegacyIds();
        Set<String> now = new HashSet<>(List.of(row.documentIds));
        List<String> gone = new ArrayList<>();
        for (String previous : written.keys()) {
            if (!now.contains(previous)) {
                out.collect(LocationUpdate.delete(row, previous));
                removed.inc();
                gone.add(previous);
            }
        }
        if (row.deleted) {
            written.clear();
            lastLsn.update(row.lsn);
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + tombstoneMillis);
            return;
        }
        for (String id : gone) {
            written.remove(id);
        }
        for (int i = 0; i < row.documentIds.length; i++) {
            String id = row.documentIds[i];
            long fingerprint = row.fingerprint(i);
            Long before = written.get(id);
            if (fingerprint != UNKNOWN && before != null && before == fingerprint) {
                unchanged.inc();
                continue;
            }
            out.collect(LocationUpdate.index(row, id, row.documents[i]));
            written.put(id, fingerprint);
        }
        lastLsn.update(row.lsn);
    }

    /** Moves the ids of state written before fingerprints into {@link #WRITTEN}, as unknown. */
    private void adoptLegacyIds() throws Exception {
        Iterable<String> ids = legacyIds.get();
        if (ids == null || !ids.iterator().hasNext()) {
            return;
        }
        for (String id : ids) {
            written.put(id, UNKNOWN);
        }
        legacyIds.clear();
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
                    adoptLegacyIds();
                    for (String id : written.keys()) {
                        out.collect(LocationUpdate.truncated(truncate, id));
                        truncated.inc();
                    }
                    written.clear();
                    lsn.clear();
                });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LocationUpdate> out)
            throws Exception {
        // the tombstone of a deleted row expires unless the row came back meanwhile
        adoptLegacyIds();
        if (written.isEmpty()) {
            lastLsn.clear();
        }
    }

    /** The table of an entity id ({@code tickets/42}: {@code tickets}). */
    static String tableOf(String recordId) {
        int slash = recordId.indexOf('/');
        return slash < 0 ? recordId : recordId.substring(0, slash);
    }
}
