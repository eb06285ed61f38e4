package dev.lethe.jobs.audit;

import dev.lethe.events.ChangeEvent;
import dev.lethe.jobs.kafka.AvroRecords;
import dev.lethe.jobs.state.StateCipher;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

/**
 * Finds the data subject of each change's row from the changelog, never from the helpdesk database.
 * Keyed by {@link RowSubjectPaths#resolutionKey}: a change's own entity id, except for a table
 * whose subject path has two hops, whose changes come under the entity id of the row their first
 * hop names ({@code tickets/10} for a thread of ticket 10). The target row's own changes arrive
 * under that key anyway, so this operator keeps, per target row, the versions of its next-hop
 * column ({@code tickets.contact_id}): LSN, commit time, value or none (deleted).
 *
 * <ul>
 *   <li><b>Self and one hop</b> (contacts, tickets, consents, ...): the subject comes from the row
 *       itself; the change passes straight through.
 *   <li><b>Two hops</b> (threads, comments, attachments): a change at LSN L gets the subject of the
 *       greatest known version at or below L, at once if there is one. Otherwise it is held until
 *       such a version arrives (a thread read before its ticket) or until event time (commit time,
 *       the minimum over every raw topic) passes its commit time: by then every ticket change
 *       committed before it has been read, so there is none, and it leaves without a subject
 *       ({@link AuditDrafts} redacts it as {@code subject-unresolved}, as it always did for a
 *       thread of a deleted ticket).
 * </ul>
 *
 * <p><b>Determinism.</b> Two runs over the same raw topics give every change the same subject, with
 * one residual exception: a change that finds a version at once, while a later version of the
 * target still at or below L has not been read (the ticket was reassigned to another contact just
 * before the thread was written, and the tickets topic is read behind the threads topic). It is
 * bounded to tickets whose contact changes, and to the lag between reading the two topics (normally
 * milliseconds; a partition that comes back from an outage far behind can make it larger). Waiting
 * for event time for every thread would close it at the cost of the watermark's delay for every
 * thread, comment and attachment; see docs/adr/0008-subjects-from-the-changelog.md. Versions also
 * follow LSN, not commit order: of two concurrent transactions, the one that wrote first (lower
 * LSN) is "before" even if it committed later; runs agree on that too.
 *
 * <p><b>Bounded state.</b> Per target row: its current version, plus older versions until a newer
 * one is {@link #RETENTION_MS} behind event time (a timer prunes them); a deleted row's versions
 * are dropped that long after its deletion. A change arriving more than that late finds the pruned
 * history (the newest old version, or nothing): the accepted loss. Held changes leave at the latest
 * when event time passes their commit time.
 *
 * <p><b>Order.</b> Changes of one entity may leave here out of order (a held thread change, then a
 * later one of the same thread that found a newer version at once). That is fine: {@link
 * OrderEntityChanges} ("chain") releases each entity's entries in the order of the positions it
 * reads straight from the normalizer, which bypass this operator.
 *
 * <p><b>No plaintext.</b> A held change is kept as its LSN, commit time and its Avro encoding
 * sealed with {@link StateCipher} (purpose {@value #HELD_PURPOSE}). Versions hold only LSN, commit
 * time and the next-hop value, a row id ({@code contact_id} is a reference, not personal, in the
 * catalog; subject ids are in every audit entry in clear).
 *
 * <p>Output timestamps are the changes' own (their commit time), also for held changes.
 */
