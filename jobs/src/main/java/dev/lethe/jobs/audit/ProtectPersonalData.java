package dev.lethe.jobs.audit;

import dev.lethe.catalog.PersonalDataCatalog;
import dev.lethe.catalog.RefreshingCatalog;
import dev.lethe.crypto.SubjectCipher;
import dev.lethe.discovery.PhoneDetector;
import dev.lethe.events.AuditEntry;
import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.state.StateCipher;
import dev.lethe.keys.MasterKeySource;
import dev.lethe.keys.SubjectKeyStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each change becomes its audit-entry draft with personal values encrypted ({@link AuditDrafts}),
 * for its row's subject ({@link ResolveRowSubjects}) and for whoever its free text names as of its
 * LSN. It runs before the actor join and the chain, so their state never holds a personal value in
 * clear.
 *
 * <p><b>Inputs.</b> 1: the changes with their row's subject. 2 (broadcast: every instance gets all
 * of them): the changes of the tables whose rows are their own subject (contacts, agents), from
 * which {@link SubjectIdentifiers} keeps who held which email, phone and handle over which stretch
 * of the log. Its entries are kept in broadcast state ({@link #IDENTIFIERS}: subject id -> the
 * history of its identifiers, sealed with {@link StateCipher}, purpose {@value
 * #IDENTIFIERS_PURPOSE}) and the in-memory index is rebuilt from it on restore. Versions no change
 * to come asks for are pruned every {@link #PRUNE_EVERY_MS} of event time (see {@link
 * LsnVersions#prune}, {@link ResolveRowSubjects#RETENTION_MS}).
 *
 * <p><b>Mentions wait for event time.</b> A change whose free text holds an email, phone number or
 * handle is drafted only once the event-time watermark of both inputs (commit time, the minimum
 * over every raw topic) has passed its commit time: by then every contact change committed before
 * it has been applied, however the topics were read, so two runs over the same log name the same
 * people. Such a change waits in memory and, across a checkpoint, in operator list state, sealed
 * (purpose {@value #HELD_PURPOSE}). Every other change (most of them) leaves at once. The cost is
 * the watermark's delay (until the change's transaction and those before it are complete: {@code
 * TransactionWatermarks}; the idle timeout only without transaction metadata) for entries that name
 * an identifier; it is the same wait the discovery job makes for every change. A contacts partition
 * that comes back from an outage behind the watermark can still be late for it: the one residual
 * race, see docs/adr/0008-subjects-from-the-changelog.md.
 *
 * <p><b>Batches.</b> Changes are drafted in small batches: up to {@code batchSize} changes, or what
 * arrived within {@code maxDelay} of the first, have their subjects' data keys fetched (or created)
 * in one go ({@link SubjectKeyStore#prefetch}) before they are drafted in arrival order, each with
 * its own timestamp. A backlog of new people thus costs one key-store transaction per batch instead
 * of one per person. A batch lives only in memory and never crosses a checkpoint or a watermark: it
 * is drafted before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}), before a watermark
 * is passed on, and at the end of input.
 *
 * <p>No query of the helpdesk's own tables: the key store is in Lethe's own schema.
 */
public final class ProtectPersonalData extends AbstractStreamOperator<AuditEntry>
        implements TwoInputStreamOperator<SubjectedChange, ChangeEvent, AuditEntry>,
                BoundedMultiInput {

    private static final long serialVersionUID = 3L;

    private static final Logger LOG = LoggerFactory.getLogger(ProtectPersonalData.class);

    /** Changes drafted together at most, by default. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    /** How long the first change of a batch waits for others at most, by default. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(20);

    /** Broadcast state: subject id -> sealed history of its identifiers. */
    public static final MapStateDescriptor<String, byte[]> IDENTIFIERS =
            new MapStateDescriptor<>(
                    "subject-identifiers",
                    Types.STRING,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    /** The {@link StateCipher} purpose of the identifier histories. */
    public static final String IDENTIFIERS_PURPOSE = "audit/subject-identifiers";

    /** The {@link StateCipher} purpose of the changes waiting for event time. */
    public static final String HELD_PURPOSE = "audit/held-for-mentions";

    /** How much event time passes between two prunings of the identifier histories. */
    static final long PRUNE_EVERY_MS = 10 * 60 * 1000L;

    private static final ListStateDescriptor<byte[]> HELD =
            new ListStateDescriptor<>(
                    "held-for-mentions", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final AuditResources resources;
    private final int batchSize;
    private final long maxDelayMs;

    private transient SubjectKeyStore keyStore;
    private transient PersonalDataCatalog catalog;
    private transient SubjectIdentifiers identifiers;
    private transient AuditDrafts drafts;
    private transient RefreshingCatalog liveCatalog;
    private transient SubjectCipher cipher;
    private transient List<StreamRecord<SubjectedChange>> batch;
    private transient boolean flushScheduled;

    private transient BroadcastState<String, byte[]> identifierState;
    private transient ListState<byte[]> heldState;

    /** Changes waiting for the watermark, sealed, the earliest commit first. */
    private transient PriorityQueue<Held> held;

    private transient StateCipher identifierCipher;
    private transient StateCipher heldCipher;
    private transient long watermark;
    private transient long prunedAt;
    private transient Counter heldCount;

    public ProtectPersonalData(AuditResources resources) {
        this(resources, DEFAULT_BATCH_SIZE, DEFAULT_MAX_DELAY);
    }

    public ProtectPersonalData(AuditResources resources, int batchSize, Duration maxDelay) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive, got " + maxDelay);
        }
        this.resources = resources;
        this.batchSize = batchSize;
        this.maxDelayMs = maxDelay.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        MasterKeySource master = resources.stateKeys().open();
        identifierCipher = new StateCipher(master, IDENTIFIERS_PURPOSE);
        heldCipher = new StateCipher(master, HELD_PURPOSE);
        catalog = resources.openCatalog();
        identifiers = new SubjectIdentifiers(catalog, PhoneDetector.DEFAULT_REGIONS);
        identifierState = context.getOperatorStateStore().getBroadcastState(IDENTIFIERS);
        for (Map.Entry<String, byte[]> e : identifierState.entries()) {
            identifiers.restore(
                    e.getKey(),
                    new String(identifierCipher.open(e.getValue()), StandardCharsets.UTF_8));
        }
        heldState = context.getOperatorStateStore().getListState(HELD);
        held = new PriorityQueue<>(Comparator.comparingLong(Held::commitMillis));
        Iterable<byte[]> stored = heldState.get();
        if (stored != null) {
            for (byte[] sealed : stored) {
                held.add(new Held(commitMillis(unseal(sealed)), sealed));
            }
        }
        watermark = Long.MIN_VALUE;
        prunedAt = Long.MIN_VALUE;
    }

    @Override
    public void open() throws Exception {
        super.open();
        keyStore = resources.keyStore().open();
        cipher = new SubjectCipher(keyStore);
        liveCatalog = resources.openLiveCatalog();
        liveCatalog.refresh();
        drafts = new AuditDrafts(liveCatalog.current(), cipher, identifiers);
        batch = new ArrayList<>(batchSize);
        heldCount = getMetricGroup().counter("numHeldForMentions");
    }

    @Override
    public void processElement1(StreamRecord<SubjectedChange> element) throws Exception {
        StreamRecord<SubjectedChange> record =
                element.hasTimestamp()
                        ? new StreamRecord<>(element.getValue(), element.getTimestamp())
                        : new StreamRecord<>(element.getValue());
        ChangeEvent change = record.getValue().change;
        followClassifications();
        if (change.getSource().getCommitTime().toEpochMilli() > watermark
                && drafts.namesAnIdentifier(change)) {
            heldCount.inc();
            // kept sealed, as a checkpoint stores it: a backlog can hold many (the watermark
            // trails the slowest topic), a few hundred bytes each instead of their object graphs
            held.add(new Held(commitMillis(record), seal(record)));
            return;
        }
        batch.add(record);
        if (batch.size() >= batchSize) {
            draftBatch();
        } else if (!flushScheduled) {
            flushScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + maxDelayMs,
                            time -> {
                                flushScheduled = false;
                                draftBatch();
                            });
        }
    }

    @Override
    public void processElement2(StreamRecord<ChangeEvent> element) throws Exception {
        identifiers.apply(element.getValue()).ifPresent(this::persist);
    }

    /** The watermark of both inputs: drafts what waited for it, then passes it on. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        releaseHeld(watermark);
        draftBatch();
        if (prunedAt == Long.MIN_VALUE || watermark - prunedAt >= PRUNE_EVERY_MS) {
            identifiers.prune(ResolveRowSubjects.horizon(watermark)).forEach(this::persist);
            prunedAt = watermark;
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        draftBatch();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<byte[]> sealed = new ArrayList<>(held.size());
        for (Held h : held) {
            sealed.add(h.sealed());
        }
        heldState.update(sealed);
    }

    @Override
    public void endInput(int inputId) {
        if (inputId == 1) {
            draftBatch();
        }
    }

    @Override
    public void finish() throws Exception {
        // the end of input passed every watermark: nothing committed later can come
        releaseHeld(Long.MAX_VALUE);
        draftBatch();
        super.finish();
    }

    /** Moves the held changes committed at or before {@code upTo} to the batch, in LSN order. */
    private void releaseHeld(long upTo) {
        if (held.isEmpty()) {
            return;
        }
        List<StreamRecord<SubjectedChange>> due = new ArrayList<>();
        while (!held.isEmpty() && held.peek().commitMillis() <= upTo) {
            due.add(unseal(held.poll().sealed()));
        }
        due.sort(Comparator.comparingLong(r -> r.getValue().change.getSource().getLsn()));
        batch.addAll(due);
    }

    /**
     * Applies the columns classified since the last look (every few seconds at most): the changes
     * drafted from now on treat them as classified.
     */
    private void followClassifications() {
        Exception failedBefore = liveCatalog.lastFailure();
        if (liveCatalog.refresh()) {
            drafts = new AuditDrafts(liveCatalog.current(), cipher, identifiers);
            LOG.info("classified columns applied (catalog version {})", liveCatalog.version());
        } else if (liveCatalog.lastFailure() != null && failedBefore == null) {
            // the class only: a driver's message may carry connection details
            LOG.warn(
                    "cannot read the classified columns, keeping the last ones: {}",
                    liveCatalog.lastFailure().getClass().getName());
        }
    }

    private void draftBatch() {
        if (batch.isEmpty()) {
            return;
        }
        followClassifications();
        keyStore.prefetch(drafts.rowSubjects(batch.stream().map(StreamRecord::getValue).toList()));
        for (StreamRecord<SubjectedChange> record : batch) {
            AuditEntry draft = drafts.draft(record.getValue());
            output.collect(
                    record.hasTimestamp()
                            ? new StreamRecord<>(draft, record.getTimestamp())
                            : new StreamRecord<>(draft));
        }
        batch.clear();
    }

    private void persist(SubjectIdentifiers.Entry entry) {
        try {
            if (entry.value() == null) {
                identifierState.remove(entry.subjectId());
            } else {
                identifierState.put(
                        entry.subjectId(),
                        identifierCipher.seal(entry.value().getBytes(StandardCharsets.UTF_8)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot keep the identifiers of " + entry.subjectId(), e);
        }
    }

    /** A held change: its commit time (epoch ms) and its sealed encoding ({@link #seal}). */
    private record Held(long commitMillis, byte[] sealed) {}

    private static long commitMillis(StreamRecord<SubjectedChange> r) {
        return r.getValue().change.getSource().getCommitTime().toEpochMilli();
    }

    private byte[] seal(StreamRecord<SubjectedChange> r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeBoolean(r.hasTimestamp());
            out.writeLong(r.hasTimestamp() ? r.getTimestamp() : 0L);
            out.write(r.getValue().toBytes());
            out.flush();
            return heldCipher.seal(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("a held change always encodes", e);
        }
    }

    private StreamRecord<SubjectedChange> unseal(byte[] sealed) {
        try {
            DataInputStream in =
                    new DataInputStream(new ByteArrayInputStream(heldCipher.open(sealed)));
            boolean hasTimestamp = in.readBoolean();
            long timestamp = in.readLong();
            SubjectedChange change = SubjectedChange.fromBytes(in.readAllBytes());
            return hasTimestamp
                    ? new StreamRecord<>(change, timestamp)
                    : new StreamRecord<>(change);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable held change", e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (keyStore instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } finally {
            super.close();
        }
    }
}
