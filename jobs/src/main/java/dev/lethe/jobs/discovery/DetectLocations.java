package dev.lethe.jobs.discovery;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.RowLocator;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.events.Operation;
import dev.lethe.normalize.EntityId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Finds the personal data of each changed row ({@link RowLocator}): declared columns, free-text
 * findings, encrypted custom fields whose values are never read.
 *
 * <p>Main input: every change, keyed by entity id (so a row's changes stay in order). Broadcast
 * input: the changes of contacts, agents and custom-field definitions, which every parallel
 * instance learns from: the {@link SubjectDirectory} of known subjects' names and identifiers (to
 * recognise them in free text and resolve identifiers to {@code contact:<id>}) and of encrypted
 * custom fields. The directory's entries are kept in broadcast state ({@link #DIRECTORY}: subject
 * id -> names and normalized identifiers, {@code field:<table>/<id>} -> name of an encrypted
 * field), so they survive restarts; the in-memory indices are rebuilt from it on first use. A
 * deleted contact's entry is removed.
 *
 * <p>Changes wait for the event-time watermark (commit time, the minimum over every raw topic) to
 * pass their commit time before they are located: by then every contact committed earlier has
 * reached the directory, whatever order the topics were read in, so a ticket naming a contact
 * created a moment before is recognised. The waiting changes are kept in keyed state (for the
 * watermark's delay, a few seconds) and removed as soon as they are located; a row leaves no state
 * here.
 *
 * <p>A row with a column the catalog does not declare is a schema change nobody reviewed: its known
 * columns are still located, and a dead letter ({@value #UNCATALOGUED}) names the unknown columns.
 */
public final class DetectLocations
        extends KeyedBroadcastProcessFunction<String, ChangeEvent, ChangeEvent, LocatedRow> {

    private static final long serialVersionUID = 1L;

    /** Broadcast state: the directory's persisted entries. */
    public static final MapStateDescriptor<String, String> DIRECTORY =
            new MapStateDescriptor<>("subject-directory", Types.STRING, Types.STRING);

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("uncatalogued") {};

    /** Dead-letter reason for a row with columns the catalog does not declare. */
    public static final String UNCATALOGUED = "UNCATALOGUED_COLUMN";

    private final String catalogFile;
    private final List<String> phoneRegions;

    private transient SubjectDirectory directory;
    private transient RowLocator locator;
    private transient boolean restored;
    private transient ListState<ChangeEvent> pending;
    private transient Counter located;
    private transient Counter uncatalogued;

    /**
     * @param catalogFile the personal-data catalog file; empty for the one shipped with Lethe
     */
    public DetectLocations(String catalogFile, List<String> phoneRegions) {
        this.catalogFile = catalogFile == null ? "" : catalogFile;
        this.phoneRegions = List.copyOf(phoneRegions);
    }

    public DetectLocations() {
        this("", PhoneDetector.DEFAULT_REGIONS);
    }

    @Override
    public void open(OpenContext context) {
        PersonalDataCatalog catalog =
                catalogFile.isBlank()
                        ? PersonalDataCatalog.loadDefault()
                        : PersonalDataCatalog.load(Path.of(catalogFile));
        directory = new SubjectDirectory(catalog, phoneRegions);
        locator = new RowLocator(catalog, directory, phoneRegions);
        restored = false;
        pending =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>("pending-changes", ChangeEvent.class));
        located = getRuntimeContext().getMetricGroup().counter("numLocations");
        uncatalogued = getRuntimeContext().getMetricGroup().counter("numUncatalogued");
    }

    @Override
    public void processBroadcastElement(ChangeEvent change, Context ctx, Collector<LocatedRow> out)
            throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(DIRECTORY);
        restore(state);
        var entry = directory.apply(change);
        if (entry.isPresent()) {
            if (entry.get().value() == null) {
                state.remove(entry.get().key());
            } else {
                state.put(entry.get().key(), entry.get().value());
            }
        }
    }

    @Override
    public void processElement(ChangeEvent change, ReadOnlyContext ctx, Collector<LocatedRow> out)
            throws Exception {
        restore(ctx.getBroadcastState(DIRECTORY));
        pending.add(change);
        long committed = change.getSource().getCommitTime().toEpochMilli();
        if (committed <= ctx.timerService().currentWatermark()) {
            flush(Long.MAX_VALUE, ctx, out);
        } else {
            ctx.timerService().registerEventTimeTimer(committed);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LocatedRow> out)
            throws Exception {
        restore(ctx.getBroadcastState(DIRECTORY));
        flush(timestamp, ctx, out);
    }

    /** Locates the pending changes committed at or before {@code upTo}, in LSN order. */
    private void flush(long upTo, ReadOnlyContext ctx, Collector<LocatedRow> out) throws Exception {
        List<ChangeEvent> ready = new ArrayList<>();
        List<ChangeEvent> later = new ArrayList<>();
        for (ChangeEvent c : pending.get()) {
            (c.getSource().getCommitTime().toEpochMilli() <= upTo ? ready : later).add(c);
        }
        if (ready.isEmpty()) {
            return;
        }
        if (later.isEmpty()) {
            pending.clear();
        } else {
            pending.update(later);
        }
        ready.sort(Comparator.comparingLong(c -> c.getSource().getLsn()));
        for (ChangeEvent c : ready) {
            locate(c, ctx, out);
        }
    }

    private void locate(ChangeEvent change, ReadOnlyContext ctx, Collector<LocatedRow> out) {
        RowLocator.Located l = locator.locate(change);
        if (!l.unknownColumns().isEmpty()) {
            uncatalogued.inc();
            var source = change.getSource();
            ctx.output(
                    DEAD_LETTERS,
                    new DeadLetter(
                            "discovery/detect",
                            UNCATALOGUED,
                            "table "
                                    + change.getTable()
                                    + " has columns the personal-data catalog does not declare: "
                                    + l.unknownColumns()
                                    + "; the declared columns were located, these were not",
                            source.getTopic(),
                            source.getPartition(),
                            source.getOffset(),
                            null,
                            null,
                            Instant.now()));
        }
        LocatedRow row = new LocatedRow();
        row.recordId = EntityId.of(change);
        row.lsn = change.getSource().getLsn();
        row.deleted = change.getOp() == Operation.DELETE;
        row.originTopic = change.getSource().getTopic();
        row.originPartition = change.getSource().getPartition();
        row.originOffset = change.getSource().getOffset();
        List<LocationDocument> docs = l.documents();
        row.documentIds = new String[docs.size()];
        row.documents = new byte[docs.size()][];
        for (int i = 0; i < docs.size(); i++) {
            row.documentIds[i] = docs.get(i).id();
            row.documents[i] = docs.get(i).toJson();
        }
        located.inc(docs.size());
        out.collect(row);
    }

    private void restore(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (restored) {
            return;
        }
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            directory.restore(e.getKey(), e.getValue());
        }
        restored = true;
    }
}
