package dev.lethe.jobs.discovery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
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
 */
public final class TrackLocations extends KeyedProcessFunction<String, LocatedRow, LocationUpdate> {

    private static final long serialVersionUID = 1L;

    /** Default time a deleted row's tombstone LSN is kept. */
    public static final long DEFAULT_TOMBSTONE_MILLIS = 10 * 60 * 1000L;

    private final long tombstoneMillis;

    private transient ListState<String> documentIds;
    private transient ValueState<Long> lastLsn;
    private transient Counter stale;
    private transient Counter removed;

    public TrackLocations(long tombstoneMillis) {
        if (tombstoneMillis <= 0) {
            throw new IllegalArgumentException(
                    "tombstone time must be positive, got " + tombstoneMillis);
        }
        this.tombstoneMillis = tombstoneMillis;
    }

    @Override
    public void open(OpenContext context) {
        documentIds =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("location-ids", String.class));
        lastLsn = getRuntimeContext().getState(new ValueStateDescriptor<>("last-lsn", Long.class));
        stale = getRuntimeContext().getMetricGroup().counter("numStaleChanges");
        removed = getRuntimeContext().getMetricGroup().counter("numLocationsRemoved");
    }

    @Override
    public void processElement(LocatedRow row, Context ctx, Collector<LocationUpdate> out)
            throws Exception {
        Long last = lastLsn.value();
        if (last != null && row.lsn <= last) {
            stale.inc();
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
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LocationUpdate> out)
            throws Exception {
        // the tombstone of a deleted row expires unless the row came back meanwhile
        if (!documentIds.get().iterator().hasNext()) {
            lastLsn.clear();
        }
    }
}