public final class ResolveRowSubjects
        extends KeyedProcessFunction<String, ChangeEvent, SubjectedChange> {

    private static final long serialVersionUID = 1L;

    /**
     * How long (event time) a target row's older versions and a deleted row's versions are kept
     * after a newer version: 1 h. A change later than that behind event time is resolved against
     * the pruned history. Long enough for any partition that comes back from a restart; one version
     * per target row is kept regardless (the one its next change needs).
     */
    static final long RETENTION_MS = 60 * 60 * 1000L;

    /**
     * How long (event time) past its commit a change waits for its target row before it leaves
     * without subject: 30 s. Event time passing the commit is not enough: a source partition marked
     * idle (catching up, or under load) can deliver the target row behind the watermark. Shorter
     * than the actor join's retention, so the change still finds its transaction's actor.
     */
    static final long UNRESOLVED_AFTER_MS = 30_000L;

    /** The {@link StateCipher} purpose of the held changes. */
    public static final String HELD_PURPOSE = "audit/held-for-row-subject";

    private final AuditResources resources;

    private transient RowSubjectPaths paths;
    private transient StateCipher heldCipher;
    private transient ListState<TargetVersion> versions;
    private transient ListState<HeldChange> held;
    private transient Counter heldCount;
    private transient Counter unresolved;

    public ResolveRowSubjects(AuditResources resources) {
        this.resources = resources;
    }

    /** One version of a target row's next-hop column; value null = none (deleted, or NULL). */
    public static class TargetVersion {
        public long lsn;
        public long commitMillis;
        public String value;

        public TargetVersion() {}

        TargetVersion(long lsn, long commitMillis, String value) {
            this.lsn = lsn;
            this.commitMillis = commitMillis;
            this.value = value;
        }
    }

    /** A change waiting for its target's version: position and sealed Avro encoding. */
    public static class HeldChange {
        public long lsn;
        public long commitMillis;
        public byte[] sealed;

        public HeldChange() {}

        HeldChange(long lsn, long commitMillis, byte[] sealed) {
            this.lsn = lsn;
            this.commitMillis = commitMillis;
            this.sealed = sealed;
        }
    }

    @Override
    public void open(OpenContext context) throws Exception {
        paths = RowSubjectPaths.of(resources.openCatalog());
        heldCipher = new StateCipher(resources.stateKeys().open(), HELD_PURPOSE);
        versions =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>("target-versions", TargetVersion.class));
        held =
                getRuntimeContext()
                        .getListState(new ListStateDescriptor<>("held-changes", HeldChange.class));
        heldCount = getRuntimeContext().getMetricGroup().counter("numHeldForSubject");
        unresolved = getRuntimeContext().getMetricGroup().counter("numSubjectUnresolved");
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<SubjectedChange> out)
            throws Exception {
        String table = change.getTable();
        long lsn = change.getSource().getLsn();
        long committed = change.getSource().getCommitTime().toEpochMilli();
        if (paths.isTarget(table)) {
            LsnVersions<String> known = load();
            known.put(lsn, committed, paths.nextHopValueAfter(change));
            if (known.size() > 1 || paths.nextHopValueAfter(change) == null) {
                // an older version or the whole history can go RETENTION_MS after this one
                ctx.timerService().registerEventTimeTimer(committed + RETENTION_MS);
            }
            out.collect(SubjectedChange.of(change, paths.subjectOfRow(change)));
            releaseAnswerable(known, out);
            known.prune(horizon(ctx.timerService().currentWatermark()));
            store(known);
            return;
        }
        if (!paths.namesTarget(change)) {
            // self, one hop, no subject, or a two-hop row whose reference is null
            out.collect(SubjectedChange.of(change, paths.subjectOfRow(change)));
            return;
        }
        Optional<LsnVersions.Version<String>> version = load().asOf(lsn);
        if (version.isPresent()) {
            out.collect(subjected(change, version.get()));
        } else if (committed + UNRESOLVED_AFTER_MS <= ctx.timerService().currentWatermark()) {
            unresolved.inc();
            out.collect(new SubjectedChange(change, null));
        } else {
            heldCount.inc();
            held.add(new HeldChange(lsn, committed, heldCipher.seal(AvroRecords.bytes(change))));
            ctx.timerService().registerEventTimeTimer(committed + UNRESOLVED_AFTER_MS);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SubjectedChange> out)
            throws Exception {
        LsnVersions<String> known = load();
        List<HeldChange> due = new ArrayList<>();
        List<HeldChange> later = new ArrayList<>();
        for (HeldChange h : heldList()) {
            (h.commitMillis + UNRESOLVED_AFTER_MS <= timestamp ? due : later).add(h);
        }
        if (!due.isEmpty()) {
            held.update(later);
            release(due, known, out);
        }
        if (known.prune(horizon(ctx.timerService().currentWatermark()))) {
            store(known);
        }
    }

    /** Emits held changes that leave now, in LSN order, with the version they find, if any. */
    private void release(
            List<HeldChange> due, LsnVersions<String> known, Collector<SubjectedChange> out)
            throws Exception {
        due.sort(Comparator.comparingLong(h -> h.lsn));
        for (HeldChange h : due) {
            ChangeEvent change = open(h);
            Optional<LsnVersions.Version<String>> version = known.asOf(h.lsn);
            if (version.isEmpty()) {
                unresolved.inc();
            }
            emit(
                    out,
                    version.map(v -> subjected(change, v))
                            .orElseGet(() -> new SubjectedChange(change, null)),
                    h.commitMillis);
        }
    }

    /** Emits the held changes a version is now known for, in LSN order. */
    private void releaseAnswerable(LsnVersions<String> known, Collector<SubjectedChange> out)
            throws Exception {
        List<HeldChange> waiting = heldList();
        if (waiting.isEmpty()) {
            return;
        }
        List<HeldChange> answerable = new ArrayList<>();
        List<HeldChange> still = new ArrayList<>();
        for (HeldChange h : waiting) {
            (known.asOf(h.lsn).isPresent() ? answerable : still).add(h);
        }
        if (answerable.isEmpty()) {
            return;
        }
        held.update(still);
        answerable.sort(Comparator.comparingLong(h -> h.lsn));
        for (HeldChange h : answerable) {
            emit(out, subjected(open(h), known.asOf(h.lsn).orElseThrow()), h.commitMillis);
        }
    }

    private SubjectedChange subjected(ChangeEvent change, LsnVersions.Version<String> version) {
        Optional<String> subject = paths.subjectThroughTarget(change.getTable(), version.value());
        if (subject.isEmpty()) {
            unresolved.inc();
        }
        return SubjectedChange.of(change, subject);
    }

    /** Versions committed at or before this are prunable (see {@link LsnVersions#prune}). */
    static long horizon(long watermark) {
        return watermark < Long.MIN_VALUE + RETENTION_MS
                ? Long.MIN_VALUE
                : watermark - RETENTION_MS;
    }

    /** A held change leaves with its own timestamp, not the one of what released it. */
    private static void emit(Collector<SubjectedChange> out, SubjectedChange c, long timestamp) {
        if (out instanceof TimestampedCollector<SubjectedChange> timestamped) {
            timestamped.setAbsoluteTimestamp(timestamp);
        }
        out.collect(c);
    }

    private ChangeEvent open(HeldChange h) throws Exception {
        return ChangeEvent.fromByteBuffer(ByteBuffer.wrap(heldCipher.open(h.sealed)));
    }

    private LsnVersions<String> load() throws Exception {
        LsnVersions<String> known = new LsnVersions<>();
        Iterable<TargetVersion> stored = versions.get();
        if (stored != null) {
            for (TargetVersion v : stored) {
                known.put(v.lsn, v.commitMillis, v.value);
            }
        }
        return known;
    }

    private void store(LsnVersions<String> known) throws Exception {
        if (known.isEmpty()) {
            versions.clear();
            return;
        }
        List<TargetVersion> list = new ArrayList<>(known.size());
        for (LsnVersions.Version<String> v : known.all()) {
            list.add(new TargetVersion(v.lsn(), v.commitMillis(), v.value()));
        }
        versions.update(list);
    }

    private List<HeldChange> heldList() throws Exception {
        List<HeldChange> list = new ArrayList<>();
        Iterable<HeldChange> stored = held.get();
        if (stored != null) {
            stored.forEach(list::add);
        }
        return list;
    }
}
