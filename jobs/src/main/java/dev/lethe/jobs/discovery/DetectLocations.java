package dev.lethe.jobs.discovery;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.RefreshingCatalog;
import dev.lethe.discovery.LocationDocument;
import dev.lethe.discovery.ParentSubjects;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.discovery.RowLocator;
import dev.lethe.discovery.SubjectDirectory;
import dev.lethe.events.ChangeEvent;
import dev.lethe.events.DeadLetter;
import dev.lethe.events.Operation;
import dev.lethe.jobs.config.ClassifiedColumns;
import dev.lethe.jobs.config.MasterKeys;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.jobs.state.StateCipher;
import dev.lethe.jobs.state.StateFingerprints;
import dev.lethe.normalize.EntityId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the personal data of each changed row ({@link RowLocator}): declared columns, free-text
 * findings, encrypted custom fields whose values are never read.
 *
 * <p>Main input: every change, keyed by entity id (so a row's changes stay in order). Broadcast
 * input: the changes of contacts, agents, accounts (their region) and custom-field definitions,
 * which every parallel instance learns from: the {@link SubjectDirectory} of known subjects' names
 * and identifiers (to recognise them in free text and resolve identifiers to {@code contact:<id>})
 * and of encrypted custom fields. The directory's entries are kept in broadcast state ({@link
 * #DIRECTORY}: subject id -> names and normalized identifiers, {@code field:<table>/<id>} -> name
 * of an encrypted field), so they survive restarts; the in-memory indices are rebuilt from it on
 * first use. A deleted contact's entry is removed.
 *
 * <p><b>The directory as of each change.</b> A broadcast change is not applied to the directory
 * when it arrives but just before the first change with a higher LSN is located (and persisted as
 * an entry once event time has passed it), so a change is located with the directory as its LSN saw
 * it, whatever was read since: a ticket naming a contact deleted a moment later still names that
 * contact, in the first pass and in a replay after a restore alike (the broadcast side is read at
 * once while the main input waits for the watermark, so in a replay the contact's delete was often
 * read before the ticket was located; the ticket's locations then differed from the first pass's,
 * and those written before the crash were never deleted). The broadcast changes not yet settled are
 * kept in the broadcast state too ({@value #DEFERRED_PREFIX}{@code <lsn>}: commit time and the
 * change's Avro encoding, sealed).
 *
 * <p>Changes wait for the event-time watermark (commit time, the minimum over every raw topic) to
 * pass their commit time before they are located: by then every contact committed earlier has
 * reached the directory, whatever order the topics were read in, so a ticket naming a contact
 * created a moment before is recognised. The waiting changes are kept in keyed state (for the
 * watermark's delay: until the change's transaction, and every one committed before it, has been
 * read, see {@code TransactionWatermarks}) and removed as soon as they are located; a row leaves no
 * state here.
 *
 * <p>Flink state holds no personal value in plaintext: a waiting change is kept as its commit time
 * and its Avro encoding sealed with AES-256-GCM ({@link StateCipher}, purpose {@value
 * #PENDING_PURPOSE}), the directory's entries are sealed likewise (purpose {@value
 * #DIRECTORY_PURPOSE}); the state key is derived from the master key ({@link MasterKeys}), opened
 * on the TaskManager. Only the in-memory indices hold plaintext.
 *
 * <p>With the helpdesk database given ({@link #readingOversizedFrom}), two reads of its tables are
 * made besides the changes: an oversized value's full text, and the subject of a row's parent (the
 * contact of the ticket a comment or thread message is in, {@link ParentSubjects}, cached for
 * {@value #PARENT_SUBJECTS_CACHED} parents), whose regions a national phone number in the row is
 * read in when its writer (an agent) has none.
 *
 * <p>A row with a column the catalog does not declare is a schema change nobody classified yet: its
 * declared columns are located as usual and the unknown ones are scanned as free text (fail safe);
 * {@code ./lethe status} and {@code ./lethe catalog check} name such columns.
 */
public final class DetectLocations
        extends KeyedBroadcastProcessFunction<String, ChangeEvent, ChangeEvent, LocatedRow> {

    private static final Logger LOG = LoggerFactory.getLogger(DetectLocations.class);

    private static final long serialVersionUID = 1L;

    /** Broadcast state: the directory's persisted entries, values sealed. */
    public static final MapStateDescriptor<String, byte[]> DIRECTORY =
            new MapStateDescriptor<>(
                    "subject-directory",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** Key prefix of the broadcast changes not yet settled into the directory's entries. */
    static final String DEFERRED_PREFIX = "deferred:";

    /**
     * A broadcast change waiting to be applied or settled, in memory: its commit time and, once
     * applied, the entry to persist (the change itself is read back from the broadcast state).
     */
    private static final class Deferred {
        final long committed;
        boolean applied;
        Optional<SubjectDirectory.Entry> entry = Optional.empty();

        Deferred(long committed) {
            this.committed = committed;
        }
    }

    /** The {@link StateCipher} purpose of the directory's values. */
    public static final String DIRECTORY_PURPOSE = "discovery/subject-directory";

    /** The {@link StateCipher} purpose of the changes waiting for the watermark. */
    public static final String PENDING_PURPOSE = "discovery/pending-changes";

    /** The purpose of the location documents' fingerprints ({@link LocatedRow#fingerprints}). */
    public static final String DOCUMENTS_PURPOSE = "discovery/location-documents";

    private static final TypeInformation<Tuple2<Long, byte[]>> PENDING_TYPE =
            Types.TUPLE(Types.LONG, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("uncatalogued") {};

    /** Dead-letter reason for a row with columns the catalog does not declare. */
    public static final String UNCATALOGUED = "UNCATALOGUED_COLUMN";

    /**
     * Parents whose subject each instance remembers (a ticket's contact, for the regions its
     * comments' and thread messages' phone numbers are read in): one read of the helpdesk per
     * ticket while its rows keep coming.
     */
    static final int PARENT_SUBJECTS_CACHED = 10_000;

    private final String catalogFile;
    private final List<String> phoneRegions;
    private final MasterKeys masterKeys;
    private String helpdeskJdbcUrl;
    private String helpdeskUser;
    private transient JdbcOversizedText oversized;

    private ClassifiedColumns.Source classifications = ClassifiedColumns.Source.NONE;

    private transient SubjectDirectory directory;
    private transient RowLocator locator;
    private transient RefreshingCatalog liveCatalog;
    private transient ParentSubjects parents;
    private transient boolean restored;

    /** Broadcast changes by LSN: applied before a later change is located, settled after. */
    private transient TreeMap<Long, Deferred> deferred;

    /** Changes waiting for the watermark: commit time (epoch ms), sealed Avro encoding. */
    private transient ListState<Tuple2<Long, byte[]>> pending;

    private transient StateCipher pendingCipher;
    private transient StateCipher directoryCipher;
    private transient StateFingerprints documentFingerprints;
    private transient Counter located;
    private transient Counter uncatalogued;

    /**
     * @param catalogFile the personal-data catalog file; empty for the one shipped with Lethe
     * @param masterKeys the master key the state key is derived from, opened on the TaskManager
     */
    public DetectLocations(String catalogFile, List<String> phoneRegions, MasterKeys masterKeys) {
        this.catalogFile = catalogFile == null ? "" : catalogFile;
        this.phoneRegions = List.copyOf(phoneRegions);
        this.masterKeys = masterKeys;
    }

    /**
     * Reads values the capture left out for their size back from the helpdesk database at {@code
     * jdbcUrl} as {@code user} (password from the process's secrets), to scan them whole, and the
     * subjects of rows' parents there ({@link ParentSubjects}).
     */
    public DetectLocations readingOversizedFrom(String jdbcUrl, String user) {
        this.helpdeskJdbcUrl = jdbcUrl;
        this.helpdeskUser = user;
        this.classifications = ClassifiedColumns.of(jdbcUrl, user);
        return this;
    }

    /**
     * Reads the columns classified at run time from {@code source} (every {@value
     * ClassifiedColumns#REFRESH_MS} ms at most): a classified column is located as the catalog
     * declares it from the next change on. {@link #readingOversizedFrom} sets the helpdesk's.
     */
    public DetectLocations followingClassifications(ClassifiedColumns.Source source) {
        this.classifications = source;
        return this;
    }

    /** The shipped catalog, the default phone regions, the process's master key. */
    public DetectLocations() {
        this("", PhoneDetector.DEFAULT_REGIONS, MasterKeys.fromProcess(MasterKeys.DEFAULT_FILE));
    }

    @Override
    public void open(OpenContext context) throws Exception {
        var master = masterKeys.open();
        pendingCipher = new StateCipher(master, PENDING_PURPOSE);
        directoryCipher = new StateCipher(master, DIRECTORY_PURPOSE);
        documentFingerprints = new StateFingerprints(master, DOCUMENTS_PURPOSE);
        PersonalDataCatalog catalog =
                catalogFile.isBlank()
                        ? PersonalDataCatalog.loadDefault()
                        : PersonalDataCatalog.load(Path.of(catalogFile));
        directory = new SubjectDirectory(catalog, phoneRegions);
        if (helpdeskJdbcUrl != null && !helpdeskJdbcUrl.isBlank()) {
            oversized = new JdbcOversizedText(helpdeskJdbcUrl, helpdeskUser);
            parents =
                    ParentSubjects.caching(
                            ParentSubjects.following(catalog, oversized), PARENT_SUBJECTS_CACHED);
        }
        liveCatalog = classifications.follow(catalog);
        liveCatalog.refresh();
        locator = locator(liveCatalog.current());
        restored = false;
        pending =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("pending-changes", PENDING_TYPE));
        located = getRuntimeContext().getMetricGroup().counter("numLocations");
        uncatalogued = getRuntimeContext().getMetricGroup().counter("numUncatalogued");
    }

    @Override
    public void processBroadcastElement(ChangeEvent change, Context ctx, Collector<LocatedRow> out)
            throws Exception {
        BroadcastState<String, byte[]> state = ctx.getBroadcastState(DIRECTORY);
        restore(state);
        long lsn = change.getSource().getLsn();
        long committed = change.getSource().getCommitTime().toEpochMilli();
        byte[] avro = AvroRecords.bytes(change);
        state.put(
                deferredKey(lsn),
                directoryCipher.seal(
                        ByteBuffer.allocate(Long.BYTES + avro.length)
                                .putLong(committed)
                                .put(avro)
                                .array()));
        deferred.put(lsn, new Deferred(committed));
        settle(state, ctx.currentWatermark());
    }

    /**
     * Settles the broadcast changes event time has passed (every change committed before them has
     * been located): applied if not yet, their entries persisted, their deferred copies dropped.
     */
    private void settle(BroadcastState<String, byte[]> state, long watermark) throws Exception {
        var it = deferred.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Deferred d = e.getValue();
            if (d.committed > watermark) {
                break; // later ones are settled with them (applied in LSN order)
            }
            applyUpTo(state, e.getKey());
            if (d.entry.isPresent()) {
                SubjectDirectory.Entry entry = d.entry.get();
                if (entry.value() == null) {
                    state.remove(entry.key());
                } else {
                    state.put(
                            entry.key(),
                            directoryCipher.seal(entry.value().getBytes(StandardCharsets.UTF_8)));
                }
            }
            state.remove(deferredKey(e.getKey()));
            it.remove();
        }
    }

    /** Applies to the directory, in LSN order, the broadcast changes up to {@code lsn}. */
    private void applyUpTo(ReadOnlyBroadcastState<String, byte[]> state, long lsn)
            throws Exception {
        for (var e : deferred.headMap(lsn, true).entrySet()) {
            Deferred d = e.getValue();
            if (!d.applied) {
                ByteBuffer b =
                        ByteBuffer.wrap(directoryCipher.open(state.get(deferredKey(e.getKey()))));
                b.getLong(); // the commit time, kept in memory
                d.entry = directory.apply(ChangeEvent.fromByteBuffer(b.slice()));
                d.applied = true;
            }
        }
    }

    private static String deferredKey(long lsn) {
        return DEFERRED_PREFIX + String.format("%020d", lsn);
    }

    @Override
    public void processElement(ChangeEvent change, ReadOnlyContext ctx, Collector<LocatedRow> out)
            throws Exception {
        restore(ctx.getBroadcastState(DIRECTORY));
        long committed = change.getSource().getCommitTime().toEpochMilli();
        pending.add(Tuple2.of(committed, pendingCipher.seal(AvroRecords.bytes(change))));
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
        List<Tuple2<Long, byte[]>> later = new ArrayList<>();
        for (Tuple2<Long, byte[]> p : pending.get()) {
            if (p.f0 <= upTo) {
                ready.add(ChangeEvent.fromByteBuffer(ByteBuffer.wrap(pendingCipher.open(p.f1))));
            } else {
                later.add(p);
            }
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
            // the directory as the change's LSN saw it: what came before it, nothing after
            applyUpTo(ctx.getBroadcastState(DIRECTORY), c.getSource().getLsn() - 1);
            locate(c, ctx, out);
        }
    }

    /** Locates with the catalog's columns, the classified ones included. */
    private RowLocator locator(PersonalDataCatalog catalog) {
        RowLocator l = new RowLocator(catalog, directory, phoneRegions);
        if (oversized != null) {
            l.readingOversizedFrom(oversized).resolvingParentsWith(parents);
        }
        return l;
    }

    /** Applies the columns classified since the last look (every few seconds at most). */
    private void followClassifications() {
        Exception failedBefore = liveCatalog.lastFailure();
        if (liveCatalog.refresh()) {
            locator = locator(liveCatalog.current());
            LOG.info("classified columns applied (catalog version {})", liveCatalog.version());
        } else if (liveCatalog.lastFailure() != null && failedBefore == null) {
            // the class only: a driver's message may carry connection details
            LOG.warn(
                    "cannot read the classified columns, keeping the last ones: {}",
                    liveCatalog.lastFailure().getClass().getName());
        }
    }

    private void locate(ChangeEvent change, ReadOnlyContext ctx, Collector<LocatedRow> out) {
        followClassifications();
        RowLocator.Located l = locator.locate(change);
        if (!l.unknownColumns().isEmpty()) {
            // scanned as free text (RowLocator); status and catalog check name the columns
            uncatalogued.inc();
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
        row.fingerprints = new long[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            row.documentIds[i] = docs.get(i).id();
            row.documents[i] = docs.get(i).toJson();
            row.fingerprints[i] = documentFingerprints.of(docs.get(i).contentJson());
        }
        located.inc(docs.size());
        out.collect(row);
    }

    private void restore(ReadOnlyBroadcastState<String, byte[]> state) throws Exception {
        if (restored) {
            return;
        }
        deferred = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : state.immutableEntries()) {
            if (e.getKey().startsWith(DEFERRED_PREFIX)) {
                long committed = ByteBuffer.wrap(directoryCipher.open(e.getValue())).getLong();
                long lsn = Long.parseLong(e.getKey().substring(DEFERRED_PREFIX.length()));
                deferred.put(lsn, new Deferred(committed));
            } else {
                directory.restore(
                        e.getKey(),
                        new String(directoryCipher.open(e.getValue()), StandardCharsets.UTF_8));
            }
        }
        restored = true;
    }

    @Override
    public void close() throws Exception {
        try {
            if (oversized != null) {
                oversized.close();
            }
        } finally {
            super.close();
        }
    }
}
